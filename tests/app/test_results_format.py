"""Stored analyses survive upgrades: an explicit, versioned format (JSON + npz), read back exactly;
results in the old pickled form or a newer format say in Japanese that the workshop must be analysed again."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from issuemine.app import results as stored
from issuemine.app import store as st
from issuemine.edits import apply_theme_edits

from .conftest import confirm, create_workshop, notes_csv, page_text, upload_notes


@pytest.fixture(scope="module")
def result():
    from tests.themes.conftest import SCHOOL, SHORT_STAY, make_notes

    from issuemine.themes import ThemeModel

    return ThemeModel(n_themes=3, seed=0, n_resamples=2).fit(make_notes(SHORT_STAY + SCHOOL))


def test_round_trip_is_exact_and_bytes_are_deterministic(result):
    rows = stored.dump(result)
    assert rows == stored.dump(result)  # same result → same bytes
    assert set(rows) == {stored.FORMAT_NAME, stored.JSON_NAME, stored.ARRAYS_NAME}
    assert json.loads(rows[stored.FORMAT_NAME]) == {"format": stored.FORMAT, "version": stored.VERSION}
    back = stored.load(rows)
    for name in ("themes", "assignments"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(result, name))
    np.testing.assert_array_equal(back.note_vectors, result.note_vectors)
    assert back.theme_of == result.theme_of and back.note_ids == result.note_ids
    # edits applied to the stored result give what they give on the fitted one
    t = result.themes["theme_id"][0]
    edits = [{"op": "rename", "theme": t, "label": "保存後の名前"},
             {"op": "move", "note": result.note_ids[0], "theme": result.themes["theme_id"][1]}]
    a, ma = apply_theme_edits(result, edits)
    b, mb = apply_theme_edits(back, edits)
    pd.testing.assert_frame_equal(a.themes, b.themes)
    pd.testing.assert_frame_equal(a.assignments, b.assignments)
    assert ma == mb


def test_nothing_is_pickled(result):
    rows = stored.dump(result)
    with np.load(__import__("io").BytesIO(rows[stored.ARRAYS_NAME]), allow_pickle=False) as z:
        assert all(z[k].dtype != object for k in z.files)
    json.loads(rows[stored.JSON_NAME])  # plain JSON


@pytest.mark.parametrize("rows, phrase", [
    ({stored.LEGACY_PICKLE_NAME: b"\x80\x05\x95..."}, "以前のバージョン"),
    ({stored.FORMAT_NAME: b'{"format": "issuemine.theme_result", "version": 99}'}, "新しいバージョン"),
    ({stored.JSON_NAME: b"{not json"}, "壊れて"),
    ({stored.JSON_NAME: b'{"format": "other", "version": 1}'}, "形式がわかりません"),
    ({}, "見つかりません"),
])
def test_unreadable_results_ask_to_analyse_again(rows, phrase):
    with pytest.raises(stored.ResultOutdated) as e:
        stored.load(rows)
    assert phrase in e.value.message and "もう一度分析してください" in e.value.message
    with pytest.raises(stored.ResultOutdated):
        stored.check(rows)


def _finished_analysis(store, wid: int, results: dict[str, bytes]) -> int:
    with store.session() as conn:
        job_id = st.add_job(conn, wid, "analysis", {"seed": 0, "n_themes": "auto"})
        st.finish_job(conn, job_id, results, "分析しました。")
    return job_id


def test_an_analysis_stored_by_an_older_version_asks_to_analyse_again(client, data_dir):
    wid = create_workshop(client)
    assert confirm(client, wid, upload_notes(client, wid, notes_csv())).status_code == 303
    store = st.Store(data_dir)
    # what the app stored before this format: a pickled ThemeResult beside JSON tables (never unpickled now)
    _finished_analysis(store, wid, {"notes": b"[]", "placements": b"[]",
                                    stored.LEGACY_PICKLE_NAME: b"\x80\x05\x95\x00\x00\x00\x00"})
    page = page_text(client.get(f"/w/{wid}").text)
    assert "以前のバージョン" in page and "もう一度分析してください" in page
    for path in (f"/w/{wid}/themes", f"/w/{wid}/diagram"):
        r = client.get(path)
        assert r.status_code == 409 and "もう一度分析してください" in page_text(r.text), path
    # an edit cannot be made on it either (Japanese page, not a 500)
    r = client.post(f"/w/{wid}/edits", data={"op": "rename", "theme": "T01", "label": "x"})
    assert r.status_code == 409 and "もう一度分析してください" in page_text(r.text)
