"""A second process that loads slow libraries while this one works, then runs tasks handed to it.

Why: a cold report spends most of its time importing (scikit-learn, umap with numba, openpyxl) and then
runs steps that do not depend on each other (the UMAP layout, the Excel workbook, the HTML). On two
cores the helper imports umap while this process fits the themes, so the layout is ready by the time
the figures need it.

How: a fresh interpreter (``python -c``, with this process's import path), never ``fork`` (forking after
numpy's thread pools exist can deadlock), talking pickle over its stdin/stdout. Plain ``subprocess`` rather than
``multiprocessing``, whose spawn also starts a resource-tracker process and re-imports ``__main__``.

The helper is an optimisation, never a dependency: if it cannot start, dies, or fails a task, the caller
gets ``HelperUnavailable`` and does the task itself, so the output is the same either way — only the time
differs. Tasks are ``"module:function"`` names, so nothing but plain data crosses the pipe.

    with HelperProcess(preload=("issuemine.themes.figures.umap_cached:import_umap",)) as helper:
        pending = helper.submit("issuemine.themes.figures.map:umap_layout", X, 0, 15)
        ...                       # other work here meanwhile
        Y = pending.result()      # or HelperUnavailable
"""

from __future__ import annotations

import importlib
import itertools
import json
import os
import pickle
import sys


# The helper starts with exactly this process's import path (a notebook's or a test's additions included),
# set before anything is imported; PYTHONPATH would instead put site-packages ahead of the standard library.
_BOOT = ("import sys, json; sys.path[:] = json.loads(sys.argv[1]); "
         "from issuemine.helper_process import _serve; _serve(sys.argv[2:])")


class HelperUnavailable(RuntimeError):
    """The helper could not run the task (not started, died, or the task raised there)."""


def _resolve(path: str):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def _serve(preload: list[str]) -> None:
    """The helper's side: read tasks at once (so a sender never blocks on a full pipe), run the preload
    calls, then each task in order; answer ``(task_id, ok, value)`` on the original stdout."""
    import gc
    import queue
    import threading

    from issuemine.cli.main import BATCH_GC_THRESHOLD

    gc.set_threshold(BATCH_GC_THRESHOLD, *gc.get_threshold()[1:])  # one-shot, like a CLI command
    inbox, out = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the answers
    tasks: queue.Queue = queue.Queue()

    def read() -> None:
        try:
            while True:
                tasks.put(pickle.load(inbox))
        except Exception:  # EOF: the caller closed the pipe or exited
            tasks.put(None)

    threading.Thread(target=read, daemon=True).start()
    for path in preload:
        try:
            _resolve(path)()
        except Exception:  # a failed preload only means the task pays for it later
            pass
    while (item := tasks.get()) is not None:
        task_id, path, args = item
        try:
            answer = (task_id, True, _resolve(path)(*args))
        except BaseException as exc:  # noqa: BLE001 - the caller redoes the task itself and sees the error
            answer = (task_id, False, type(exc).__name__)  # the type only: a message may quote a note
        pickle.dump(answer, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()


class Pending:
    """A task submitted to the helper; ``result()`` waits for it."""

    def __init__(self, helper: HelperProcess, task_id: int) -> None:
        self._helper = helper
        self._id = task_id

    def result(self):
        return self._helper._wait(self._id)


class HelperProcess:
    """One helper process (see the module docstring); a context manager that stops it on exit.

    Parameters
    ----------
    preload : ``"module:function"`` calls the helper makes first (imports, warm-ups).
    enabled : start a process at all; ``None``: only where it pays off (``worthwhile()``). A helper that
        is not started runs nothing: every ``Pending.result`` raises ``HelperUnavailable``.
    """

    def __init__(self, preload: tuple = (), enabled: bool | None = True) -> None:
        self.preload = tuple(preload)
        self.enabled = enabled
        self._proc = None
        self._done: dict = {}
        self._ids = itertools.count()

    @staticmethod
    def worthwhile() -> bool:
        """A helper pays off on a cold start with a spare core; in a warm process it only adds work."""
        return (os.cpu_count() or 1) >= 2 and "sklearn" not in sys.modules

    def start(self) -> HelperProcess:
        if not (self.worthwhile() if self.enabled is None else self.enabled):
            return self
        import subprocess

        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-c", _BOOT, json.dumps(sys.path), *self.preload],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except (OSError, ValueError, TypeError):  # no interpreter to start (embedded Python): all runs here
            self._proc = None
        return self

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def submit(self, path: str, *args) -> Pending:
        """Queue ``path(*args)`` (``"module:function"``) in the helper; arguments must pickle."""
        task_id = next(self._ids)
        try:
            pickle.dump((task_id, path, args), self._proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self._proc.stdin.flush()
        except (AttributeError, OSError, pickle.PicklingError):
            self._done[task_id] = (False, "not running")
        return Pending(self, task_id)

    def _wait(self, task_id: int):
        while task_id not in self._done:
            try:
                got, ok, value = pickle.load(self._proc.stdout)
            except Exception:  # not started, or it exited (EOF) or sent garbage
                self._done[task_id] = (False, "helper exited")
                break
            self._done[got] = (ok, value)
        ok, value = self._done.pop(task_id)
        if not ok:
            raise HelperUnavailable(value)
        return value

    def close(self) -> None:
        """Stop the helper now (an unfinished preload or task is abandoned)."""
        if self._proc is None:
            return
        self._proc.kill()
        self._proc.wait()
        for stream in (self._proc.stdin, self._proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self._proc = None

    def __enter__(self) -> HelperProcess:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
