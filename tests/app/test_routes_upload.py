"""Workshops and uploading notes, with every error path, through FastAPI's TestClient."""

from __future__ import annotations

import hashlib
import io

from .conftest import NOTES, confirm, create_workshop, notes_csv, page_text, upload_notes

from issuemine.app import store as st


def test_index_lists_workshops(client):
    r = client.get("/")
    assert r.status_code == 200 and "まだワークショップがありません" in r.text
    create_workshop(client, "全区会議 第1回")
    r = client.get("/")
    assert "全区会議 第1回" in r.text and "未実行" in r.text


def test_new_workshop_errors(client):
    assert client.post("/workshops", data={"name": "  "}).status_code == 400
    r = client.post("/workshops", data={"name": "あ" * 101})
    assert r.status_code == 400 and "100 文字以内" in r.text
    create_workshop(client, "墨田")
    r = client.post("/workshops", data={"name": " 墨田 "})
    assert r.status_code == 400 and "同じ名前" in r.text


def test_workshop_name_is_escaped(client):
    wid = create_workshop(client, "<img src=x onerror=alert(1)>")
    for path in ("/", f"/w/{wid}"):
        html = client.get(path).text
        assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_unknown_workshop_is_a_japanese_404(client):
    r = client.get("/w/99")
    assert r.status_code == 404 and "ワークショップが見つかりません" in r.text
    assert client.post("/w/99/notes", files={"file": ("a.csv", b"x", "text/csv")}).status_code == 404
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "ページが見つかりません" in r.text


def test_cp932_upload_preview_confirm(client, data_dir):
    wid = create_workshop(client)
    data = notes_csv(encoding="cp932")
    uid = upload_notes(client, wid, data)
    # kept byte for byte under originals/<sha256>
    digest = hashlib.sha256(data).hexdigest()
    assert (data_dir / "originals" / digest).read_bytes() == data
    r = client.get(f"/w/{wid}/uploads/{uid}")
    text = page_text(r.text)
    assert r.status_code == 200
    assert "cp932" in text.lower() and "内容、グループ、職種" in text
    assert "①短期入所の受け入れ先が足りない" in text and f"付箋の枚数 {len(NOTES)}" in text
    r = confirm(client, wid, uid)
    assert r.status_code == 303 and r.headers["location"] == f"/w/{wid}"
    r = client.get(f"/w/{wid}")
    assert f'<strong id="n-notes">{len(NOTES)}</strong>' in r.text and "保存済み" in r.text
    store = st.Store(data_dir)
    with store.session() as conn:
        rows = st.records(conn, wid, "notes")
    assert [r["text"] for r in rows] == [n[0] for n in NOTES]
    assert [r["profession"] for r in rows] == [n[2] for n in NOTES]
    assert {r["source_file"] for r in rows} == {"付箋.csv"} and rows[0]["source_row"] == 2
    # confirming twice, or changing the mapping afterwards, is refused
    assert confirm(client, wid, uid).status_code == 409
    assert client.post(f"/w/{wid}/uploads/{uid}/options", data={"map_text": "内容"}).status_code == 409


def test_note_text_is_escaped_in_the_preview(client):
    wid = create_workshop(client)
    rows = [("<script>alert(1)</script>", "A", "医師"), ("<img src=x onerror=alert(1)>", "B", "看護師")]
    uid = upload_notes(client, wid, notes_csv(rows, encoding="utf-8"))
    html = client.get(f"/w/{wid}/uploads/{uid}").text
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_row_level_error_then_fixed_by_mapping(client):
    """No column the reader recognises as text: the error names the file and the columns; a mapping fixes it."""
    wid = create_workshop(client)
    data = "番号,メモ書き,班\n1,訪看が足りない,A\n2,連携できない,B\n".encode("utf-8")
    uid = upload_notes(client, wid, data, "memo.csv")
    r = client.get(f"/w/{wid}/uploads/{uid}")
    assert 'id="upload-error"' in r.text and "memo.csv" in r.text and "付箋の内容の列が見つかりません" in r.text
    assert 'id="confirm"' not in r.text
    assert confirm(client, wid, uid).status_code == 400
    r = client.post(f"/w/{wid}/uploads/{uid}/options", data={"map_text": "メモ書き", "header": "1"})
    assert r.status_code == 303
    r = client.get(f"/w/{wid}/uploads/{uid}")
    assert 'id="upload-error"' not in r.text and "付箋の枚数 2" in page_text(r.text)
    assert confirm(client, wid, uid).status_code == 303


