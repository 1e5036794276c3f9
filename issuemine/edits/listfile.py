"""The edit list file: a JSON Lines file beside the workshop file, validated by one schema.

``<notes file stem>.edits.jsonl``, one edit per line, applied in order after every analysis
(the format is documented for users in docs/schemas.md, "The edit list"):

    {"op": "rename", "theme": "T03", "label": "…", "members": ["N…", …]}
    {"op": "merge", "themes": ["T03", "T07"], "label": "…", "members": [["N…", …], ["N…", …]]}
    {"op": "split", "theme": "T02", "notes": ["N…", …], "label": "…"}
    {"op": "move", "note": "N…", "theme": "T05", "members": ["N…", …]}
    {"op": "zone", "note": "N…", "zones": "HC"}
    {"op": "move", "notes": ["N…", …], "theme": "T05", "members": […]}  # several notes, one edit
    {"op": "zone", "notes": ["N…", …], "zones": "HC"}

``members`` records the notes the named theme(s) held when the edit was made (:func:`record_members`
adds it). It is what keeps an edit true after a re-analysis: the edit goes to the theme that now holds
those notes (see ``issuemine.edits.apply``). Lists written before it existed have no ``members``; they
still load and are applied by theme id, and the output says so. ``label`` is optional for merge and
split. Keys not in the schema are kept and ignored (a comment such as ``"memo"`` is fine).

Every malformed line is an :class:`~issuemine.errors.InputError` in Japanese naming the file, the line
and the key — never a TypeError or a RecursionError, whatever the line holds.
"""

from __future__ import annotations

import json
import os
import tempfile
import unicodedata
from pathlib import Path

from issuemine.errors import InputError

ZONE_VALUES = ("H", "C", "S", "HC", "HS", "CS", "HCS", "F", "P", "X")
OP_NAMES_JA = {"rename": "テーマ名の変更", "merge": "テーマの統合", "split": "テーマの分割",
               "move": "付箋の移動", "zone": "概念図の配置"}

# The schema: op → {key: (kind, required)}. Kinds are checked by _CHECKS below.
SCHEMA: dict[str, dict[str, tuple[str, bool]]] = {
    "rename": {"theme": ("theme_id", True), "label": ("label", True), "members": ("note_ids", False)},
    "merge": {"themes": ("theme_ids", True), "label": ("label", False), "members": ("note_id_lists", False)},
    "split": {"theme": ("theme_id", True), "notes": ("note_ids", True), "label": ("label", False)},
    "move": {"note": ("note_id", False), "notes": ("note_ids", False), "theme": ("theme_id", True),
             "members": ("note_ids", False)},
    "zone": {"note": ("note_id", False), "notes": ("note_ids", False), "zones": ("zones", True)},
}
# move and zone name one note ("note") or several at once ("notes": one edit, undone at once): exactly one.
ONE_OF = {"move": ("note", "notes"), "zone": ("note", "notes")}
OPS = {op: tuple(k for k, (_, req) in keys.items() if req) for op, keys in SCHEMA.items()}

MAX_ID = 64              # characters in a theme or note id
MAX_LABEL = 200          # characters in a theme name
MAX_LIST = 1_000_000     # ids in one list (a theme of a very large workshop)
MAX_LINE_BYTES = 32 << 20
MAX_FILE_BYTES = 256 << 20


def edits_path_for(notes_path: str | Path) -> Path:
    """The edit list that belongs to a workshop file: ``<stem>.edits.jsonl`` beside it."""
    p = Path(notes_path)
    return p.with_name(f"{p.stem}.edits.jsonl")


def _err(message: str, key: str | None, file, row) -> InputError:
    return InputError(message, file=file, row=row, column=key)


