"""read_notes: a workshop file → the NOTES table (issuemine.schema), one row per sticky note."""

from __future__ import annotations

import hashlib
from pathlib import Path

from issuemine.errors import InputError
from issuemine.ingest.cellsafe import UNSAFE_CHARS, REPLACEMENT
from issuemine.ingest.columns import ROLES, TEXT_HEADER_NAMES, resolve_mapping
from issuemine.ingest.duplicates import flag_duplicates
from issuemine.ingest.report import LISTED_ROWS, ReadReport
from issuemine.ingest.source import DEFAULT_MAX_BYTES
from issuemine.ingest.table import is_blank, read_table

# Sticky notes are 10–60 characters; a cell this long is almost always a CSV quote left open that
# swallowed the rest of the file, so it is an error rather than a note.
DEFAULT_MAX_CHARS = 2000


def note_id(text: str, group: str, profession: str, occurrence: int) -> str:
    """``N`` + 10 hex digits of SHA-1 over the text as written, group, profession and the 1-based
    occurrence number of that triple in the file: stable across reads and row reordering of others."""
    key = "\x1f".join((text, group, profession, str(occurrence)))
    return "N" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def read_notes(path: str | Path, *, workshop: str | None = None, mapping: dict | None = None,
               header: bool = True, encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
               sheet: str | int | None = None, max_chars: int = DEFAULT_MAX_CHARS,
               near_threshold: float = 0.8):
    """Read a .csv/.tsv/.txt/.xlsx workshop file into a DataFrame conforming to ``schema.NOTES``.

    Rows keep the file's order; ``df.attrs["report"]`` is a :class:`ReadReport`. Raises
    :class:`~issuemine.errors.InputError` (Japanese, naming file/row/column) for anything the user
    can fix. See docs/ingest.md for column detection, encodings and duplicate rules.
    """
    from issuemine.schema import NOTES

    path = Path(path)
    table, info = read_table(path, header=header, encoding=encoding, max_bytes=max_bytes, sheet=sheet,
                             header_names=TEXT_HEADER_NAMES)
    has_header = info.header_row is not None
    roles, warnings = resolve_mapping(info.columns, mapping, header=has_header, file=path,
                                      letters=info.column_letters)
    if "text" not in roles:
        shown = "、".join(f"「{_short(c)}」" for c in info.columns[:12])
        more = f" ほか{len(info.columns) - 12}列" if len(info.columns) > 12 else ""
        raise InputError(f"付箋の内容の列が見つかりません。見つかった列: {shown}{more}", file=path,
                         row=info.header_row,
                         hint="見出しを「内容」「付箋」「text」などにするか、列を指定(mapping)してください。"
                              "見出し行がないファイルなら見出しなし(header=False)で読んでください")

    text_col = roles["text"]
    texts = table[text_col].tolist()
    keep, blank_text = _note_rows(texts, info.source_rows, max_chars, path, text_col)
    skipped = sorted(info.empty_rows + blank_text)
    if not keep:
        raise InputError("付箋が1件もありません(付箋の内容の列がすべて空です)。", file=path, column=text_col,
                         hint=f"空の行 {len(skipped)} 行" if skipped else None)

    # Labels are stripped of surrounding whitespace; the note text never is.
    cols = {r: _stripped(table[roles[r]].tolist(), keep) if r in roles else [""] * len(keep)
            for r in ROLES if r != "text"}
    cols["text"] = [texts[i] for i in keep]
    ids = _note_ids(cols["text"], cols["group"], cols["profession"])
    dup_of, near_of = flag_duplicates(cols["text"], cols["group"], ids, near_threshold)

    import pandas as pd

    frame = NOTES.conform(pd.DataFrame({
        "note_id": ids,
        "workshop": workshop if workshop is not None else path.stem,
        "text": cols["text"],
        "group": cols["group"],
        "profession": cols["profession"],
        "round": cols["round"],
        "participant": cols["participant"],
        "source_file": path.name,
        "source_sheet": info.sheet or "",
        "source_row": [info.source_rows[i] for i in keep],
        "duplicate_of": dup_of,
        "near_duplicate_of": near_of,
    }))
    warnings = list(info.warnings) + warnings
    if info.empty_rows:
        warnings.append(f"空の行を {len(info.empty_rows)} 行読み飛ばしました({_rows(info.empty_rows)})。")
    if blank_text:
        warnings.append(f"「{text_col}」が空の行を {len(blank_text)} 行読み飛ばしました({_rows(blank_text)})"
                        "(空白や幅のない文字だけの行も空とみなします)。")
    unsafe = _unsafe_rows(cols, frame["source_row"].tolist())
    if unsafe:
        warnings.append(f"制御文字など、Excel のファイルに書けない見えない文字を含む付箋が {len(unsafe)} 件あります"
                        f"({_rows(unsafe)})。付箋の内容はそのまま読みました。notes.xlsx ではその文字を"
                        f"「{REPLACEMENT}」に置き換えます。")
    frame.attrs["report"] = ReadReport(
        file=str(path), encoding=info.encoding, format=info.format, sheet=info.sheet,
        sheets=list(info.sheets), hidden_sheets=list(info.hidden_sheets),
        delimiter=info.delimiter, header_row=info.header_row, columns_found=list(info.columns),
        mapping=dict(roles), n_rows=len(info.source_rows) + len(info.empty_rows), n_notes=len(ids),
        skipped_empty=len(skipped), skipped_empty_rows=skipped[:LISTED_ROWS],
        duplicates=sum(bool(d) for d in dup_of), near_duplicates=sum(bool(d) for d in near_of),
        warnings=warnings,
    )
    return frame


