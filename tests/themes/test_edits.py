import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from issuemine.edits import append_edit, apply_theme_edits, edits_path_for, load_edits
from issuemine.errors import InputError


def test_edits_path_is_beside_the_workshop(tmp_path):
    assert edits_path_for(tmp_path / "notes.csv") == tmp_path / "notes.edits.jsonl"


def test_append_and_load_round_trip(tmp_path):
    p = tmp_path / "w.edits.jsonl"
    assert load_edits(p) == []
    edits = [{"op": "rename", "theme": "T01", "label": "ショートステイ不足"},
             {"op": "merge", "themes": ["T01", "T02"]},
             {"op": "move", "note": "N0001", "theme": "T02"},
             {"op": "zone", "note": "N0001", "zones": "HC"}]
    for e in edits:
        append_edit(p, e)
    assert load_edits(p) == edits
    assert not list(tmp_path.glob("*.tmp"))  # the atomic write left nothing behind


def test_malformed_edit_names_file_and_line(tmp_path):
    p = tmp_path / "w.edits.jsonl"
    p.write_text('{"op": "rename", "theme": "T01", "label": "x"}\n{"op": "merge", "themes": "T01"}\n',
                 encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_edits(p)
    assert e.value.row == 2 and e.value.column == "themes"
    p.write_text('{"op": "rename",\n', encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_edits(p)
    assert e.value.row == 1


def test_rename_merge_split_move(two_topic_result):
    r = two_topic_result
    a = r.assignments
    t_short, t_school = a["theme_id"][0], a["theme_id"][12]
    edits = [
        {"op": "rename", "theme": t_short, "label": "短期入所が足りない"},
        {"op": "split", "theme": t_school, "notes": ["N0010", "N0011"], "label": "看護師の配置"},
        {"op": "move", "note": "N0019", "theme": t_short},
    ]
    new, report = apply_theme_edits(r, edits)
    assert report == []
    na = new.assignments.set_index("note_id")
    labels = dict(zip(new.themes["theme_id"], new.themes["label"]))
    assert labels[t_short] == "短期入所が足りない"
    split_id = na.loc["N0010", "theme_id"]
    assert split_id not in (t_short, t_school) and na.loc["N0011", "theme_id"] == split_id
    assert labels[split_id] == "看護師の配置"
    assert na.loc["N0019", "theme_id"] == t_short
    assert new.themes["label"].is_unique
    # the original result is untouched
    assert r.assignments.set_index("note_id").loc["N0019", "theme_id"] != t_short or a["theme_id"][19] == t_short
    merged, report = apply_theme_edits(new, [{"op": "merge", "themes": [t_school, split_id]}])
    assert report == [] and set(merged.assignments["theme_id"]) == {t_short, t_school}


def test_moving_notes_keeps_the_labels_the_facilitator_saw(two_topic_result):
    r = two_topic_result
    before = dict(zip(r.themes["theme_id"], r.themes["label"]))
    a = r.assignments
    t_short, t_school = a["theme_id"][0], a["theme_id"][12]
    moves = [{"op": "move", "note": nid, "theme": t_short}
             for nid, t in zip(a["note_id"], a["theme_id"]) if t == t_school][:4]
    moved, report = apply_theme_edits(r, moves)
    assert report == []
    assert dict(zip(moved.themes["theme_id"], moved.themes["label"])) == before


def test_stale_edits_are_reported_not_raised(two_topic_result):
    edits = [{"op": "rename", "theme": "T99", "label": "x"},
             {"op": "move", "note": "N9999", "theme": "T01"},
             {"op": "merge", "themes": ["T01", "T98"]},
             {"op": "split", "theme": "T01", "notes": ["N9999"]}]
    new, report = apply_theme_edits(two_topic_result, edits)
    assert len(report) == 4
    assert "T99" in report[0] and "N9999" in report[1] and "T98" in report[2]
    assert all(r.startswith("手直し") for r in report)
    assert new.assignments["theme_id"].tolist() == two_topic_result.assignments["theme_id"].tolist()


def test_edits_reapply_after_a_rerun(two_topics, tokenizer, tmp_path):
    from issuemine.themes import ThemeModel

    p = tmp_path / "w.edits.jsonl"
    first = ThemeModel(n_themes=2, codebook=False, tokenizer=tokenizer, n_resamples=2).fit(two_topics)
    append_edit(p, {"op": "rename", "theme": "T01", "label": "名前を付け直したテーマ"})
    again = ThemeModel(n_themes=2, codebook=False, tokenizer=tokenizer, n_resamples=2).fit(two_topics)
    new, report = apply_theme_edits(again, load_edits(p))
    assert report == []
    assert first.assignments["theme_id"].tolist() == again.assignments["theme_id"].tolist()
    assert "名前を付け直したテーマ" in set(new.themes["label"])


ops = st.one_of(
    st.builds(lambda t, l: {"op": "rename", "theme": t, "label": l},
              st.sampled_from(["T01", "T02", "T03", "T09"]), st.sampled_from(["連携", "学校", "不足", "連携"])),
    st.builds(lambda ts: {"op": "merge", "themes": ts},
              st.lists(st.sampled_from(["T01", "T02", "T03", "T09"]), min_size=2, max_size=3, unique=True)),
    st.builds(lambda t, ns: {"op": "split", "theme": t, "notes": ns},
              st.sampled_from(["T01", "T02", "T03"]),
              st.lists(st.sampled_from([f"N{i:04d}" for i in range(22)]), min_size=1, max_size=5)),
    st.builds(lambda n, t: {"op": "move", "note": n, "theme": t},
              st.sampled_from([f"N{i:04d}" for i in range(22)]), st.sampled_from(["T01", "T02", "T03", "T09"])),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(ops, max_size=8))
def test_any_edit_sequence_keeps_every_note_themed_and_labels_unique(two_topic_result, edits):
    new, report = apply_theme_edits(two_topic_result, edits)
    a = new.assignments
    assert len(a) == 20 and a["theme_id"].notna().all() and (a["theme_id"] != "").all()
    assert new.themes["label"].is_unique
    assert new.themes["size"].sum() == 20
    assert set(a["theme_id"]) == set(new.themes["theme_id"])
    assert all(isinstance(r, str) and r for r in report)
    json.dumps(new.info, ensure_ascii=False, default=str)
