"""The gate in front of every route (issue 12): Host allow-list, ids out of range, Japanese error pages,
the last-resort 500 page, and a failed upload that leaves no orphan original. Through the real app."""

from __future__ import annotations

import re
import sqlite3

import pytest
from .conftest import create_workshop, notes_csv, page_text, survey_csv, upload_notes

from issuemine.app.gate import HostPolicy, host_name

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def workshops_in(data_dir) -> int:
    with sqlite3.connect(data_dir / "issuemine.db") as db:
        return db.execute("SELECT COUNT(*) FROM workshops").fetchone()[0]


def main_text(html: str) -> str:
    return page_text(html.split("<main>", 1)[-1])


def assert_japanese_page(r, status: int, *fragments: str) -> None:
    assert r.status_code == status, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    text = page_text(r.text)
    for fragment in fragments:
        assert fragment in text
    assert "Traceback" not in r.text and "Internal Server Error" not in r.text


# -- 9: Host allow-list (DNS rebinding) ---------------------------------------------------------------
def test_dns_rebinding_post_is_refused_and_creates_nothing(client, data_dir):
    # The attacker's page at http://evil.example:8000 whose name now resolves to 127.0.0.1: the browser sends
    # its own name as Host and a matching Origin, so the same-origin check alone would let it through.
    r = client.post("/workshops", data={"name": "乗っ取り"},
                    headers={"host": "evil.example:8000", "origin": "http://evil.example:8000"})
    assert_japanese_page(r, 400, "このアドレスでは開けません", "--allowed-host")
    assert workshops_in(data_dir) == 0
    r = client.get("/", headers={"host": "evil.example"})  # reading is refused too
    assert_japanese_page(r, 400, "このアドレスでは開けません")
    assert "墨田" not in r.text


def test_rebinding_cannot_read_notes(client, data_dir):
    wid = create_workshop(client)
    upload_notes(client, wid, notes_csv())
    for path in ("/", f"/w/{wid}", f"/w/{wid}/uploads/1", f"/w/{wid}/notes.edits.jsonl", "/static/htmx.min.js"):
        r = client.get(path, headers={"host": "evil.example"})
        assert r.status_code == 400 and "短期入所" not in r.text and "墨田区" not in r.text


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "127.0.0.1", "localhost:8000", "LOCALHOST", "localhost.",
                                  "[::1]:8000", "[::1]", "testserver"])
def test_known_names_are_served(client, host):
    assert client.get("/", headers={"host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "localhost.evil.example",
                                  "127.0.0.1:80:80", "127.0.0.1:abc", "[::1", "::1", "192.168.1.5", "0.0.0.0",
                                  "", " "])
def test_other_names_are_refused(client, host):
    assert_japanese_page(client.get("/", headers={"host": host}), 400, "このアドレスでは開けません")


def test_allowed_host_option_adds_names(make_client):
    client = make_client(allowed_hosts=["testserver", "pc01.example.lan"])
    assert client.get("/", headers={"host": "pc01.example.lan:8000"}).status_code == 200
    assert client.get("/", headers={"host": "pc02.example.lan:8000"}).status_code == 400


def test_host_is_checked_before_the_token(make_client):
    client = make_client(token="kagi-1234-abcd")
    r = client.get("/", headers={"host": "evil.example", "x-issuemine-token": "kagi-1234-abcd"})
    assert r.status_code == 400


def test_host_policy_of_a_binding():
    loop = HostPolicy.for_binding("127.0.0.1")
    assert loop.allows("127.0.0.1:9") and loop.allows("localhost") and loop.allows("[::1]:9")
    assert not loop.allows("192.168.1.5") and not loop.allows(None)
    lan = HostPolicy.for_binding("192.168.1.5", ["pc01.example.lan"])
    assert lan.allows("192.168.1.5:8000") and lan.allows("PC01.example.lan") and not lan.allows("192.168.1.6")
    # a wildcard binding is reached by any address of the machine: IP literals pass, other names do not
    wild = HostPolicy.for_binding("0.0.0.0")
    assert wild.allows("192.168.1.6:8000") and wild.allows("[fe80::1]:8000") and not wild.allows("evil.example")
    v6 = HostPolicy.for_binding("::1")
    assert v6.allows("[0:0:0:0:0:0:0:1]:8000")  # the same address written out


