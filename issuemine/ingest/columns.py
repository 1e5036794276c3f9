"""Which column holds the note text, the group, the profession, the round and the participant.

Headers are compared after NFKC, case-folding and removing whitespace. A header equal to a role's
name wins; otherwise a header containing one does (「課題内容」→ text), roles tried in the order
below so that 「グループ名」 is a group and 「回答内容」 is text, not a round. English names match whole
words only (``context`` is not ``text``); the one-character names 回 and 班 match only at the end of
a header or with a counter (「実施回」「回数」「1班」), never inside a word such as 「回答」.
"""

from __future__ import annotations

import re
import unicodedata

from issuemine.errors import InputError
from issuemine.ingest.table import column_letter, normalize_name

ROLES = ("text", "group", "profession", "round", "participant")
ROLE_LABELS = {"text": "付箋の内容", "group": "グループ", "profession": "職種", "round": "回",
               "participant": "参加者"}

KEYWORDS = {
    "text": ("内容", "課題", "意見", "付箋", "ふせん", "テキスト", "記述", "text", "note", "notes", "content",
             "comment", "issue"),
    "group": ("グループ", "班", "テーブル", "group", "table", "team"),
    "profession": ("職種", "職業", "profession", "occupation", "job"),
    "round": ("回", "ラウンド", "round", "session"),
    "participant": ("参加者", "氏名", "名前", "記入者", "participant", "name", "writer", "author"),
}
# Words that make a header an identifier or a count, never the note text (「課題番号」「付箋ID」).
_NOT_TEXT = re.compile(r"番号|id|no\.?$|数$|件数")

TEXT_HEADER_NAMES = frozenset(normalize_name(k) for k in KEYWORDS["text"])


def _matches(header: str, spaced: str, keyword: str) -> bool:
    """Partial match: ``header`` is the compact normal form, ``spaced`` keeps word breaks for English."""
    if keyword.isascii():
        return re.search(rf"(?<![a-z]){re.escape(keyword)}(?![a-z])", spaced) is not None
    if len(keyword) == 1:
        return re.fullmatch(rf"(第?\d*){keyword}(目|数|名|番号)?|.*{keyword}", header) is not None
    return keyword in header


def detect_roles(columns: list[str]) -> tuple[dict[str, str], list[str]]:
    """``(role → column, warnings)`` from header names; a column serves at most one role."""
    norm = {c: normalize_name(c) for c in columns}
    spaced = {c: " ".join(unicodedata.normalize("NFKC", c).casefold().split()) for c in columns}
    found: dict[str, str] = {}
    warnings: list[str] = []
    for exact in (True, False):
        for role in ROLES:
            if role in found:
                continue
            hits = [c for c in columns if c not in found.values()
                    and any((norm[c] == normalize_name(k)) if exact else _matches(norm[c], spaced[c], k)
                            for k in KEYWORDS[role])
                    and not (role == "text" and not exact and _NOT_TEXT.search(norm[c]))]
            if hits:
                found[role] = hits[0]
                if len(hits) > 1:
                    others = "、".join(f"「{h}」" for h in hits[1:])
                    warnings.append(f"{ROLE_LABELS[role]}の列の候補が複数あります。「{hits[0]}」を使い、{others} は使いません。")
    return {r: found[r] for r in ROLES if r in found}, warnings


def resolve_mapping(columns: list[str], mapping: dict | None, *, header: bool, file,
                    letters: list[str] | None = None) -> tuple[dict[str, str], list[str]]:
    """The final ``role → column``: the explicit mapping, then detection for the roles it leaves out.

    Mapping values are a header name, a 0-based column index, or a column letter ("A", "B", …); in
    no-header mode the text is the first column unless mapped. ``None`` switches a role off.
    Indexes and letters count the file's columns (``letters`` gives each column's letter), so they
    still point at the right column when read_table dropped an empty one.
    """
    letters = letters or [column_letter(i) for i in range(len(columns))]
    mapping = dict(mapping or {})
    unknown = [k for k in mapping if k not in ROLES]
    if unknown:
        raise InputError(f"列の指定に知らない役割 {unknown} があります。使える役割: {', '.join(ROLES)}",
                         file=file)
    chosen: dict[str, str] = {}
    for role, spec in mapping.items():
        if spec is None:
            continue
        chosen[role] = _find_column(columns, letters, spec, role, file)
    warnings: list[str] = []
    if header:
        rest = [c for c in columns if c not in chosen.values()]
        detected, warnings = detect_roles(rest)
        for role, col in detected.items():
            if role not in mapping:
                chosen[role] = col
    elif "text" not in mapping and columns:
        chosen["text"] = columns[0]
    return {r: chosen[r] for r in ROLES if r in chosen}, warnings


def _find_column(columns: list[str], letters: list[str], spec, role: str, file) -> str:
    if isinstance(spec, int) and not isinstance(spec, bool):
        if spec >= 0 and column_letter(spec) in letters:
            return columns[letters.index(column_letter(spec))]
    else:
        spec = str(spec)
        if spec in columns:
            return spec
        by_norm = {normalize_name(c): c for c in columns}
        if normalize_name(spec) in by_norm:
            return by_norm[normalize_name(spec)]
        if spec.upper() in letters:
            return columns[letters.index(spec.upper())]
    listed = "、".join(f"「{c}」" for c in columns)
    raise InputError(f"{role} に指定された列が見つかりません。見つかった列: {listed}", file=file,
                     column=str(spec))
