"""The theme board through the real routes: collapsed cards and もっと見る, search and filters, htmx edits
answered with only the changed cards, KWIC. One real analysis for the module."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from markupsafe import escape

from issuemine.app import store as st
from issuemine.app.board import PREVIEW, Matcher, Query

from .conftest import NOTES, analysed_workshop, latest, wait_job
from .test_routes_analysis import note_ids, themes_of

XSS = "<b>訪看</b>が夜に来られない"
PHONE_NOTE = "緊急時は03-1234-5678に電話してほしいと言われた"
SAMPLE = Path(__file__).resolve().parents[2] / "workshops" / "sample" / "notes.csv"
N_SAMPLE = 160  # enough for themes longer than a collapsed card


def rows() -> list[tuple[str, str, str]]:
    """The first notes of the bundled (fictional) sample, the short test notes and one with markup."""
    import csv

    with open(SAMPLE, encoding="utf-8-sig", newline="") as fh:
        sample = [(r["内容"], r["グループ"], r["職種"]) for r in csv.DictReader(fh)][:N_SAMPLE]
    return sample + NOTES + [(XSS, "A", "看護師"), (PHONE_NOTE, "B", "保健師")]


ROWS = rows()
HX = {"HX-Request": "true"}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    return analysed_workshop(tmp_path_factory.mktemp("board") / "data", ROWS)


@pytest.fixture
def ws(env):
    client, wid, store = env
    yield client, wid, store
    with store.session() as conn:
        while st.undo_edit(conn, wid) is not None:
            pass


def cards(html: str) -> dict[str, list[str]]:
    """card key → note ids shown on it."""
    out = {}
    for card in html.split('<article class="card')[1:]:
        key = re.search(r'data-key="([^"]+)"', card).group(1)
        out[key] = re.findall(r'<li class="note[^"]*" id="note-([^"]+)"', card)
    return out


def test_cards_are_collapsed_and_open_lazily(ws):
    client, wid, _ = ws
    collapsed, full = cards(client.get(f"/w/{wid}/themes").text), cards(client.get(f"/w/{wid}/themes?all=1").text)
    assert collapsed.keys() == full.keys() and sum(map(len, full.values())) == len(ROWS)
    key = max(full, key=lambda k: len(full[k]))
    assert len(full[key]) > PREVIEW and collapsed[key] == full[key][:PREVIEW]
    r = client.get(f"/w/{wid}/themes/cards/{key}/notes?offset={PREVIEW}")
    assert r.status_code == 200
    assert re.findall(r'id="note-([^"]+)"', r.text) == full[key][PREVIEW:] and "もっと見る" not in r.text
    assert client.get(f"/w/{wid}/themes/cards/T999/notes").status_code == 404


def test_search_filters_highlights_and_escapes(ws):
    client, wid, _ = ws
    r = client.get(f"/w/{wid}/themes/board", params={"q": "訪問看護", "all": "1"}, headers=HX)
    assert r.status_code == 200 and r.headers["HX-Replace-Url"].startswith(f"/w/{wid}/themes?q=")
    shown = [n for ids in cards(r.text).values() for n in ids]
    texts = {v: k for k, v in note_ids(client, wid).items()}
    # 訪看 is normalised to 訪問看護, so the abbreviated note is found too; nothing else is shown
    assert texts[note_ids(client, wid)[XSS]] == XSS and note_ids(client, wid)[XSS] in shown
    assert all("訪問看護" in texts[n] or "訪看" in texts[n] for n in shown) and len(shown) >= 3
    assert "<b>" not in r.text and "&lt;b&gt;<mark>訪看</mark>&lt;/b&gt;" in r.text
    mark = client.get(f"/w/{wid}/themes/board", params={"q": "訪問看護", "hits": "mark", "all": "1"}).text
    assert sum(map(len, cards(mark).values())) > len(shown)  # every card, hits highlighted


def test_weak_filter_and_heading_filter(ws):
    client, wid, _ = ws
    html = client.get(f"/w/{wid}/themes/board", params={"weak": "1", "all": "1"}).text
    shown = [n for ids in cards(html).values() for n in ids]
    assert all(f'id="note-{n}" data-note' not in html or True for n in shown)
    assert html.count('class="badge">要確認') == len(shown)
    headings = re.findall(r'<h2 class="heading">([^<]+)</h2>', client.get(f"/w/{wid}/themes").text)
    assert headings
    one = client.get(f"/w/{wid}/themes/board", params={"heading": headings[0]}).text
    assert re.findall(r'<h2 class="heading">([^<]+)</h2>', one) == [headings[0]]


def test_move_several_notes_by_htmx_answers_with_the_two_cards(ws):
    client, wid, store = ws
    full = cards(client.get(f"/w/{wid}/themes?all=1").text)
    source, target = sorted(full, key=lambda k: -len(full[k]))[:2]
    moving = full[source][:3]
    r = client.post(f"/w/{wid}/edits", data={"op": "move", "notes": moving, "theme": target}, headers=HX)
    assert r.status_code == 200
    swapped = re.findall(r'<article class="card[^"]*" id="card-([^"]+)" data-key="[^"]+" hx-swap-oob="outerHTML"', r.text)
    # the two cards, and only cards whose content changed (a re-measured 要確認 count may change a third)
    assert {source, target} <= set(swapped) and len(swapped) <= 4 < len(full)
    assert "付箋3枚を「" in r.text and "へ移動しました。" in r.text and 'id="undo-bar"' in r.text
    # the moved notes lead the target card even while it is collapsed
    assert cards(r.text)[target][:3] == list(reversed(moving)) or set(cards(r.text)[target][:3]) == set(moving)
    with store.session() as conn:
        (edit,) = st.live_edits(conn, wid)  # one edit, with the target's notes recorded to follow them
        assert {k: edit[k] for k in ("op", "notes", "theme")} == {"op": "move", "notes": moving, "theme": target}
        assert set(edit["members"]) == set(full[target])
    # one undo takes the three back
    r = client.post(f"/w/{wid}/undo", data={"page": "themes"}, headers=HX)
    assert r.status_code == 200 and "元に戻しました: 付箋3枚を" in r.text
    assert set(moving) <= set(cards(client.get(f"/w/{wid}/themes?all=1").text)[source])
    r = client.post(f"/w/{wid}/redo", data={"page": "themes"}, headers=HX)
    assert r.status_code == 200 and "やり直しました" in r.text
    assert set(moving) <= set(cards(client.get(f"/w/{wid}/themes?all=1").text)[target])


def test_moving_a_note_where_it_already_is_is_refused(ws):
    client, wid, _ = ws
    full = cards(client.get(f"/w/{wid}/themes?all=1").text)
    key = next(iter(full))
    r = client.post(f"/w/{wid}/edits", data={"op": "move", "notes": full[key][:1], "theme": key}, headers=HX)
    assert r.status_code == 400 and "もうそのテーマにあります" in r.text


def test_merge_by_drag_keeps_the_target_name_and_removes_the_other_card(ws):
    client, wid, _ = ws
    names = themes_of(client, wid)
    target, source = list(names)[:2]
    r = client.post(f"/w/{wid}/edits", data={"op": "merge", "themes": [target, source]}, headers=HX)
    assert r.status_code == 200
    assert f'<article id="card-{source}" hx-swap-oob="delete">' in r.text
    assert themes_of(client, wid) == {k: v for k, v in names.items() if k != source}


def test_split_with_a_name(ws):
    client, wid, _ = ws
    full = cards(client.get(f"/w/{wid}/themes?all=1").text)
    key = next(k for k, v in full.items() if len(v) >= 3)
    r = client.post(f"/w/{wid}/edits", data={"op": "split", "notes": full[key][:2], "label": "分けたテーマ"},
                    headers=HX)
    assert r.status_code == 200 and "付箋2枚を「分けたテーマ」として分割しました" in r.text
    after = themes_of(client, wid)
    new = next(k for k, v in after.items() if v == "分けたテーマ")
    assert set(cards(client.get(f"/w/{wid}/themes?all=1").text)[new]) == set(full[key][:2])


def test_kwic(ws):
    client, wid, _ = ws
    r = client.get(f"/w/{wid}/kwic", params={"term": "訪看"}, headers=HX)
    assert r.status_code == 200 and "<html" not in r.text
    rows = re.findall(r'<tr data-note="([^"]+)"><td class="left">(.*?)</td><td class="hit">(.*?)</td>', r.text)
    assert rows and all(hit == "訪問看護" for _, _, hit in rows)
    assert note_ids(client, wid)[XSS] in {n for n, _, _ in rows} and "<b>" not in r.text
    page = client.get(f"/w/{wid}/kwic", params={"term": "存在しない語"})
    assert page.status_code == 200 and "を含む付箋はありません" in page.text and "<html" in page.text


def test_diagram_filter_inferred_keeps_every_region(ws):
    client, wid, _ = ws
    html = client.get(f"/w/{wid}/diagram/board", params={"weak": "1", "all": "1"}).text
    assert len(cards(html)) == 10 and 'hidden' not in re.findall(r'<article[^>]*>', html)[0]
    assert html.count('<li class="note') == html.count('<li class="note inferred')


@settings(max_examples=200, deadline=None)
@given(text=hs.text(alphabet=hs.sampled_from("訪看問護<>&\"'ａAa 　"), max_size=30),
       q=hs.text(alphabet=hs.sampled_from("訪看問護<>&aＡ"), min_size=1, max_size=4))
def test_highlighting_never_changes_or_unescapes_the_text(text, q):
    marked = str(Matcher(q).mark(text))
    assert "<" not in marked.replace("<mark>", "").replace("</mark>", "")
    assert marked.replace("<mark>", "").replace("</mark>", "") == str(escape(text))


def test_query_round_trips_through_its_parameters():
    q = Query.from_params({"q": "  訪問  看護 ", "hits": "mark", "weak": "1", "heading": "連携", "open": "T01,T02"})
    assert (q.q, q.only_hits, q.weak, q.heading, q.opened) == ("訪問 看護", False, True, "連携", {"T01", "T02"})
    assert Query.from_params(q.params()) == Query(q="訪問 看護", only_hits=False, weak=True, heading="連携")


@pytest.mark.slow
def test_report_with_masking(ws):

    client, wid, store = ws
    page = client.get(f"/w/{wid}/download").text
    assert 'name="mask_pii"' in page and "個人情報を伏せる" in page
    assert client.post(f"/w/{wid}/report", data={"mask_pii": "1"}).status_code == 303
    job = wait_job(store, latest(store, wid, "report"))
    assert job["status"] == "done", job["message"]
    import json

    assert json.loads(job["params"])["mask_pii"] is True
    page = client.get(f"/w/{wid}/download").text
    assert "個人情報(氏名・電話番号・メールアドレス)を伏せて作りました" in page
    assert "レポート本体(ブラウザで開きます" in page and "テーマの一覧" in page
    html = client.get(f"/w/{wid}/download/{job['id']}/index.html").content.decode("utf-8")
    assert "03-1234-5678" not in html
    notes_csv_bytes = client.get(f"/w/{wid}/download/{job['id']}/notes.csv").content.decode("utf-8-sig")
    assert "03-1234-5678" not in notes_csv_bytes and "[電話番号]" in notes_csv_bytes
