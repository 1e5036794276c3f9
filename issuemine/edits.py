"""The facilitator's edit list: an ordered JSON Lines file beside the workshop file.

``<notes file stem>.edits.jsonl``, one edit per line, applied in order after every re-analysis:

    {"op": "rename", "theme": "T03", "label": "…"}
    {"op": "merge", "themes": ["T03", "T07"], "label": "…"}      # label optional
    {"op": "split", "theme": "T02", "notes": ["N…", …], "label": "…"}  # label optional
    {"op": "move", "note": "N…", "theme": "T05"}
    {"op": "move", "notes": ["N…", …], "theme": "T05"}           # several notes as one edit (one undo)
    {"op": "zone", "note": "N…", "zones": "HC"}                  # applied by issuemine.diagram
    {"op": "zone", "notes": ["N…", …], "zones": "HC"}

Theme ids are stable across re-runs of the same input (themes.model), so edits keep applying; an edit
that no longer applies (its theme or note is gone) is skipped and reported, never an error.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from issuemine.errors import InputError

OPS = {
    "rename": ("theme", "label"),
    "merge": ("themes",),
    "split": ("theme", "notes"),
    "move": ("note", "theme"),
    "zone": ("note", "zones"),
}
# move and zone name one note ("note") or several ("notes", a non-empty list): one edit, undone at once.
NOTE_OR_NOTES = {"move", "zone"}
ZONE_VALUES = {"H", "C", "S", "HC", "HS", "CS", "HCS", "F", "P", "X"}


def edits_path_for(notes_path: str | Path) -> Path:
    """The edit list that belongs to a workshop file: ``<stem>.edits.jsonl`` beside it."""
    p = Path(notes_path)
    return p.with_name(f"{p.stem}.edits.jsonl")


def validate_edit(edit, *, file=None, row=None) -> dict:
    """Check one edit's shape; a malformed edit is the user's mistake, named by file and line."""
    if not isinstance(edit, dict):
        raise InputError("編集は JSON のオブジェクト({...})で書いてください。", file=file, row=row)
    op = edit.get("op")
    if op not in OPS:
        raise InputError(f"不明な編集の種類です: {op!r}(使えるもの: {', '.join(OPS)})。", file=file, row=row,
                         column="op")
    for key in OPS[op]:
        if key == "note" and op in NOTE_OR_NOTES and "notes" in edit:
            if (not isinstance(edit["notes"], list) or not edit["notes"]
                    or not all(isinstance(n, str) for n in edit["notes"])):
                raise InputError(f"「{op}」の notes は付箋 ID のリストにしてください。", file=file, row=row,
                                 column="notes")
            continue
        if key not in edit:
            raise InputError(f"「{op}」には項目「{key}」が必要です。", file=file, row=row, column=key)
    if op == "merge" and (not isinstance(edit["themes"], list) or len(edit["themes"]) < 2
                          or not all(isinstance(t, str) for t in edit["themes"])):
        raise InputError("「merge」の themes は 2 つ以上のテーマ ID のリストにしてください。", file=file, row=row,
                         column="themes")
    if op == "split" and (not isinstance(edit["notes"], list) or not edit["notes"]):
        raise InputError("「split」の notes は付箋 ID のリストにしてください。", file=file, row=row, column="notes")
    if op == "zone" and edit["zones"] not in ZONE_VALUES:
        raise InputError(f"zones は {' / '.join(sorted(ZONE_VALUES))} のいずれかにしてください。", file=file,
                         row=row, column="zones")
    for key in ("label",):
        if key in edit and (not isinstance(edit[key], str) or not edit[key].strip()):
            raise InputError("label は空でない文字列にしてください。", file=file, row=row, column="label")
    return edit


def load_edits(path: str | Path) -> list[dict]:
    """The edits in file order; a missing file is an empty list."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError("編集ファイルを UTF-8 として読めません。", file=path) from exc
    out = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            edit = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"JSON として読めません({exc.msg}, {exc.colno} 文字目)。", file=path, row=n) from None
        out.append(validate_edit(edit, file=path, row=n))
    return out


