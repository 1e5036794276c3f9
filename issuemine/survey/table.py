"""The survey's one door to files: issuemine.ingest reads them (encodings, .xlsx) and writes safe CSV."""

from __future__ import annotations

from pathlib import Path


def read_table(path: str | Path):
    """(DataFrame of str cells, 1-based spreadsheet row of each data row, encoding or "xlsx")."""
    from issuemine.ingest import read_table as ingest_read_table

    df, info = ingest_read_table(path, header=True)
    df = df.rename(columns=lambda c: str(c).strip()).reset_index(drop=True)
    return df, [int(r) for r in info.source_rows], info.encoding or info.format


def csv_bytes(df) -> bytes:
    """UTF-8-with-BOM CSV bytes with spreadsheet-formula cells neutralised."""
    from issuemine.ingest import to_csv_bytes

    return to_csv_bytes(df)
