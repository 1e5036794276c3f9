"""Sample notes and file writers for the ingest tests (fictional notes, no real people)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"

# (group, profession, text): CP932-only characters, half-width kana, a formula-looking note, a
# note with inner spaces and one spanning two lines.
NOTES = [
    ("1班", "訪問看護師", "訪看STが24時間対応してくれない"),
    ("1班", "MSW", "退院調整で地域の資源がわからない"),
    ("1班", "相談支援専門員", "①医療的ケアに詳しい相談支援専門員がいない"),
    ("2班", "保健師", "ｼｮｰﾄｽﾃｲの受け入れ先がない"),
    ("2班", "病院看護師", "㈱の事業所だとヘルパーが吸引できない～"),
    ("2班", "医師", "=在宅医が足りない"),
    ("3班", "教員", "髙﨑先生の学校では看護師が1名だけ"),
    ("3班", "保護者", "  付き添い　が大変  "),
    ("3班", "MSW", "情報共有の\n仕組みがない"),
]
CP932_ONLY = ("①", "㈱", "～", "髙", "﨑")
EUC_NOTES = [n for n in NOTES if not any(ch in n[2] for ch in CP932_ONLY)]


def csv_text(header, rows, delimiter=",") -> str:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def write_xlsx(path: Path, header, rows, sheet_title="Sheet") -> Path:
    """An .xlsx written as Excel would store typed text: cells starting with '=' stay strings."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet_title
    if header:
        ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    wb.save(path)
    return path


