"""The workshop's name and the day it was held: set on creation or in 「ワークショップ名と開催日」, checked
with Japanese messages, stored (schema 3) and handed to the report through workshop.json."""

from __future__ import annotations

import json
import sqlite3

import pytest

from issuemine.app import store as st

from .conftest import confirm, create_workshop, notes_csv, page_text, upload_notes


def test_create_with_a_date_shows_it_on_the_list_and_the_workshop_page(client):
    r = client.post("/workshops", data={"name": "墨田区 第2回", "held_on": "2026-12-06"})
    assert r.status_code == 303
    wid = int(r.headers["location"].rsplit("/", 1)[-1])
    listing = page_text(client.get("/").text)
    assert "墨田区 第2回 2026年12月6日(日)" in listing
    page = client.get(f"/w/{wid}").text
    assert "開催日: 2026年12月6日(日)" in page_text(page)
    assert 'name="held_on" value="2026-12-06"' in page  # the settings form starts from what is stored


@pytest.mark.parametrize("held_on, words", [
    ("2026-02-30", "開催日「2026-02-30」という日はありません。月と日を確かめてください。"),
    ("12/6", "開催日「12/6」を日付として読めません。2026-12-06、2026/12/6、2026年12月6日、令和8年12月6日 のように入力してください。"),
    ("2026/12/6(月)", "2026年12月6日は日曜日です"),
])
def test_create_with_a_bad_date_says_why_and_creates_nothing(client, held_on, words):
    r = client.post("/workshops", data={"name": "墨田区 第2回", "held_on": held_on})
    assert r.status_code == 400
    assert words in page_text(r.text)
    assert 'value="墨田区 第2回"' in r.text  # what was typed is kept
    assert "墨田区 第2回</a>" not in r.text  # not in the list: nothing was created


def test_create_without_a_date_is_fine_and_the_page_says_where_to_add_it(client):
    wid = create_workshop(client, "日付なし")
    assert "開催日: 未入力" in page_text(client.get(f"/w/{wid}").text)
    assert "— " in page_text(client.get("/").text)


def test_settings_change_name_and_date(client):
    wid = create_workshop(client, "仮の名前")
    r = client.post(f"/w/{wid}/settings", data={"name": "  墨田区   第3回 ", "held_on": "令和8年12月6日"})
    assert r.status_code == 303 and r.headers["location"] == f"/w/{wid}"
    page = client.get(f"/w/{wid}").text
    text = page_text(page)
    assert "ワークショップ名と開催日を保存しました" in text
    assert "<h1>墨田区 第3回</h1>" in page and "開催日: 2026年12月6日(日)" in text
    # an empty date removes it
    assert client.post(f"/w/{wid}/settings", data={"name": "墨田区 第3回", "held_on": ""}).status_code == 303
    assert "開催日: 未入力" in page_text(client.get(f"/w/{wid}").text)


@pytest.mark.parametrize("form, words", [
    ({"name": "", "held_on": "2026-12-06"}, "ワークショップ名を入力してください。"),
    ({"name": "あ" * 101, "held_on": ""}, "ワークショップ名は 100 文字以内にしてください(いま 101 文字です)。"),
    ({"name": "ほかの会", "held_on": ""}, "同じ名前のワークショップがすでにあります。別の名前にしてください。"),
    ({"name": "第1回", "held_on": "2026年13月1日"}, "開催日「2026年13月1日」という日はありません。"),
    ({"name": "第1回", "held_on": "1900-01-01"}, "年が正しくないようです(1990年から2100年の日付にしてください)。"),
])
def test_settings_mistakes_are_japanese_and_change_nothing(client, form, words):
    create_workshop(client, "ほかの会")
    wid = create_workshop(client, "第1回")
    assert client.post(f"/w/{wid}/settings", data={"name": "第1回", "held_on": "2026-11-14"}).status_code == 303
    r = client.post(f"/w/{wid}/settings", data=form)
    assert r.status_code == 400
    assert words in page_text(r.text)
    assert 'aria-invalid="true"' in r.text
    page = client.get(f"/w/{wid}").text
    assert "<h1>第1回</h1>" in page and "開催日: 2026年11月14日(土)" in page_text(page)


def test_settings_of_a_missing_workshop_is_a_japanese_404(client):
    r = client.post("/w/999/settings", data={"name": "x", "held_on": ""})
    assert r.status_code == 404 and "見つかりません" in r.text


def test_names_are_escaped(client):
    wid = create_workshop(client, "<script>alert(1)</script>")
    r = client.post(f"/w/{wid}/settings", data={"name": "<img src=x onerror=alert(1)>", "held_on": "x<b>"})
    assert r.status_code == 400
    assert "<img src=x" not in r.text and "x<b>" not in r.text and "&lt;img src=x onerror=alert(1)&gt;" in r.text


def test_the_report_folder_carries_name_and_date(client, data_dir):
    """What a report job snapshots: workshop.json with the name and the ISO date, which the report reads
    (cover, page headers) as it reads the CLI's folders."""
    from issuemine.app.pipeline import export_workshop
    from issuemine.report.html import held_on
    from issuemine.report.workshop import find_workshop

    wid = create_workshop(client, "墨田区 第1回")
    assert confirm(client, wid, upload_notes(client, wid, notes_csv())).status_code == 303
    assert client.post(f"/w/{wid}/settings", data={"name": "墨田区 第1回", "held_on": "2026/11/14"}).status_code == 303
    store = st.Store(data_dir)
    with store.session() as conn:
        folder = export_workshop(store, conn, wid, data_dir / "snap")
    meta = json.loads((folder / "workshop.json").read_text(encoding="utf-8"))
    assert meta["name"] == "墨田区 第1回" and meta["date"] == "2026-11-14"
    ws = find_workshop(folder)

    class _Report:  # the one field held_on reads
        workshops = [type("D", (), {"name": ws.name, "workshop": ws})()]

    assert held_on(_Report) == "2026年11月14日(土)"


def test_migration_3_adds_the_date_to_existing_workshops(tmp_path):
    """A version-2 database keeps its workshops; they have no date until one is set."""
    conn = sqlite3.connect(tmp_path / "issuemine.db")
    for migration in st.MIGRATIONS[:2]:
        for statement in migration.split(";"):
            if statement.strip():
                conn.execute(statement)
    conn.execute("INSERT INTO workshops(id, name, created_at) VALUES (4, '古い会', '2026-01-01 00:00:00')")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    store = st.Store(tmp_path)
    with store.session() as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == st.SCHEMA_VERSION == 3
        assert st.get_workshop(conn, 4)["held_on"] is None
        assert st.update_workshop(conn, 4, "古い会", "2026-12-06")
        assert st.get_workshop(conn, 4)["held_on"] == "2026-12-06"
        assert not st.update_workshop(conn, 99, "x", None)
