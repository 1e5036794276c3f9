"""The notes table: stable ids, text as written, rows counted, duplicates flagged not dropped."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from issuemine.ingest import bigram_set, flag_duplicates, jaccard, note_id, read_notes
from issuemine.schema import NOTES

from .samples import NOTES as SAMPLE, csv_text


def _write(tmp_path, rows, name="ws.csv", header=("班", "職種", "内容")):
    path = tmp_path / name
    path.write_text(csv_text(header, rows), encoding="utf-8")
    return path


def test_note_id_known_answer():
    expected = "N" + hashlib.sha1("連携不足\x1f1班\x1f医師\x1f1".encode()).hexdigest()[:10]
    assert note_id("連携不足", "1班", "医師", 1) == expected
    assert note_id("連携不足", "1班", "医師", 2) != expected


def test_ids_stable_and_unique(tmp_path):
    rows = [(g, p, t) for g, p, t in SAMPLE] + [("1班", "MSW", "退院調整で地域の資源がわからない")]
    a = read_notes(_write(tmp_path, rows, "a.csv"))
    b = read_notes(_write(tmp_path, rows, "b.csv"))
    assert a["note_id"].tolist() == b["note_id"].tolist()
    assert a["note_id"].is_unique and a["note_id"].str.fullmatch(r"N[0-9a-f]{10}").all()
    # inserting another note elsewhere does not change the others' ids
    c = read_notes(_write(tmp_path, [("9班", "医師", "新しい付箋")] + rows, "c.csv"))
    assert c["note_id"].tolist()[1:] == a["note_id"].tolist()


def test_frame_conforms_and_keeps_text_as_written(tmp_path):
    df = read_notes(_write(tmp_path, SAMPLE), workshop="第1回全区会議")
    assert list(df.columns) == NOTES.names
    assert df.dtypes.astype(str).tolist() == [c.dtype for c in NOTES.columns]
    assert df["text"].tolist() == [t for _, _, t in SAMPLE]  # spaces, 　, newline, ｶﾅ untouched
    assert (df["workshop"] == "第1回全区会議").all() and (df["source_file"] == "ws.csv").all()
    assert read_notes(_write(tmp_path, SAMPLE))["workshop"].iloc[0] == "ws"


def test_metadata_is_stripped_but_text_is_not(tmp_path):
    df = read_notes(_write(tmp_path, [(" 1班 ", "医師\u3000", " 連携不足 ")]))
    assert df["group"].iloc[0] == "1班" and df["profession"].iloc[0] == "医師"
    assert df["text"].iloc[0] == " 連携不足 "


def test_empty_rows_skipped_and_counted(tmp_path):
    rows = [("1班", "医師", "連携不足"), ("", "", ""), ("1班", "医師", "  "), ("2班", "保健師", "人手不足"),
            ("", "", ""), ("", "", "")]
    df = read_notes(_write(tmp_path, rows))
    rep = df.attrs["report"]
    assert df["source_row"].tolist() == [2, 5]
    assert rep.skipped_empty == 2 and rep.skipped_empty_rows == [3, 4]  # trailing empty rows are not gaps
    assert rep.n_rows == 4 and rep.n_notes == 2
    assert any("3 行目" in w for w in rep.warnings) and any("4 行目" in w for w in rep.warnings)
    assert "付箋 2 件" in rep.summary()


def test_multiline_cells_keep_spreadsheet_rows(tmp_path):
    rows = [("1班", "医師", "一行目\n二行目"), ("1班", "医師", "次の付箋")]
    df = read_notes(_write(tmp_path, rows))
    assert df["source_row"].tolist() == [2, 3] and df["text"].iloc[0] == "一行目\n二行目"


def test_duplicates_within_group_flagged_not_dropped(tmp_path):
    rows = [
        ("1班", "医師", "訪問看護が足りない"),
        ("1班", "保健師", "訪問看護が足りない"),       # exact duplicate (other profession)
        ("1班", "保健師", "訪問看護が足りない！！"),   # near: punctuation only
        ("1班", "MSW", "訪問看護が足りない "),       # exact once surrounding spaces are stripped
        ("2班", "医師", "訪問看護が足りない"),         # other group: not a duplicate
        ("1班", "医師", "訪問診療が足りない"),         # different enough
        ("1班", "医師", "訪問看護が足りない"),         # exact again, same triple as row 2
    ]
    df = read_notes(_write(tmp_path, rows))
    first = df["note_id"].iloc[0]
    assert df["duplicate_of"].tolist() == ["", first, "", first, "", "", first]
    assert df["near_duplicate_of"].tolist() == ["", "", first, "", "", "", ""]
    assert df["note_id"].is_unique and len(df) == len(rows)
    rep = df.attrs["report"]
    assert (rep.duplicates, rep.near_duplicates) == (3, 1)


def test_bigram_jaccard_known_answers():
    assert bigram_set("連携不足") == {"連携", "携不", "不足"}
    assert bigram_set("ＡＢ　c。") == {"ab", "bc"}
    assert bigram_set("あ") == {"あ"}
    assert jaccard(bigram_set("連携不足"), bigram_set("連携不足だ")) == 0.75


_SHORT = st.text(alphabet="あいうかきく連携不足訪問看護 。", min_size=0, max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["1", "2"]), _SHORT), max_size=40),
       st.sampled_from([0.5, 0.8, 1.0]))
def test_near_duplicates_match_brute_force(items, threshold):
    """Prefix filtering finds exactly what comparing every earlier pair finds."""
    groups = [g for g, _ in items]
    texts = [t for _, t in items]
    ids = [f"n{i}" for i in range(len(items))]
    dup_of, near_of = flag_duplicates(texts, groups, ids, threshold)
    for i in range(len(items)):
        earlier = [j for j in range(i) if groups[j] == groups[i]]
        exact = [j for j in earlier if texts[j].strip() == texts[i].strip()]
        assert dup_of[i] == (ids[exact[0]] if exact else "")
        if exact:
            assert near_of[i] == ""
            continue
        originals = [j for j in earlier
                     if not any(texts[k].strip() == texts[j].strip() for k in earlier if k < j)]
        a = bigram_set(texts[i])
        near = [j for j in originals if a and bigram_set(texts[j]) and jaccard(a, bigram_set(texts[j])) >= threshold]
        assert near_of[i] == (ids[near[0]] if near else "")


def test_skipped_rows_listed_are_capped_but_all_counted(tmp_path):
    from issuemine.ingest.report import LISTED_ROWS

    lines = ["内容", "連携不足"] + [""] * (LISTED_ROWS + 500) + ["短期入所が足りない"]
    path = tmp_path / "gaps.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    df = read_notes(path)
    rep = df.attrs["report"]
    assert len(df) == 2
    assert rep.skipped_empty == LISTED_ROWS + 500
    assert rep.skipped_empty_rows == list(range(3, 3 + LISTED_ROWS))
