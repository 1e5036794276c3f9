"""Property (issue 12): every route of the app, hit with malformed path values, query strings and form
fields, answers below 500, and every error it gives is a Japanese HTML page."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from .conftest import create_workshop, notes_csv, upload_notes
from .test_gate import app_routes, main_text

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
FIELDS = ["name", "confirm_name", "seed", "themes", "op", "theme", "label", "into", "note", "zone", "page",
          "encoding", "header", "map_text", "map_group", "sheet", "token", "next", "file", "file2"]

segment = hs.one_of(
    hs.integers(min_value=-(10**30), max_value=10**30).map(str),
    hs.integers(min_value=2**63 - 2, max_value=10**40).map(str),  # around and past SQLite's 64-bit integers
    hs.sampled_from(["1", "2", "0", "-0", "1.0", "1e9", "０１", "٣", "NaN", "inf", "", " ", "..", "%00",
                     "index.html", "../issuemine.db", "a" * 300]),
    hs.text(max_size=30),
)
value = hs.one_of(hs.text(max_size=40), hs.integers(min_value=-(10**25), max_value=10**25).map(str),
                  hs.sampled_from(["", "auto", "rename", "merge", "split", "move", "zone", "T01", "N001", "HCS",
                                   "themes", "diagram", "utf-32", "1", "x" * 5000]))
form = hs.dictionaries(hs.sampled_from(FIELDS), value, max_size=6)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from fastapi.testclient import TestClient

    from issuemine.app.server import create_app

    client = TestClient(create_app(tmp_path_factory.mktemp("prop-routes"), allowed_hosts=["testserver"]),
                        follow_redirects=False)
    wid = create_workshop(client)
    upload_notes(client, wid, notes_csv())  # a preview upload (not confirmed: no job can start)
    return client


def all_routes():
    """Every (method, path) of a real app, collected before the tests run (the app's own routes too)."""
    import tempfile

    from issuemine.app.server import create_app

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(tmp)
        return sorted({(m, r.path) for r in app_routes(app) for m in r.methods})


def fill(path: str, values: list[str]) -> str:
    it = iter(values)
    return re.sub(r"\{\w+\}", lambda m: quote(next(it), safe=""), path)


@pytest.mark.parametrize("method,path", all_routes())
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=hs.data())
def test_every_route_answers_malformed_input_in_japanese(client, method, path, data):
    values = data.draw(hs.lists(segment, min_size=path.count("{"), max_size=path.count("{")))
    url = fill(path, values)
    query = data.draw(hs.dictionaries(hs.sampled_from(["next", "token", "page", "x"]), value, max_size=2))
    fields = data.draw(form)
    if method in ("GET", "HEAD"):
        r = client.request(method, url, params=query)
    elif data.draw(hs.booleans()):
        r = client.request(method, url, params=query, data=fields)
    else:
        files = {"file": ("付箋.csv", data.draw(hs.binary(max_size=300)), "text/csv")}
        r = client.request(method, url, params=query, data={k: v for k, v in fields.items() if k != "file"},
                           files=files)
    assert r.status_code < 500, (method, url, r.status_code)
    if r.status_code >= 400 and method != "HEAD":
        assert r.headers["content-type"].startswith("text/html"), (method, url)
        assert JAPANESE.search(main_text(r.text)), (method, url, r.text[:300])
        assert "Traceback" not in r.text