def _bad_text(value: str) -> str | None:
    """Why a string cannot be an id or a name (None if it can)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "文字として読めない符号(サロゲート)が含まれています"
    if any(unicodedata.category(c) == "Cc" for c in value):
        return "制御文字(改行・タブなど)が含まれています"
    return None


def _check_id(value, key, what, file, row) -> str:
    if not isinstance(value, str):
        raise _err(f"{key} には{what}を文字列(\"…\" で囲んだもの)で書いてください。"
                   f"いまは{_kind_ja(value)}です。", key, file, row)
    if not value.strip() or len(value) > MAX_ID:
        raise _err(f"{key} の{what}が空か長すぎます({MAX_ID} 文字まで)。", key, file, row)
    bad = _bad_text(value)
    if bad:
        raise _err(f"{key} の{what}に{bad}。", key, file, row)
    return value


def _check_id_list(value, key, what, file, row, *, min_size: int = 1) -> list:
    if not isinstance(value, list):
        raise _err(f"{key} には{what}のリスト([\"…\", \"…\"])を書いてください。いまは{_kind_ja(value)}です。",
                   key, file, row)
    if len(value) < min_size:
        raise _err(f"{key} には{what}を {min_size} つ以上書いてください。", key, file, row)
    if len(value) > MAX_LIST:
        raise _err(f"{key} のリストが長すぎます({MAX_LIST:,} 個まで)。", key, file, row)
    for item in value:
        _check_id(item, key, what, file, row)
    return value


def _check_label(value, key, file, row) -> str:
    if not isinstance(value, str):
        raise _err(f"{key} にはテーマ名を文字列で書いてください。いまは{_kind_ja(value)}です。", key, file, row)
    if not value.strip():
        raise _err(f"{key} のテーマ名が空です。", key, file, row)
    if len(value) > MAX_LABEL:
        raise _err(f"{key} のテーマ名が長すぎます({MAX_LABEL} 文字まで)。", key, file, row)
    bad = _bad_text(value)
    if bad:
        raise _err(f"{key} のテーマ名に{bad}。", key, file, row)
    return value


def _check(kind: str, value, key: str, edit: dict, file, row) -> None:
    if kind == "theme_id":
        _check_id(value, key, "テーマ ID", file, row)
    elif kind == "note_id":
        _check_id(value, key, "付箋 ID", file, row)
    elif kind == "theme_ids":
        _check_id_list(value, key, "テーマ ID", file, row, min_size=2)
        if len(set(value)) != len(value):
            raise _err(f"{key} に同じテーマ ID が2回書かれています。", key, file, row)
    elif kind == "note_ids":
        _check_id_list(value, key, "付箋 ID", file, row)
    elif kind == "note_id_lists":
        themes = edit.get("themes")
        if not isinstance(value, list) or len(value) != len(themes):
            raise _err(f"{key} には themes のテーマごとに付箋 ID のリストを書いてください"
                       f"(themes と同じ数: {len(themes)})。", key, file, row)
        for one in value:
            _check_id_list(one, key, "付箋 ID", file, row)
    elif kind == "label":
        _check_label(value, key, file, row)
    elif kind == "zones":
        if not isinstance(value, str) or value not in ZONE_VALUES:
            raise _err(f"{key} は {' / '.join(ZONE_VALUES)} のいずれかにしてください。", key, file, row)
    else:  # pragma: no cover — a schema entry without a check is a programming error
        raise AssertionError(kind)


def _kind_ja(value) -> str:
    if isinstance(value, bool):
        return "真偽値(true/false)"
    if isinstance(value, (int, float)):
        return "数"
    if isinstance(value, list):
        return "リスト"
    if isinstance(value, dict):
        return "オブジェクト"
    if value is None:
        return "null"
    return "文字列"


def validate_edit(edit, *, file=None, row=None) -> dict:
    """Check one edit against :data:`SCHEMA`; a malformed edit is the user's mistake, named by line and key.

    Returns the edit unchanged. Raises InputError (Japanese) for anything else.
    """
    if not isinstance(edit, dict):
        raise _err(f"1行に1つの手直しを JSON のオブジェクト({{...}})で書いてください。いまは{_kind_ja(edit)}です。",
                   None, file, row)
    op = edit.get("op")
    if not isinstance(op, str) or op not in SCHEMA:
        shown = repr(op) if isinstance(op, str) and len(op) <= 20 and not _bad_text(op) else _kind_ja(op)
        raise _err(f"手直しの種類がわかりません: {shown}(使えるもの: {', '.join(SCHEMA)})。", "op", file, row)
    if op in ONE_OF and sum(k in edit for k in ONE_OF[op]) != 1:
        one, many = ONE_OF[op]
        raise _err(f"「{op}」には項目「{one}」(付箋1枚)か「{many}」(付箋のリスト)のどちらか一方が必要です。",
                   one if many not in edit else many, file, row)
    for key, (kind, required) in SCHEMA[op].items():
        if key not in edit:
            if required:
                raise _err(f"「{op}」には項目「{key}」が必要です。", key, file, row)
            continue
        _check(kind, edit[key], key, edit, file, row)
    return edit


def edit_notes(edit: dict) -> list[str]:
    """The notes a move or zone edit is about: ``notes`` (a list) or the single ``note``."""
    return list(edit["notes"]) if "notes" in edit else [edit["note"]]


def parse_line(line: str, *, file=None, row=None) -> dict:
    """One line of the file as a validated edit. Deeply nested or oversized lines are refused, not crashed on."""
    if len(line) > MAX_LINE_BYTES:
        raise _err(f"1行が長すぎます({MAX_LINE_BYTES >> 20} MB まで)。", None, file, row)
    try:
        edit = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _err(f"JSON として読めません({exc.msg}、{exc.colno} 文字目)。", None, file, row) from None
    except RecursionError:
        raise _err("JSON の括弧の入れ子が深すぎます。1行に1つの手直しを {\"op\": …} の形で書いてください。",
                   None, file, row) from None
    except ValueError:  # e.g. an integer with more digits than Python converts
        raise _err("JSON として読めません(数が大きすぎるなど)。", None, file, row) from None
    return validate_edit(edit, file=file, row=row)


def load_edits(path: str | Path) -> list[dict]:
    """The edits in file order; a missing file is an empty list."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"手直しの記録のファイルが大きすぎます({MAX_FILE_BYTES >> 20} MB まで)。", file=path)
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise InputError("手直しの記録のファイルを UTF-8 として読めません。", file=path) from None
    except OSError:
        raise InputError("手直しの記録のファイルを開けません。", file=path) from None
    return [parse_line(line, file=path, row=n) for n, line in enumerate(lines, start=1) if line.strip()]