def test_header_off_and_forced_encoding(client):
    wid = create_workshop(client)
    data = "訪看が足りない\n連携できない\n".encode("euc-jp")
    uid = upload_notes(client, wid, data, "notes.txt")
    r = client.post(f"/w/{wid}/uploads/{uid}/options", data={"encoding": "euc-jp"})  # header box unticked
    assert r.status_code == 303
    text = page_text(client.get(f"/w/{wid}/uploads/{uid}").text)
    assert "付箋の枚数 2" in text and "訪看が足りない" in text and "euc-jp" in text.lower()
    # a wrong forced encoding is an error shown on the page, not a crash
    r = client.post(f"/w/{wid}/uploads/{uid}/options", data={"encoding": "utf-16", "header": "1"})
    assert r.status_code == 303
    assert client.get(f"/w/{wid}/uploads/{uid}").status_code == 200


def test_discard(client):
    wid = create_workshop(client)
    uid = upload_notes(client, wid, notes_csv())
    assert client.post(f"/w/{wid}/uploads/{uid}/discard").status_code == 303
    # a cancelled file is no longer the workshop's: not listed, and the same file may be uploaded again
    assert f'id="upload-{uid}"' not in client.get(f"/w/{wid}").text
    assert confirm(client, wid, uid).status_code == 409
    assert upload_notes(client, wid, notes_csv()) != uid


def test_upload_of_another_workshop_is_404(client):
    a, b = create_workshop(client, "a"), create_workshop(client, "b")
    uid = upload_notes(client, a, notes_csv())
    assert client.get(f"/w/{b}/uploads/{uid}").status_code == 404
    assert confirm(client, b, uid).status_code == 404
    assert client.post(f"/w/{b}/uploads/{uid}/discard").status_code == 404
    assert client.post(f"/w/{b}/uploads/{uid}/options", data={}).status_code == 404