@pytest.mark.parametrize("value,name", [("a.example:80", "a.example"), ("A.Example.", "a.example"),
                                        ("[::1]:80", "::1"), ("x:", "x"), ("x:99999999", None), ("[::1]x", None),
                                        (":80", None)])
def test_host_name(value, name):
    assert host_name(value) == name


# -- 11: ids out of range ------------------------------------------------------------------------------
HUGE = "99999999999999999999999999"


def app_routes(app):
    """Every APIRoute of the app: its own and those of the routers it includes (without prefixes)."""
    from fastapi.routing import APIRoute

    from issuemine.app.routes import ROUTERS

    for route in [*app.routes, *(r for router in ROUTERS for r in router.routes)]:
        if isinstance(route, APIRoute):
            yield route


def id_routes(app):
    """Every (method, path template) of the app whose path holds a parameter."""
    for route in app_routes(app):
        if "{" in route.path:
            for method in sorted(route.methods):
                yield method, route.path


def fill(path: str, value: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: "index.html" if m.group(1) == "name" else value, path)


@pytest.mark.parametrize("value", [HUGE, str(2**63), "-1", "0", "1e3", "abc", "%EF%BC%91"])
def test_ids_out_of_range_are_a_japanese_404_on_every_route(client, value):
    create_workshop(client)
    routes = list(id_routes(client.app))
    assert len(routes) >= 20  # every id route of the app, not a hand-picked few
    for method, path in routes:
        r = client.request(method, fill(path, value))
        assert_japanese_page(r, 404, "見つかりません")


def test_largest_stored_id_is_not_found_not_an_error(client):
    r = client.get(f"/w/{2**63 - 1}")
    assert_japanese_page(r, 404, "ワークショップが見つかりません")


# -- every error page Japanese ------------------------------------------------------------------------
def test_error_pages_are_japanese(client):
    wid = create_workshop(client)
    assert_japanese_page(client.get("/no/such/page"), 404, "ページが見つかりません")
    assert_japanese_page(client.delete(f"/w/{wid}"), 405, "この操作はできません")
    # a file where a text field belongs: the form does not validate
    r = client.post("/workshops", files={"name": ("a.txt", b"x", "text/plain")})
    assert_japanese_page(r, 422, "入力が正しくありません")
    assert "name" not in main_text(r.text)  # no field codes shown
    r = client.post(f"/w/{wid}/uploads/1/options", content=b"--b\r\nbroken",
                    headers={"content-type": "multipart/form-data; boundary=b"})
    assert r.status_code in (400, 404) and JAPANESE.search(page_text(r.text))


def test_unexpected_error_is_a_japanese_500_without_its_text(client, data_dir, monkeypatch):
    from issuemine.app import store as st

    marker = "MARKER-付箋の本文-7f3a"

    def broken(conn):
        raise RuntimeError(marker)

    monkeypatch.setattr(st, "list_workshops", broken)
    r = client.get("/")
    assert_japanese_page(r, 500, "問題が発生しました")
    assert marker not in r.text
    log = (data_dir / "logs" / "server.log").read_text(encoding="utf-8")
    assert "RuntimeError" in log and marker not in log


# -- 3 (app side): a questionnaire the reader cannot handle ------------------------------------------
def referenced_originals(data_dir) -> set[str]:
    with sqlite3.connect(data_dir / "issuemine.db") as db:
        return {row[0] for row in db.execute("SELECT sha256 FROM uploads")}