def dump_line(edit: dict) -> str:
    """One edit as the line the file holds (sorted keys, UTF-8 text, no trailing newline)."""
    return json.dumps(validate_edit(edit), ensure_ascii=False, sort_keys=True)


def append_edit(path: str | Path, edit: dict) -> None:
    """Add one edit at the end, atomically (a crash never leaves a half-written list)."""
    path = Path(path)
    validate_edit(edit, file=path)
    old = path.read_bytes() if path.exists() else b""
    if old and not old.endswith(b"\n"):
        old += b"\n"
    line = dump_line(edit) + "\n"
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


def record_members(edit: dict, theme_of) -> dict:
    """The edit with ``members`` recorded from the themes as the facilitator sees them now.

    ``theme_of``: note id → theme id of the current (edited) analysis — a mapping, or a DataFrame with
    ``note_id`` and ``theme_id`` columns (e.g. the app's ``View.assignments``). Call it just before
    storing an edit: rename and move record the named theme's notes, merge records each theme's notes
    (in ``themes`` order); split and zone already name their notes and are returned as they are.
    The input is not changed. Member ids keep the analysis's note order (deterministic). A theme that
    holds no notes cannot be recorded; the edit is then kept without ``members`` (applied by id).
    """
    if hasattr(theme_of, "columns"):
        theme_of = dict(zip(theme_of["note_id"].astype(str), theme_of["theme_id"].astype(str)))
    by_theme: dict[str, list[str]] = {}
    for nid, t in theme_of.items():
        by_theme.setdefault(t, []).append(nid)
    out = dict(edit)
    op = edit.get("op")
    if op in ("rename", "move"):
        out["members"] = list(by_theme.get(edit["theme"], []))
    elif op == "merge":
        out["members"] = [list(by_theme.get(t, [])) for t in edit["themes"]]
    members = out.get("members")
    if members is not None and (not members or any(isinstance(m, list) and not m for m in members)):
        del out["members"]  # a theme with no notes (the caller checks ids first): applied by id, reported
    return out


