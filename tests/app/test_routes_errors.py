"""Error pages of the analysis, edit, diagram and download routes before anything was analysed."""

from __future__ import annotations

import pytest
from .conftest import confirm, create_workshop, notes_csv, upload_notes


@pytest.fixture
def wid(client):
    return create_workshop(client)


def test_analyze_without_notes(client, wid):
    r = client.post(f"/w/{wid}/analyze", data={"seed": "0", "themes": "auto"})
    assert r.status_code == 400 and "付箋がありません" in r.text


@pytest.mark.parametrize("seed,themes,message", [("-1", "auto", "乱数シード"), ("abc", "auto", "乱数シード"),
                                                 ("99999999999", "auto", "乱数シード"), ("0", "0", "テーマ数"),
                                                 ("0", "many", "テーマ数"), ("0", "201", "テーマ数")])
def test_analyze_bad_parameters(client, wid, seed, themes, message):
    confirm(client, wid, upload_notes(client, wid, notes_csv()))
    r = client.post(f"/w/{wid}/analyze", data={"seed": seed, "themes": themes})
    assert r.status_code == 400 and message in r.text


@pytest.mark.parametrize("path", ["themes", "diagram"])
def test_pages_before_analysis(client, wid, path):
    r = client.get(f"/w/{wid}/{path}")
    assert r.status_code == 409 and "まだ分析していません" in r.text


def test_edits_before_analysis(client, wid):
    r = client.post(f"/w/{wid}/edits", data={"op": "rename", "theme": "T01", "label": "x"})
    assert r.status_code == 409
    r = client.post(f"/w/{wid}/undo", data={})
    assert r.status_code == 409 and "元に戻す手直しがありません" in r.text


def test_unknown_job_and_workshop(client, wid):
    assert client.get(f"/w/{wid}/jobs/999").status_code == 404
    for path in ("/w/999/themes", "/w/999/diagram", "/w/999/download", "/w/999/jobs/1"):
        assert client.get(path).status_code == 404
    for path in ("/w/999/analyze", "/w/999/edits", "/w/999/undo", "/w/999/report"):
        assert client.post(path, data={}).status_code == 404


def test_download_before_any_report(client, wid):
    r = client.get(f"/w/{wid}/download")
    assert r.status_code == 200 and "付箋を保存するとレポートを作れます" in r.text
    assert client.post(f"/w/{wid}/report").status_code == 400
    r = client.get(f"/w/{wid}/download/1/index.html")
    assert r.status_code == 404 and "ファイルが見つかりません" in r.text
    assert client.get(f"/w/{wid}/download/1/..%2Fissuemine.db").status_code == 404


def test_wrong_method_is_a_japanese_page(client, wid):
    r = client.get(f"/w/{wid}/analyze")
    assert r.status_code == 405 and "この操作はできません" in r.text


def test_malformed_path_is_a_japanese_404(client):
    # an address whose number cannot name anything is "not found" (the id overflow: tests/app/test_gate.py)
    r = client.get("/w/abc")
    assert r.status_code == 404 and "ページが見つかりません" in r.text
