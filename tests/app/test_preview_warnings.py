"""The upload preview shows what the reader found (issue 12, item 6: an unclosed quote, with its row)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .conftest import create_workshop, upload_notes

SAMPLE = Path(__file__).resolve().parents[2] / "workshops" / "sample" / "notes.csv"


def test_preview_shows_an_unclosed_quote_with_its_row(client):
    with open(SAMPLE, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))[:11]
    body = io.StringIO()
    csv.writer(body).writerows(rows)
    data = (body.getvalue() + 'A,医師,1,"連携が難しい\n').encode("utf-8")
    wid = create_workshop(client)
    uid = upload_notes(client, wid, data)
    page = client.get(f"/w/{wid}/uploads/{uid}").text
    assert "12行目のD列(「内容」)で開いた引用符" in page


def test_preview_error_for_a_quote_that_swallows_rows(client):
    data = ("グループ,内容\nA,連携が難しい\nA,\"訪問看護が足りない\n" + "B,短期入所\n" * 10).encode("utf-8")
    wid = create_workshop(client)
    uid = upload_notes(client, wid, data)
    page = client.get(f"/w/{wid}/uploads/{uid}").text
    assert 'upload-error' in page and "3行目" in page and "引用符" in page