def test_survey_reader_crash_is_a_japanese_page_and_no_orphan(client, data_dir, monkeypatch, caplog):
    import issuemine.survey

    marker = "MARKER-回答-91c2"

    def crash(*paths):
        raise IndexError(marker)

    monkeypatch.setattr(issuemine.survey, "read_answers", crash)
    wid = create_workshop(client)
    r = client.post(f"/w/{wid}/survey", files={"file": ("アンケート.csv", survey_csv(), "text/csv")})
    assert_japanese_page(r, 400, "アンケートを読み込めませんでした", "アンケート.csv")
    assert marker not in r.text and marker not in caplog.text
    on_disk = {p.name for p in (data_dir / "originals").iterdir()}
    assert on_disk and on_disk <= referenced_originals(data_dir)  # every kept file has its (refused) row
    # so deleting the workshop removes it
    assert client.post(f"/w/{wid}/delete", data={"confirm_name": "墨田区 第1回"}).status_code == 303
    assert list((data_dir / "originals").iterdir()) == []


def test_notes_reader_crash_is_shown_in_the_preview(client, data_dir, monkeypatch):
    import issuemine.ingest

    def crash(*args, **kwargs):
        raise KeyError("MARKER")

    monkeypatch.setattr(issuemine.ingest, "read_notes", crash)
    wid = create_workshop(client)
    upload_id = upload_notes(client, wid, notes_csv())
    r = client.get(f"/w/{wid}/uploads/{upload_id}")
    assert r.status_code == 200 and "想定外の問題" in r.text and "MARKER" not in r.text
    assert {p.name for p in (data_dir / "originals").iterdir()} <= referenced_originals(data_dir)


# -- 12: UTF-32 with a BOM -----------------------------------------------------------------------------
@pytest.mark.parametrize("codec", ["utf-32", "utf-32-le", "utf-32-be", "utf-16"])
def test_utf32_upload_reads_like_the_command_line(client, codec):

    bom = {"utf-32-le": b"\xff\xfe\x00\x00", "utf-32-be": b"\x00\x00\xfe\xff"}.get(codec, b"")
    data = bom + notes_csv(encoding=codec)
    wid = create_workshop(client)
    upload_id = upload_notes(client, wid, data, filename="付箋.csv")
    r = client.get(f"/w/{wid}/uploads/{upload_id}")
    assert r.status_code == 200 and "読み込めませんでした" not in r.text
    assert re.search(r'id="n-parsed">36<', r.text)
    assert "①短期入所の受け入れ先が足りない" in r.text
    assert client.post(f"/w/{wid}/uploads/{upload_id}/confirm").status_code == 303


def test_binary_is_still_refused(client):
    wid = create_workshop(client)
    r = client.post(f"/w/{wid}/notes", files={"file": ("付箋.csv", b"abc\x00\x01\x02def" * 10, "text/csv")})
    assert_japanese_page(r, 415, "このファイルは読み込めません", "バイナリ")


def test_head_on_every_get_page(client):
    """HEAD answers as GET without the body (it was 405): pages, static files, downloads' errors, and the
    gate's own pages; a path with no GET still says 405."""
    wid = client.post("/workshops", data={"name": "墨田区 第1回"}).headers["location"]
    for path in ("/", wid, f"{wid}/themes", f"{wid}/diagram", f"{wid}/survey", f"{wid}/download",
                 f"{wid}/delete", "/static/htmx.min.js", f"{wid}/report.zip", "/w/99999"):
        get, head = client.get(path), client.head(path)
        assert head.status_code == get.status_code != 405, path
        assert head.content == b"" and get.content, path
        assert head.headers["content-length"] == str(len(get.content)), path
        assert head.headers["content-type"] == get.headers["content-type"], path
    r = client.head("/workshops")  # POST only
    assert r.status_code == 405 and r.content == b""
    r = client.head("/", headers={"host": "evil.example"})
    assert r.status_code == 400 and r.content == b""
