"""The survey's one door to files: issuemine.ingest reads them (encodings, .xlsx) and writes safe CSV."""

from __future__ import annotations

from pathlib import Path


def read_table(path: str | Path, max_bytes: int | None = None, warnings: list | None = None):
    """(DataFrame of str cells, 1-based spreadsheet row of each data row, encoding or "xlsx").

    What reading found (an unclosed quote on the last line, skipped title rows …) is appended to
    ``warnings``, prefixed with the file name. Column names are unique (ingest makes them so)."""
    from issuemine.ingest import DEFAULT_MAX_BYTES
    from issuemine.ingest import read_table as ingest_read_table

    df, info = ingest_read_table(path, header=True, max_bytes=max_bytes or DEFAULT_MAX_BYTES)
    df = df.reset_index(drop=True)
    if warnings is not None:
        warnings += [f"「{Path(path).name}」: {w}" for w in info.warnings]
    return df, [int(r) for r in info.source_rows], info.encoding or info.format


def csv_bytes(df) -> bytes:
    """UTF-8-with-BOM CSV bytes with spreadsheet-formula cells neutralised."""
    from issuemine.ingest import to_csv_bytes

    return to_csv_bytes(df)
