"""The sheet choice in the upload preview (issue 12, item 7): an .xlsx whose first sheet is hidden is read
from its first visible sheet; the preview offers the visible sheets, re-reads the chosen one, and the
upload keeps which sheet was read."""

from __future__ import annotations

import io
import json
import re
import sqlite3

from .conftest import NOTES, confirm, create_workshop, upload_notes


def workbook() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    memo = wb.active
    memo.title = "メモ"
    memo.append(["内容"])
    memo.append(["非表示のシートの下書き"])
    memo.sheet_state = "hidden"
    first = wb.create_sheet("第1回")
    first.append(["内容", "グループ", "職種"])
    for row in NOTES[:10]:
        first.append(list(row))
    second = wb.create_sheet("第2回<案>&")  # a name that must be escaped on the page
    second.append(["グループ", "意見", "職種"])
    for text, group, job in NOTES[10:16]:
        second.append([group, text, job])
    wb.create_sheet("空")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def options_of(page: str) -> list[str]:
    select = re.search(r'<select name="sheet" id="sheet">(.*?)</select>', page, re.S)
    assert select, "no sheet choice on the page"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def test_hidden_first_sheet_is_skipped_and_the_visible_ones_are_offered(client):
    wid = create_workshop(client)
    upload_id = upload_notes(client, wid, workbook(), filename="付箋.xlsx")
    page = client.get(f"/w/{wid}/uploads/{upload_id}").text
    assert re.search(r'id="sheet-read">第1回<', page)
    assert 'id="n-parsed">10<' in page and "非表示のシートの下書き" not in page
    assert options_of(page) == ["第1回", "第2回&lt;案&gt;&amp;", "空"]  # visible only, in workbook order, escaped
    assert "非表示のシート(1 枚)" in page


def test_choosing_another_sheet_rereads_it_and_the_upload_keeps_it(client, data_dir):
    wid = create_workshop(client)
    upload_id = upload_notes(client, wid, workbook(), filename="付箋.xlsx")
    r = client.post(f"/w/{wid}/uploads/{upload_id}/options",
                    data={"sheet": "第2回<案>&", "map_text": "内容", "header": "1", "encoding": ""})
    assert r.status_code == 303
    page = client.get(f"/w/{wid}/uploads/{upload_id}").text
    # the mapping of the first sheet ("内容") does not exist there: the new sheet is read automatically
    assert re.search(r'id="sheet-read">第2回&lt;案&gt;&amp;<', page), page[:3000]
    assert 'id="n-parsed">6<' in page and NOTES[10][0] in page and NOTES[0][0] not in page
    assert re.search(r'<option value="第2回&lt;案&gt;&amp;" selected>', page)
    assert confirm(client, wid, upload_id).status_code == 303
    with sqlite3.connect(data_dir / "issuemine.db") as db:
        options, report = db.execute("SELECT options, report FROM uploads WHERE id = ?", (upload_id,)).fetchone()
        records = [json.loads(r) for (r,) in db.execute("SELECT record FROM notes WHERE upload_id = ?", (upload_id,))]
    assert json.loads(options)["sheet"] == "第2回<案>&" and json.loads(report)["sheet"] == "第2回<案>&"
    assert len(records) == 6 and {r.get("source_sheet") for r in records} == {"第2回<案>&"}
    assert sorted(r["text"] for r in records) == sorted(t for t, _, _ in NOTES[10:16])


def test_a_sheet_that_cannot_be_read_keeps_the_choice(client):
    wid = create_workshop(client)
    upload_id = upload_notes(client, wid, workbook(), filename="付箋.xlsx")
    client.post(f"/w/{wid}/uploads/{upload_id}/options", data={"sheet": "空", "header": "1"})
    page = client.get(f"/w/{wid}/uploads/{upload_id}").text
    assert 'id="upload-error"' in page
    assert options_of(page) == ["第1回", "第2回&lt;案&gt;&amp;", "空"]  # the user can pick another one
    client.post(f"/w/{wid}/uploads/{upload_id}/options", data={"sheet": "第1回", "header": "1"})
    assert 'id="n-parsed">10<' in client.get(f"/w/{wid}/uploads/{upload_id}").text


def test_a_sheet_name_that_does_not_exist_is_a_message_not_an_error(client):
    wid = create_workshop(client)
    upload_id = upload_notes(client, wid, workbook(), filename="付箋.xlsx")
    r = client.post(f"/w/{wid}/uploads/{upload_id}/options", data={"sheet": "ない" * 200, "header": "1"})
    assert r.status_code == 303
    page = client.get(f"/w/{wid}/uploads/{upload_id}").text
    assert 'id="upload-error"' in page and "第1回" in page


def test_text_files_have_no_sheet_choice(client):
    from .conftest import notes_csv

    wid = create_workshop(client)
    upload_id = upload_notes(client, wid, notes_csv())
    page = client.get(f"/w/{wid}/uploads/{upload_id}").text
    assert 'id="sheet"' not in page and 'id="encoding"' in page