def append_edit(path: str | Path, edit: dict) -> None:
    """Add one edit at the end, atomically (a crash never leaves a half-written list)."""
    path = Path(path)
    validate_edit(edit, file=path)
    old = path.read_bytes() if path.exists() else b""
    if old and not old.endswith(b"\n"):
        old += b"\n"
    line = json.dumps(edit, ensure_ascii=False, sort_keys=True) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(old + line.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def edit_notes(edit: dict) -> list[str]:
    """The notes a move or zone edit is about: ``notes`` (a list) or the single ``note``."""
    return list(edit["notes"]) if "notes" in edit else [edit["note"]]


def _next_theme_id(existing) -> str:
    nums = [int(t[1:]) for t in existing if t[:1] == "T" and t[1:].isdigit()]
    return f"T{(max(nums) if nums else 0) + 1:02d}"


def apply_theme_edits(result, edits: list[dict]):
    """Apply rename / merge / split / move to a ThemeResult; zone edits are left to the diagram.

    Returns ``(new_result, report)``: ``report`` is a list of Japanese sentences, one per edit that no
    longer applies. The input result is not changed.
    """
    res = result.copy()
    if edits:
        # Labels stay as the facilitator saw them: moving a note into a theme must not rename it. Only a
        # merged or split-off theme without a label of its own is labelled afresh.
        for t, label in zip(result.themes["theme_id"], result.themes["label"]):
            if t in res.meta and not res.meta[t].get("label"):
                res.meta[t]["label"] = label
    report: list[str] = []
    note_pos = {nid: i for i, nid in enumerate(res.note_ids)}
    for n, edit in enumerate(edits, start=1):
        op = edit.get("op")
        where = f"編集 {n} 件目({op})"
        themes = set(res.theme_of)
        if op == "rename":
            t = edit["theme"]
            if t not in themes:
                report.append(f"{where}: テーマ {t} が今回の分析にないため適用できませんでした。")
                continue
            res.meta[t]["label"] = edit["label"].strip()
        elif op == "merge":
            present = [t for t in edit["themes"] if t in themes]
            missing = [t for t in edit["themes"] if t not in themes]
            if missing:
                report.append(f"{where}: テーマ {', '.join(missing)} が今回の分析にありません"
                              + ("。残りのテーマだけを統合しました。" if len(present) >= 2 else "。適用できませんでした。"))
            if len(present) < 2:
                continue
            target = present[0]
            drop = set(present[1:])
            res.theme_of = [target if t in drop else t for t in res.theme_of]
            res.meta[target]["label"] = edit.get("label", "").strip() or None
            for t in drop:
                res.stability_by_theme.pop(t, None)
            res.stability_by_theme.pop(target, None)  # a merged theme was never measured
        elif op == "split":
            t = edit["theme"]
            if t not in themes:
                report.append(f"{where}: テーマ {t} が今回の分析にないため適用できませんでした。")
                continue
            idx = [note_pos[x] for x in edit["notes"] if x in note_pos and res.theme_of[note_pos[x]] == t]
            gone = len(edit["notes"]) - len(idx)
            if not idx:
                report.append(f"{where}: 指定の付箋がテーマ {t} にないため適用できませんでした。")
                continue
            if len(idx) == sum(1 for x in res.theme_of if x == t):
                report.append(f"{where}: テーマ {t} の付箋すべてが指定されたため、分割しませんでした。")
                continue
            if gone:
                report.append(f"{where}: 指定の付箋のうち {gone} 枚がテーマ {t} にないため、残りで分割しました。")
            new = _next_theme_id(set(res.theme_of) | set(res.meta))
            res.meta[new] = {"label": edit.get("label", "").strip() or None,
                             "heading": res.meta[t].get("heading"), "source": "edited"}
            for i in idx:
                res.theme_of[i] = new
            res.stability_by_theme.pop(t, None)
        elif op == "move":
            t = edit["theme"]
            if t not in themes:
                report.append(f"{where}: テーマ {t} が今回の分析にないため適用できませんでした。")
                continue
            for nid in edit_notes(edit):
                if nid not in note_pos:
                    report.append(f"{where}: 付箋 {nid} が今回の入力にないため適用できませんでした。")
                    continue
                res.theme_of[note_pos[nid]] = t
        elif op == "zone":
            continue
        else:
            report.append(f"{where}: 不明な編集の種類のため無視しました。")
    res.info = dict(res.info)
    res.info["edits"] = {"applied": len([e for e in edits if e.get("op") != "zone"]) - len(
        [r for r in report if r.endswith(("できませんでした。", "しませんでした。", "無視しました。"))]),
        "not_applied": report}
    return res.rebuild(), report
