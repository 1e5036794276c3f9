"""Entry point of the ``issuemine`` command.

Commands are discovered from ``issuemine/cli/commands/``: each module defines ``NAME``, ``HELP``,
``ORDER``, ``add_arguments(parser)`` and ``run(args) -> int`` (and ``LONG_RUNNING = True`` for a server).
Command modules import nothing heavy at
module level (pandas, sklearn, fugashi, plotly are imported inside ``run``) so ``issuemine --help``
stays well under a second.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from issuemine import __version__
from issuemine.errors import IssuemineError


def _command_modules():
    from issuemine.cli import commands

    mods = [importlib.import_module(f"{commands.__name__}.{m.name}")
            for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_")]
    return sorted(mods, key=lambda m: (getattr(m, "ORDER", 100), m.NAME))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="issuemine",
        description="多職種ワークショップの付箋を、テーマ・概念図・委員会レポートにまとめます。",
    )
    parser.add_argument("--version", action="version", version=f"issuemine {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="コマンド")
    for mod in _command_modules():
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run, _long_running=getattr(mod, "LONG_RUNNING", False))
    return parser


# A one-shot command collects cyclic garbage after a million new container objects instead of 700.
# Importing pandas, scikit-learn and umap creates millions of long-lived objects, and the default
# thresholds re-scanned them ~500 times: 0.3 s of a 3 s cold report. The runs make little cyclic
# garbage (17k objects over a whole demo), and it is still collected, just in larger batches.
BATCH_GC_THRESHOLD = 1_000_000


# Stages of long work are shown once a command has run this long, so quick commands stay quiet.
PROGRESS_AFTER_S = 3.0


class _ProgressGate:
    """Filter and formatter of the CLI's stderr handler: ``issuemine.progress`` records pass only once the
    command has run ``after`` seconds and are shown with the time elapsed; other messages always pass, as
    they are. Records are not changed (other handlers see them as logged)."""

    def __init__(self, after: float) -> None:
        import time

        self.after = after
        self.start = time.monotonic()
        self._clock = time.monotonic

    @staticmethod
    def _is_progress(record) -> bool:
        return record.name.startswith("issuemine.progress")

    def filter(self, record) -> bool:
        return not self._is_progress(record) or self._clock() - self.start >= self.after

    def format(self, record) -> str:
        if self._is_progress(record):
            return f"[{self._clock() - self.start:6.1f} 秒] {record.getMessage()}"
        return record.getMessage()


def _show_progress() -> None:
    """Messages of the ``issuemine`` loggers (Japanese, never note text) go to stderr, once; the stages
    of long work only after the first few seconds (``ISSUEMINE_PROGRESS_AFTER`` seconds if set)."""
    import logging
    import os

    logger = logging.getLogger("issuemine")
    for h in [h for h in logger.handlers if getattr(h, "_issuemine_cli", False)]:
        logger.removeHandler(h)  # main() called again in-process: the clock starts anew
    try:
        after = float(os.environ.get("ISSUEMINE_PROGRESS_AFTER", PROGRESS_AFTER_S))
    except ValueError:
        after = PROGRESS_AFTER_S
    handler = logging.StreamHandler(sys.stderr)
    gate = _ProgressGate(after)
    handler.setFormatter(gate)
    handler.addFilter(gate)
    handler._issuemine_cli = True
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def _internal_error(exc: Exception) -> int:
    """A bug: say so in Japanese with where it happened, never the exception's message or a traceback
    (either may quote a note: a KeyError names a header, a UnicodeError shows the text around a
    character). ``ISSUEMINE_DEBUG=1`` raises it as usual for a developer."""
    import os
    import traceback

    if os.environ.get("ISSUEMINE_DEBUG"):
        raise exc
    frames = traceback.extract_tb(exc.__traceback__)[-3:]
    where = " ← ".join(f"{os.path.basename(f.filename)}:{f.lineno}" for f in reversed(frames))
    print(f"エラー: 内部エラーで処理を続けられませんでした({type(exc).__name__}、{where})。"
          "入力の内容は表示していません。この行を添えて開発者に知らせてください"
          "(ISSUEMINE_DEBUG=1 を付けて実行すると詳しい情報が出ます)。", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 1
    import gc

    thresholds = gc.get_threshold()
    if not args._long_running:
        gc.set_threshold(BATCH_GC_THRESHOLD, thresholds[1], thresholds[2])
    _show_progress()
    import warnings

    with warnings.catch_warnings():
        _quiet_library_warnings()
        return _run(args, thresholds)


# Libraries whose warnings speak to developers (English, e.g. scikit-learn's ConvergenceWarning when a
# tiny workshop has fewer distinct notes than clusters); the tool's own notices are Japanese log messages.
LIBRARY_WARNINGS = r"(sklearn|umap|pynndescent|numba|scipy|pandas|openpyxl|plotly)(\.|$)"


def _quiet_library_warnings() -> None:
    """Library warnings are not shown on the terminal unless ISSUEMINE_DEBUG is set."""
    import os
    import warnings

    if not os.environ.get("ISSUEMINE_DEBUG"):
        warnings.filterwarnings("ignore", module=LIBRARY_WARNINGS)


def _run(args, thresholds) -> int:
    import gc

    try:
        status = int(args._run(args) or 0)
        # The process ends next: spare the interpreter's shutdown a collection over the millions of
        # objects that pandas, sklearn and umap leave behind (0.5-1 s measured after a report).
        gc.freeze()
        return status
    except IssuemineError as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("中断しました。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (issuemine terms … | head): not an error; keep Python from complaining
        # again while flushing stdout at exit
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 - a bug, not the user's mistake
        return _internal_error(exc)
    finally:
        gc.set_threshold(*thresholds)  # main() called in-process (tests, notebooks) leaves GC as it was


if __name__ == "__main__":
    raise SystemExit(main())
