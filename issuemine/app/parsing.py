"""Reading an upload with the package's own readers (ingest for notes, survey for questionnaires).

The readers take a path and name it in their messages, so the original bytes are written to a private
temporary folder under the user's file name (with the suffix the content proved). Results come back as
plain JSON-able records plus the reader's report, ready for the store.
"""

from __future__ import annotations

import logging
import math
import tempfile
import traceback
from contextlib import contextmanager
from pathlib import Path

from issuemine.app.sniff import safe_name
from issuemine.errors import InputError, IssuemineError
from issuemine.jsonready import json_ready

log = logging.getLogger("issuemine.app")

ROLES = ("text", "group", "profession", "round", "participant")
ROLE_LABELS = {"text": "付箋の内容", "group": "グループ", "profession": "職種", "round": "回",
               "participant": "参加者"}


def _cell(value):
    """pandas cell → JSON value (NA → None, numpy scalars → Python)."""
    if value is None:
        return None
    try:
        if value != value:  # NaN / NA
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def frame_records(df) -> list[dict]:
    cols = list(df.columns)
    return [{c: _cell(v) for c, v in zip(cols, row)} for row in df.itertuples(index=False, name=None)]


@contextmanager
def reader_failures(filename: str):
    """A reader's unexpected failure on an upload becomes the tool's own error (a Japanese page, the upload
    kept and listed as refused, never a 500). Only the exception's type and frames are logged: its text
    may quote the file."""
    try:
        yield
    except IssuemineError:
        raise
    except Exception as exc:  # noqa: BLE001 — any reader bug on hostile input
        log.error("reader failed on an upload: %s\n%s", type(exc).__name__,
                  "".join(traceback.format_tb(exc.__traceback__)))
        raise InputError("このファイルは読み込めませんでした(読み取りの途中で想定外の問題が起きました)。",
                         file=filename, hint="見出しの重複や空の見出しがないか、表の形を確かめてから保存し直してください"
                         ) from None


def read_notes_upload(data: bytes, filename: str, fmt: str, options: dict, workshop: str):
    """Parse notes; returns (records, report). Raises IssuemineError for the user's mistakes."""
    from issuemine.ingest import read_notes

    mapping = {k: v for k, v in (options.get("mapping") or {}).items() if v} or None
    with tempfile.TemporaryDirectory(prefix="issuemine-upload-") as tmp, reader_failures(filename):
        path = Path(tmp) / safe_name(filename, fmt)
        path.write_bytes(data)
        df = read_notes(path, workshop=workshop, mapping=mapping, header=bool(options.get("header", True)),
                        encoding=options.get("encoding") or None, sheet=options.get("sheet") or None)
    found = df.attrs.get("report")
    report = json_ready(found.to_dict() if hasattr(found, "to_dict") else dict(found or {}))
    report["file"] = filename  # not the private temporary path
    df = df.copy()
    df["source_file"] = filename
    return frame_records(df), report


def sheet_choice(data: bytes, fmt: str) -> list[dict]:
    """The worksheets of an .xlsx upload, ``[{"name", "visible"}]`` in workbook order (chart sheets left out),
    for the preview's sheet choice; empty for text files and for a workbook that cannot be opened."""
    if fmt != "xlsx":
        return []
    from issuemine.ingest import list_sheets

    try:
        sheets = list_sheets(data)
    except IssuemineError:
        return []
    return [{"name": s.name, "visible": bool(s.visible)} for s in sheets if s.kind == "worksheet"]


def read_survey_upload(files: list[tuple[str, bytes, str]]):
    """Parse one questionnaire file (phase column or wide) or a pre and a post file.

    Returns (ANSWERS records, summary) where the summary holds the per-item comparison and its notes.
    """
    from issuemine.survey import compare_items, read_answers

    with tempfile.TemporaryDirectory(prefix="issuemine-upload-") as tmp, \
            reader_failures(" と ".join(name for name, _, _ in files)):
        paths = []
        for i, (filename, data, fmt) in enumerate(files):
            sub = Path(tmp) / str(i)  # two files may share a name
            sub.mkdir()
            path = sub / safe_name(filename, fmt)
            path.write_bytes(data)
            paths.append(path)
        answers = read_answers(*paths)
        result = compare_items(answers)
    items = result.items if hasattr(result, "items") and not callable(result.items) else result
    summary = {"items": frame_records(items), "columns": [str(c) for c in items.columns],
               "info": json_ready(getattr(result, "info", {}) or {})}
    return frame_records(answers), summary
