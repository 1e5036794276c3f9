"""The report folder as one deterministic zip, with a Content-Disposition that carries a Japanese name."""

from __future__ import annotations

import io
import os
import re
import zipfile
from urllib.parse import unquote

from .conftest import EDITS_JSONL, REPORT_FILES, create_workshop, fake_report

from issuemine.app import store as st
from issuemine.app.pipeline import workshop_folder


def get_zip(client, wid: int):
    r = client.get(f"/w/{wid}/report.zip")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    return r


def test_zip_holds_exactly_the_report_files(client):
    wid = create_workshop(client)
    store = client.app.state.store
    job_id = fake_report(store, wid)
    zf = zipfile.ZipFile(io.BytesIO(get_zip(client, wid).content))
    assert zf.testzip() is None
    expected = {**REPORT_FILES, "notes.edits.jsonl": EDITS_JSONL}
    assert zf.namelist() == sorted(expected)
    for info in zf.infolist():
        assert zf.read(info) == expected[info.filename], info.filename
        assert info.date_time == (1980, 1, 1, 0, 0, 0) and (info.external_attr >> 16) == 0o100644
        assert info.compress_type == zipfile.ZIP_DEFLATED
    # the same bytes as the single-file downloads
    for name in REPORT_FILES:
        assert client.get(f"/w/{wid}/download/{job_id}/{name}").content == zf.read(name)


def test_zip_is_byte_identical_every_time(client):
    wid = create_workshop(client)
    store = client.app.state.store
    job_id = fake_report(store, wid)
    first = get_zip(client, wid).content
    # file times on disk must not leak into the zip
    for path in (workshop_folder(store, job_id) / "report").iterdir():
        os.utime(path, (1_700_000_000, 1_700_000_000))
    assert get_zip(client, wid).content == first
    # a second workshop with the same report gives the same zip bytes
    other = create_workshop(client, "別の会")
    fake_report(store, other)
    assert get_zip(client, other).content == first


def test_zip_is_of_the_latest_finished_report(client):
    wid = create_workshop(client)
    store = client.app.state.store
    fake_report(store, wid)
    fake_report(store, wid, files={"index.html": b"<p>new</p>"}, edits=b"")
    with store.session() as conn:
        st.add_job(conn, wid, "report", {})  # a newer report still running does not count
    zf = zipfile.ZipFile(io.BytesIO(get_zip(client, wid).content))
    assert zf.namelist() == ["index.html", "notes.edits.jsonl"]
    assert zf.read("index.html") == b"<p>new</p>" and zf.read("notes.edits.jsonl") == b""


def test_content_disposition_for_a_japanese_name(client):
    wid = create_workshop(client, "墨田区 第1回")
    fake_report(client.app.state.store, wid)
    cd = get_zip(client, wid).headers["content-disposition"]
    m = re.fullmatch(r'attachment; filename="([A-Za-z0-9._-]+)"; filename\*=UTF-8\'\'([A-Za-z0-9%._~-]+)', cd)
    assert m, cd
    assert m.group(1) == f"workshop-{wid}_report.zip"
    assert unquote(m.group(2)) == "墨田区_第1回_report.zip"
    cd.encode("ascii")  # header values are ASCII


def test_content_disposition_for_ascii_and_awkward_names(client):
    store = client.app.state.store
    wid = create_workshop(client, "Sumida WS-1")
    fake_report(store, wid)
    cd = get_zip(client, wid).headers["content-disposition"]
    assert cd == "attachment; filename=\"Sumida_WS-1_report.zip\"; filename*=UTF-8''Sumida_WS-1_report.zip"
    wid = create_workshop(client, 'a"b;c/d')
    fake_report(store, wid)
    cd = get_zip(client, wid).headers["content-disposition"]
    assert cd.startswith(f'attachment; filename="workshop-{wid}_report.zip"; filename*=UTF-8\'\'')
    assert unquote(cd.split("''", 1)[1]) == "a_b;c_d_report.zip"


def test_no_report_yet_is_a_japanese_404(client):
    wid = create_workshop(client)
    r = client.get(f"/w/{wid}/report.zip")
    assert r.status_code == 404 and "レポートがまだありません" in r.text
    assert "report.zip" not in client.get(f"/w/{wid}/download").text
    with client.app.state.store.session() as conn:
        st.add_job(conn, wid, "report", {})  # running, not finished
    assert client.get(f"/w/{wid}/report.zip").status_code == 404
    assert client.get("/w/999/report.zip").status_code == 404


def test_download_page_links_the_zip(client):
    wid = create_workshop(client)
    fake_report(client.app.state.store, wid)
    page = client.get(f"/w/{wid}/download").text
    assert f'href="/w/{wid}/report.zip"' in page and "まとめてダウンロード" in page


def test_missing_file_on_disk_is_a_404(client):
    wid = create_workshop(client)
    store = client.app.state.store
    job_id = fake_report(store, wid)
    (workshop_folder(store, job_id) / "report" / "notes.xlsx").unlink()
    r = client.get(f"/w/{wid}/report.zip")
    assert r.status_code == 404 and "レポートを作り直してください" in r.text
