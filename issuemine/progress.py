"""Progress of long work, for people: the stage, notes done and time elapsed — never note text.

Stages are log records of the ``issuemine.progress`` logger, so the code doing the work needs no handle to
pass around and costs nothing when nobody listens. Listeners decide what to show: the command line prints
them on stderr once a command has run for a few seconds (``issuemine.cli.main``); the app stores the last
one with its job (``issuemine.app.jobs``). A record carries ``stage`` (Japanese), ``done`` and ``total``
(counts of notes, or ``None``) as attributes beside its message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import TypeVar

LOGGER_NAME = "issuemine.progress"
log = logging.getLogger(LOGGER_NAME)

T = TypeVar("T")

# How often a long loop reports how far it got (in items); a report costs one log call.
EVERY = 20_000


def stage_message(stage: str, done: int | None = None, total: int | None = None) -> str:
    """The Japanese line for a stage: 「テーマ分け」 or 「形態素解析: 付箋 40,000 / 1,000,000 枚」."""
    if done is None:
        return stage
    if total:
        return f"{stage}: 付箋 {done:,} / {total:,} 枚"
    return f"{stage}: 付箋 {done:,} 枚"


def report(stage: str, done: int | None = None, total: int | None = None) -> None:
    """Say that ``stage`` is under way (with ``done`` of ``total`` notes so far, if counted)."""
    if log.isEnabledFor(logging.INFO):
        log.info(stage_message(stage, done, total), extra={"stage": stage, "done": done, "total": total})


def counted(items: Iterable[T], stage: str, total: int | None = None, every: int = EVERY) -> Iterator[T]:
    """``items`` unchanged, reporting ``stage`` with the count every ``every`` items (and at the end,
    when there were more than ``every``). Costs one comparison per item when nobody listens."""
    if not log.isEnabledFor(logging.INFO):
        yield from items
        return
    n = 0
    for n, item in enumerate(items, start=1):
        if n % every == 0:
            report(stage, n, total)
        yield item
    if n >= every and n % every:
        report(stage, n, total)
