"""The gate against a real ``issuemine serve`` (issue 12): a 300 MiB body cut off at the limit (declared and
chunked), DNS rebinding refused, ``--allowed-host``, an id overflow, a UTF-32 upload."""

from __future__ import annotations

import select
import socket
import sqlite3

import pytest
from .conftest import notes_csv
from .live import LiveServer

MiB = 1 << 20
LIMIT = 1 * MiB  # --max-upload-mb 1
CHUNK = 1 * MiB  # what the client hands over at a time
BODY = 300 * MiB


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = LiveServer(tmp_path_factory.mktemp("live-gate"),
                     extra=["--max-upload-mb", "1", "--allowed-host", "pc01.example.lan"]).start()
    try:
        with srv.client() as c:
            assert c.post("/workshops", data={"name": "墨田区 第1回"}).status_code == 303
        yield srv
    finally:
        srv.stop()


def lazy_body(consumed: list[int]):
    """300 MiB, made one chunk at a time only when the client asks for it; counts what was taken."""
    block = b"x" * CHUNK
    for _ in range(BODY // CHUNK):
        consumed[0] += CHUNK
        yield block


def post_big(port: int, declared: bool):
    """POST a 300 MiB upload lazily over a raw socket. Returns (bytes taken from the generator before the
    server answered or closed, the response bytes). The client's send buffer is kept small so that the
    bytes taken are the bytes the server let in, not what the kernel would buffer on our side."""
    consumed = [0]
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 32 * 1024)
        s.settimeout(30)
        s.connect(("127.0.0.1", port))
        head = [f"POST /w/1/notes HTTP/1.1", f"Host: 127.0.0.1:{port}",
                "Content-Type: multipart/form-data; boundary=b",
                f"Content-Length: {BODY}" if declared else "Transfer-Encoding: chunked"]
        s.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        if declared:
            # A client would wait a moment for an early answer (like Expect: 100-continue); the refusal must
            # come before the body, without reading any of it.
            select.select([s], [], [], 5)
        for chunk in lazy_body(consumed):
            if select.select([s], [], [], 0)[0]:
                consumed[0] -= CHUNK  # taken but not sent: the answer came first
                break
            try:
                s.sendall(chunk if declared else b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            except OSError:  # the server closed the connection: it stopped reading
                break
        response = b""
        try:
            while got := s.recv(65536):
                response += got
        except OSError:
            pass
    return consumed[0], response


def stored_uploads(srv) -> int:
    with sqlite3.connect(srv.data_dir / "issuemine.db") as db:
        return db.execute("SELECT COUNT(*) FROM uploads").fetchone()[0]


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_300_mib_body_is_cut_off_at_the_limit(server, declared):
    before = stored_uploads(server)
    consumed, response = post_big(server.port, declared)
    assert consumed <= LIMIT + CHUNK, consumed  # not 300 MiB: cut off at the limit
    if declared:
        assert consumed == 0  # refused before reading a byte of the body
    assert response.startswith(b"HTTP/1.1 413"), response[:200]
    assert b"connection: close" in response.lower()
    assert "ファイルが大きすぎます" in response.decode("utf-8", "replace")
    assert stored_uploads(server) == before
    assert not (server.data_dir / "originals").exists() or not any((server.data_dir / "originals").iterdir())
    with server.client() as c:  # the server is still fine
        assert c.get("/").status_code == 200


def test_dns_rebinding_is_refused(server):
    port = server.port
    with server.client() as c:
        r = c.post("/workshops", data={"name": "乗っ取り"},
                   headers={"host": f"evil.example:{port}", "origin": f"http://evil.example:{port}"})
        assert r.status_code == 400 and "このアドレスでは開けません" in r.text
        assert c.get("/", headers={"host": f"evil.example:{port}"}).status_code == 400
        assert "乗っ取り" not in c.get("/").text
        # a name given with --allowed-host, and localhost, are served
        assert c.get("/", headers={"host": f"pc01.example.lan:{port}"}).status_code == 200
        assert c.get("/", headers={"host": f"localhost:{port}"}).status_code == 200
    with sqlite3.connect(server.data_dir / "issuemine.db") as db:
        assert db.execute("SELECT COUNT(*) FROM workshops WHERE name = '乗っ取り'").fetchone()[0] == 0


def test_id_overflow_is_a_japanese_404(server):
    with server.client() as c:
        for path in ("/w/99999999999999999999999999", "/w/1/uploads/99999999999999999999999999",
                     "/w/1/download/99999999999999999999999999/index.html"):
            r = c.get(path)
            assert r.status_code == 404 and "見つかりません" in r.text, path
        r = c.post("/w/99999999999999999999999999/analyze", data={"seed": "0"})
        assert r.status_code == 404 and "見つかりません" in r.text


def test_utf32_upload(server):
    data = notes_csv(encoding="utf-32")
    with server.client() as c:
        r = c.post("/w/1/notes", files={"file": ("付箋.csv", data, "text/csv")})
        assert r.status_code == 303, r.text[:300]
        page = c.get(r.headers["location"]).text
        assert 'id="n-parsed">36<' in page and "①短期入所の受け入れ先が足りない" in page


def test_head_is_answered_like_get_without_a_body(server):
    """HEAD through the real server (uvicorn + h11): the GET's status and headers, no body, and the
    connection stays usable for the next request."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        for path, status in (("/", 200), ("/w/1", 200), ("/static/htmx.min.js", 200), ("/w/999", 404),
                             ("/workshops", 405)):
            conn.request("GET", path)
            get = conn.getresponse()
            body = get.read()
            conn.request("HEAD", path)
            head = conn.getresponse()
            assert head.status == get.status == status, path
            assert head.read() == b"", path
            assert head.getheader("content-type") == get.getheader("content-type"), path
            assert head.getheader("content-length") == str(len(body)), path
    finally:
        conn.close()