def _note_ids(texts: list[str], groups: list[str], professions: list[str]) -> list[str]:
    """:func:`note_id` of every note, inlined: at 100k notes the call overhead was a third of it."""
    seen: dict[tuple[str, str, str], int] = {}
    sha1 = hashlib.sha1
    ids = []
    for text, group, profession in zip(texts, groups, professions):
        triple = (text, group, profession)
        n = seen[triple] = seen.get(triple, 0) + 1
        ids.append("N" + sha1(f"{text}\x1f{group}\x1f{profession}\x1f{n}".encode()).hexdigest()[:10])
    return ids


def _note_rows(texts: list[str], rows: list[int], max_chars: int, path: Path,
               column: str) -> tuple[list[int], list[int]]:
    """``(indexes of rows holding a note, file rows whose text is blank)``; a too-long text is an error."""
    keep, blank = [], []
    for i, (text, row) in enumerate(zip(texts, rows)):
        if is_blank(text):
            blank.append(row)
        elif len(text) > max_chars:
            raise InputError(f"付箋の内容が長すぎます({len(text):,}文字。上限 {max_chars:,}文字)。", file=path,
                             row=row, column=column,
                             hint='CSVの引用符(")の閉じ忘れで、後ろの行がひとつのセルに入っていないか確認してください')
        else:
            keep.append(i)
    return keep, blank


def _unsafe_rows(cols: dict[str, list[str]], rows: list[int]) -> list[int]:
    """File rows of the notes holding a character an .xlsx cannot carry (in any column read)."""
    if not any(UNSAFE_CHARS.search("".join(values)) for values in cols.values()):
        return []
    return [row for i, row in enumerate(rows) if any(UNSAFE_CHARS.search(v[i]) for v in cols.values())]


def _stripped(values: list[str], keep: list[int]) -> list[str]:
    return [values[i].strip() for i in keep]


def _short(name: str, limit: int = 20) -> str:
    """Header names are shown in errors; a very long one is cut (it may be a note in a headerless file)."""
    return name if len(name) <= limit else name[:limit] + "…"


def _rows(rows: list[int], limit: int = 10) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    return f"{shown} 行目" + (f" ほか{len(rows) - limit}行" if len(rows) > limit else "")
