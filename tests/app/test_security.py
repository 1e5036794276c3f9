"""Access token, same-origin posts, and the serve command's refusal to listen openly without a token."""

from __future__ import annotations

import subprocess
import sys

import pytest
from .conftest import create_workshop

from issuemine.cli.commands import serve
from issuemine.errors import ConfigError

TOKEN = "kagi-1234-abcd"


def test_without_token_everything_is_open_on_loopback(client):
    assert client.get("/").status_code == 200


def test_token_required(make_client):
    client = make_client(token=TOKEN)
    r = client.get("/w/1")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/w/1"
    r = client.get("/login?next=/w/1")
    assert r.status_code == 200 and "アクセスキー" in r.text
    assert client.post("/workshops", data={"name": "x"}).status_code == 401
    assert client.get("/", headers={"hx-request": "true"}).status_code == 401
    # static files stay reachable (the login page needs them)
    assert client.get("/static/htmx.min.js").status_code == 200


def test_login_wrong_and_right(make_client):
    client = make_client(token=TOKEN)
    r = client.post("/login", data={"token": "wrong-token", "next": "/"})
    assert r.status_code == 401 and "アクセスキーが違います" in r.text
    r = client.post("/login", data={"token": TOKEN, "next": "//evil.example/"})
    assert r.status_code == 303 and r.headers["location"] == "/"  # no open redirect
    assert "samesite=strict" in r.headers["set-cookie"].lower() and "httponly" in r.headers["set-cookie"].lower()
    assert client.get("/").status_code == 200  # the cookie now carries the token
    create_workshop(client)


def test_token_by_header_or_link(make_client):
    client = make_client(token=TOKEN)
    assert client.get("/", headers={"x-issuemine-token": TOKEN}).status_code == 200
    assert client.get("/", headers={"x-issuemine-token": TOKEN + "x"}).status_code == 303
    r = client.get(f"/?token={TOKEN}")
    assert r.status_code == 303 and r.headers["location"] == "/"  # the token leaves the address bar
    assert client.get("/").status_code == 200


def test_cross_site_post_is_refused(client):
    r = client.post("/workshops", data={"name": "x"}, headers={"origin": "http://evil.example"})
    assert r.status_code == 403 and "別のサイト" in r.text
    r = client.post("/workshops", data={"name": "x"}, headers={"origin": "http://testserver"})
    assert r.status_code == 303


def test_security_headers(client):
    r = client.get("/")
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"


def test_assets_are_served_locally(client):
    htmx = client.get("/static/htmx.min.js")
    assert htmx.status_code == 200 and "htmx" in htmx.text[:2000]
    plotly = client.get("/static-plotly/plotly.min.js")
    assert plotly.status_code == 200 and len(plotly.content) > 1_000_000
    page = client.get("/").text
    assert "cdn" not in page.lower() and "https://" not in page


@pytest.mark.parametrize("host,loopback", [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                           ("127.0.0.2", True), ("0.0.0.0", False), ("192.168.1.5", False),
                                           ("::", False), ("example.org", False)])
def test_is_loopback(host, loopback):
    assert serve.is_loopback(host) is loopback


def test_check_options():
    serve.check_options("127.0.0.1", None, 20)
    serve.check_options("0.0.0.0", TOKEN, 20)
    with pytest.raises(ConfigError, match="アクセスキーが必要"):
        serve.check_options("0.0.0.0", None, 20)
    with pytest.raises(ConfigError, match="8 文字以上"):
        serve.check_options("127.0.0.1", "short", 20)
    with pytest.raises(ConfigError, match="上限"):
        serve.check_options("127.0.0.1", None, 0)


def test_serve_refuses_open_address_without_token(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "issuemine", "serve", "--host", "0.0.0.0", "--data", str(tmp_path)],
                         capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 2 and "アクセスキーが必要" in out.stderr
    assert not (tmp_path / "issuemine.db").exists()


def test_allowed_host_names_are_checked():
    serve.check_options("127.0.0.1", None, 20, ["pc01.example.lan", "192.168.1.5", "[fe80::1]", "localhost."])
    for bad in ("http://pc01", "pc01:8000", "*", "", "pc 01", "a/b"):
        with pytest.raises(ConfigError, match="--allowed-host"):
            serve.check_options("127.0.0.1", None, 20, [bad])


def test_serve_refuses_a_bad_allowed_host(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "issuemine", "serve", "--allowed-host", "http://x", "--data",
                          str(tmp_path)], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 2 and "--allowed-host" in out.stderr and "Traceback" not in out.stderr
