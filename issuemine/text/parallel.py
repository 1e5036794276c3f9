"""Tokenizing many notes on several cores: chunks to worker processes, compact ids back.

Why this shape (shared/performance.md): two processes that each return Python lists gave at best 1.6×,
and at a million notes were slower than one, because the parent rebuilt millions of small objects
under the garbage collector. Here a worker returns each chunk as a small local vocabulary and two int32
arrays (:class:`~issuemine.text.batch.IdLists`' layout), and the parent only renumbers arrays.

* Workers are fresh interpreters running ``python -m issuemine.text.worker`` (``issuemine/text/worker.py``),
  fed chunks over pipes. Unlike multiprocessing's ``spawn`` (or loky), they never re-import the caller's
  main module, so a script without an ``if __name__ == "__main__"`` guard, a notebook, pytest and the web
  app's job process all work; unlike ``fork`` they are safe in a process with threads and build their own
  tagger. Where processes cannot be started the work runs in this process (same result).
* The output is identical to the single-process path whatever the number of workers or chunk size (the
  vocabulary is in first-occurrence order; ``merge_chunks``).
* Note text never reaches a log: a failing worker raises an error naming only the exception type.
* Progress is reported as chunks come back (``issuemine.progress``: 形態素解析, notes done).
"""

from __future__ import annotations

import gc
import logging
import os
import pickle

from issuemine import progress
from issuemine.text import worker

log = logging.getLogger(__name__)

# Below this many notes one process is faster than starting workers (~0.5 s each).
MIN_PARALLEL = 50_000
CHUNK = 10_000  # notes per task: small enough for even progress, large enough that overhead is nil
JOBS_ENV = "ISSUEMINE_JOBS"  # e.g. ISSUEMINE_JOBS=1 to keep everything in one process

def available_cores() -> int:
    """Cores this process may run on (the affinity mask where the system has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def resolve_jobs(n_jobs: int | None, n_texts: int, chunk: int = CHUNK) -> int:
    """How many worker processes: ``n_jobs`` (−1 = every core), or, for ``None``, the environment's
    ``ISSUEMINE_JOBS`` or every core when there are at least ``MIN_PARALLEL`` notes; 1 = no workers."""
    if n_jobs is None:
        env = os.environ.get(JOBS_ENV, "").strip()
        if env:
            try:
                n_jobs = int(env)
            except ValueError:
                n_jobs = 1
        elif n_texts < MIN_PARALLEL:
            return 1
        else:
            n_jobs = -1
    cores = available_cores()
    if n_jobs < 0:
        n_jobs = max(1, cores + 1 + n_jobs)
    chunks = -(-n_texts // chunk)
    return max(1, min(n_jobs, chunks))


def run(tok, texts, kind: str, n_jobs: int | None = None, texts_out: bool = False, chunk: int = CHUNK):
    """The :class:`~issuemine.text.batch.IdLists` of ``texts`` (``kind``: ``"terms"`` or ``"morphs"``)."""
    from issuemine.text.batch import merge_chunks

    if not isinstance(texts, list):
        texts = list(texts)
    n = len(texts)
    tok.fit()  # the user dictionary is built (and cached) here, once, before any worker needs it
    jobs = resolve_jobs(n_jobs, n, chunk)
    state = None
    if jobs > 1:
        try:
            state = pickle.dumps(tok.get_params())
        except Exception:  # a lambda normaliser, a generator of compounds: stay in this process
            log.debug("tokenizer parameters cannot be sent to worker processes; tokenizing in one process")
    enabled = gc.isenabled()
    gc.disable()
    try:
        results = None
        if state is not None:
            results = _parallel(texts, kind, jobs, texts_out, chunk, state)
        if results is None:
            results = []
            for start in range(0, n, chunk):
                results.append(tok._chunk(kind, texts[start:start + chunk], texts_out))
                _report(min(start + chunk, n), n)
        return merge_chunks(results, texts_out)
    finally:
        if enabled:
            gc.enable()


def _report(done: int, total: int) -> None:
    if total >= progress.EVERY:
        progress.report("形態素解析", done, total)


def _parallel(texts: list, kind: str, jobs: int, texts_out: bool, chunk: int, state: bytes):
    """Chunk results in input order, or None when worker processes cannot be used here."""
    import queue
    import threading

    n = len(texts)
    starts = list(range(0, n, chunk))
    try:
        workers = [worker.start() for _ in range(jobs)]
    except (OSError, ValueError) as exc:
        log.debug("worker processes unavailable (%s); tokenizing in one process", type(exc).__name__)
        return None
    results: list = [None] * len(starts)
    todo = iter(range(len(starts)))
    lock = threading.Lock()
    done: queue.Queue = queue.Queue()

    def serve(proc) -> None:
        try:
            worker.send(proc, state)
            while True:
                with lock:
                    k = next(todo, None)
                if k is None:
                    break
                worker.send(proc, (kind, texts[starts[k]:starts[k] + chunk], texts_out))
                status, value = worker.receive(proc)
                if status != "ok":
                    done.put(("error", value))
                    return
                results[k] = value
                done.put(("ok", k))
        except (OSError, EOFError, ValueError) as exc:
            done.put(("lost", type(exc).__name__))
        finally:
            done.put(("exit", None))

    threads = [threading.Thread(target=serve, args=(p,), daemon=True) for p in workers]
    for t in threads:
        t.start()
    failure = error = None
    finished = received = 0
    try:
        while finished < len(threads):
            status, value = done.get()
            if status == "exit":
                finished += 1
            elif status == "ok":
                received += 1
                _report(min(received * chunk, n), n)
            elif status == "error":
                error = value
                with lock:  # stop handing out chunks
                    for _ in todo:
                        pass
            else:
                failure = value
    finally:
        for p in workers:
            worker.stop(p)
    if error is not None:  # the tokenizer itself failed: doing it again here would fail the same way
        raise RuntimeError(f"tokenizing failed in a worker process ({error})")
    if failure is not None or any(r is None for r in results):
        # a worker could not start or died (killed for memory, no interpreter at sys.executable): the
        # work is done again here, so the caller gets the same answer, only later
        log.warning("形態素解析を分担するプロセスが止まったため、1 つのプロセスでやり直します(%s)。", failure)
        return None
    return results