def test_too_large_is_a_japanese_413_and_nothing_is_stored(make_client, data_dir):
    client = make_client(max_upload_bytes=4096)
    wid = create_workshop(client)
    big = notes_csv(NOTES * 20, encoding="utf-8")
    assert len(big) > 4096
    r = client.post(f"/w/{wid}/notes", files={"file": ("big.csv", big, "text/csv")})
    assert r.status_code == 413 and "ファイルが大きすぎます" in r.text and "4 KB" in r.text
    assert list((data_dir / "originals").iterdir()) == []
    # also when the client streams without a Content-Length
    def chunks():
        head = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
        body = head + big + b"\r\n--b--\r\n"
        for i in range(0, len(body), 1000):
            yield body[i:i + 1000]
    r = client.post(f"/w/{wid}/notes", content=chunks(), headers={"content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 413 and "ファイルが大きすぎます" in r.text
    # a file under the limit still goes through
    assert upload_notes(client, wid, notes_csv(NOTES[:3], encoding="utf-8"))


def test_type_is_checked_by_content(client, data_dir):
    wid = create_workshop(client)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    r = client.post(f"/w/{wid}/notes", files={"file": ("付箋.csv", png, "text/csv")})
    assert r.status_code == 415 and "PNG" in r.text and "付箋.csv" in r.text
    r = client.post(f"/w/{wid}/notes", files={"file": ("a.csv", b"abc\x00\x01", "text/csv")})
    assert r.status_code == 415 and "バイナリ" in r.text
    assert list((data_dir / "originals").iterdir()) == []


def test_xlsx_named_csv_is_read_as_xlsx(client):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["内容", "グループ"])
    wb.active.append(["①訪看が足りない", "A"])
    buf = io.BytesIO()
    wb.save(buf)
    wid = create_workshop(client)
    uid = upload_notes(client, wid, buf.getvalue(), "付箋.csv")
    r = client.get(f"/w/{wid}/uploads/{uid}")
    assert "Excel" in r.text and "①訪看が足りない" in r.text


def test_missing_or_malformed_file_field(client):
    wid = create_workshop(client)
    r = client.post(f"/w/{wid}/notes", data={"x": "1"})
    assert r.status_code == 400 and "ファイルが送られていません" in r.text
    r = client.post(f"/w/{wid}/notes", files={"other": ("a.csv", b"a", "text/csv")})
    assert r.status_code == 400 and "ファイルが選ばれていません" in r.text
    r = client.post(f"/w/{wid}/notes", content=b"garbage", headers={"content-type": "multipart/form-data"})
    assert r.status_code == 400 and "読み取れません" in r.text
    r = client.post(f"/w/{wid}/notes", files={"file": ("empty.csv", b"", "text/csv")})
    assert r.status_code in (400, 415) and "ファイル" in r.text


def test_empty_file_of_notes_is_an_error_on_the_preview(client):
    wid = create_workshop(client)
    uid = upload_notes(client, wid, "内容,グループ\n,A\n,B\n".encode("utf-8"))
    r = client.get(f"/w/{wid}/uploads/{uid}")
    assert 'id="upload-error"' in r.text and "付箋が1件もありません" in r.text


def test_two_uploads_to_one_workshop_both_stored(client, data_dir):
    wid = create_workshop(client)
    first, second = NOTES[:10], NOTES[10:]
    for rows in (first, second):
        assert confirm(client, wid, upload_notes(client, wid, notes_csv(rows))).status_code == 303
    with st.Store(data_dir).session() as conn:
        assert [r["text"] for r in st.records(conn, wid, "notes")] == [n[0] for n in first + second]


def test_arbitrary_bytes_never_crash_the_upload(tmp_path_factory):
    """Whatever a browser sends as the file, the answer is a preview or a Japanese error page, never a 500."""
    from fastapi.testclient import TestClient
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as hs

    from issuemine.app.server import create_app

    client = TestClient(create_app(tmp_path_factory.mktemp("prop"), allowed_hosts=["testserver"]),
                        follow_redirects=False)
    wid = create_workshop(client)
    prefixes = hs.sampled_from([b"", "内容,グループ\n".encode("cp932"), b"\xef\xbb\xbf", b"\xff\xfe", b"PK\x03\x04"])

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(prefixes, hs.binary(max_size=600), hs.sampled_from(["a.csv", "a.xlsx", "a.txt", "a"]))
    def check(prefix, body, name):
        r = client.post(f"/w/{wid}/notes", files={"file": (name, prefix + body, "text/csv")})
        assert r.status_code in (303, 400, 409, 415), r.status_code  # 409: the same bytes again
        if r.status_code == 303:
            page = client.get(r.headers["location"])
            assert page.status_code == 200 and ("upload-error" in page.text or "付箋の枚数" in page.text)
        else:
            assert "<h1>" in r.text and 'class="error" role="alert"' in r.text

    check()


def test_duplicates_are_counted_not_dropped(client, data_dir):
    wid = create_workshop(client)
    rows = [NOTES[0], NOTES[0], NOTES[1]]  # the same note twice in group A
    uid = upload_notes(client, wid, notes_csv(rows))
    text = page_text(client.get(f"/w/{wid}/uploads/{uid}").text)
    assert "付箋の枚数 3" in text and "重複 1 枚" in text
    confirm(client, wid, uid)
    with st.Store(data_dir).session() as conn:
        stored = st.records(conn, wid, "notes")
    assert len(stored) == 3 and stored[1]["duplicate_of"] == stored[0]["note_id"]