def note_ids_of(edit: dict) -> set[str]:
    """Every note id an edit refers to: its recorded members, its split notes or its one note."""
    ids: set[str] = set()
    if isinstance(edit.get("note"), str):
        ids.add(edit["note"])
    for key in ("notes", "members"):
        value = edit.get(key)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, list):
                    ids.update(x for x in item if isinstance(x, str))
                elif isinstance(item, str):
                    ids.add(item)
    return ids


KIND_DOC = {
    "theme_id": "string: a theme id as in THEMES (e.g. T03)",
    "theme_ids": "list of 2 or more different theme ids",
    "note_id": "string: a note id as in NOTES (e.g. N1a2b3c4d5e)",
    "note_ids": "list of 1 or more note ids",
    "note_id_lists": "list with one list of note ids per theme in `themes`, same order",
    "label": f"string: the theme's name (1–{MAX_LABEL} characters, no control characters)",
    "zones": f"string: one of {', '.join(ZONE_VALUES)}",
}
KEY_DOC = {
    ("rename", "members"): "the notes the theme held when it was renamed",
    ("merge", "members"): "the notes each theme held when they were merged",
    ("move", "members"): "the notes the destination theme held before the move",
    ("split", "notes"): "the notes that form the new theme",
    ("split", "theme"): "the theme they were taken from (informative; the notes decide)",
}


def markdown() -> str:
    """The edit list's documentation for docs/schemas.md (generated with the table schemas)."""
    lines = ["## The edit list (`<notes file>.edits.jsonl`)", "",
             "The facilitator's edits, one JSON object per line (UTF-8, JSON Lines), applied in order after "
             "every analysis by `issuemine analyze`, `issuemine report` and the web app (which writes it). "
             "Blank lines are skipped; keys not listed here are kept and ignored. A malformed line stops the "
             "command with a Japanese message naming the line and the key.", "",
             "`members` records the notes a theme held when the edit was made. After a re-analysis or after "
             "notes were added or removed, the edit applies to the theme that now holds those notes: at least "
             "half of the recorded notes must still be there, and the theme with the highest Jaccard index "
             "(shared notes ÷ notes in either) must reach 0.5 with no other theme at the same value. Otherwise "
             "the edit is not applied and is listed under 「適用できなかった手直し」 (command output, "
             "`analysis.json` → `edits`, the report, the app). Moves and zone overrides follow their note id "
             "(ids are derived from the note's text, group and profession). Lists without `members` (written "
             "before it existed) still work: their edits are applied by theme id, with a warning.", "",
             "| op | key | required | value |", "|---|---|---|---|"]
    for op, keys in SCHEMA.items():
        lines.append(f"| `{op}` | `op` | yes | `\"{op}\"` — {OP_NAMES_JA[op]} |")
        for key, (kind, required) in keys.items():
            extra = KEY_DOC.get((op, key))
            lines.append(f"| `{op}` | `{key}` | {'yes' if required else 'no'} | {KIND_DOC[kind]}"
                         + (f"; {extra}" if extra else "") + " |")
    lines += ["", "Example:", "", "```",
              '{"label": "短期入所が足りない", "members": ["N0c1d2e3f4a", "N5b6c7d8e9f"], "op": "rename", "theme": "T03"}',
              '{"note": "N5b6c7d8e9f", "op": "zone", "zones": "HC"}', "```", ""]
    return "\n".join(lines)
