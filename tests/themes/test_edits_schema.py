"""The edit list file's schema: every malformed line is a Japanese InputError naming the line and key."""

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from issuemine.edits import SCHEMA, append_edit, load_edits, parse_line, record_members, validate_edit
from issuemine.errors import InputError

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _load_text(tmp_path, text: str):
    p = tmp_path / "w.edits.jsonl"
    p.write_text(text, encoding="utf-8")
    return load_edits(p)


@pytest.mark.parametrize("line, key", [
    ('{"op": "rename", "theme": ["T01"], "label": "x"}', "theme"),
    ('{"op": "rename", "theme": "T01", "label": {"a": 1}}', "label"),
    ('{"op": "rename", "theme": "T01", "label": 3}', "label"),
    ('{"op": "move", "note": 17, "theme": "T01"}', "note"),
    ('{"op": "split", "theme": "T01", "notes": [1, 2]}', "notes"),
    ('{"op": "split", "theme": "T01", "notes": "N1"}', "notes"),
    ('{"op": "merge", "themes": ["T01", {"x": 1}]}', "themes"),
    ('{"op": "merge", "themes": ["T01", "T01"]}', "themes"),
    ('{"op": "merge", "themes": ["T01", "T02"], "members": [["N1"]]}', "members"),
    ('{"op": "merge", "themes": ["T01", "T02"], "members": [["N1"], [2]]}', "members"),
    ('{"op": "rename", "theme": "T01", "label": "x", "members": "N1"}', "members"),
    ('{"op": "rename", "theme": "T01", "label": "x", "members": []}', "members"),
    ('{"op": "zone", "note": "N1", "zones": ["H"]}', "zones"),
    ('{"op": "zone", "note": "N1", "zones": "Q"}', "zones"),
    ('{"op": ["rename"]}', "op"),
    ('{"op": "rename", "label": "x"}', "theme"),
    ('{"op": "rename", "theme": "T01", "label": "a\\u0000b"}', "label"),
    ('{"op": "rename", "theme": "T01", "label": "\\ud800"}', "label"),
])
def test_wrong_value_types_name_line_and_key(tmp_path, line, key):
    good = '{"op": "rename", "theme": "T01", "label": "名前"}\n'
    with pytest.raises(InputError) as e:
        _load_text(tmp_path, good + "\n" + line + "\n")
    assert e.value.row == 3 and e.value.column == key
    assert JAPANESE.search(e.value.message)
    assert "3行目" in str(e.value) and key in str(e.value)


@pytest.mark.parametrize("line", ["[" * 100_000 + "]" * 100_000, "{\"a\":" * 100_000, "[" * 100_000,
                                  "1" * 10_000, "[1, 2]", "\"text\"", "null", "{\"op\": \"rename\""])
def test_hostile_lines_are_input_errors(tmp_path, line):
    with pytest.raises(InputError) as e:
        _load_text(tmp_path, line + "\n")
    assert e.value.row == 1 and JAPANESE.search(e.value.message)


def test_extra_keys_are_kept_and_ignored(tmp_path):
    edits = _load_text(tmp_path, '{"op": "rename", "theme": "T01", "label": "x", "memo": "comment"}\n')
    assert edits == [{"op": "rename", "theme": "T01", "label": "x", "memo": "comment"}]


def test_not_utf8_is_an_input_error(tmp_path):
    p = tmp_path / "w.edits.jsonl"
    p.write_bytes('{"op": "rename", "theme": "T01", "label": "名前"}\n'.encode("cp932"))
    with pytest.raises(InputError):
        load_edits(p)


def test_record_members_and_round_trip(tmp_path):
    theme_of = {"N1": "T01", "N2": "T01", "N3": "T02", "N4": "T03"}
    rename = record_members({"op": "rename", "theme": "T01", "label": "連携"}, theme_of)
    merge = record_members({"op": "merge", "themes": ["T02", "T03"]}, theme_of)
    move = record_members({"op": "move", "note": "N4", "theme": "T01"}, theme_of)
    split = record_members({"op": "split", "theme": "T01", "notes": ["N2"]}, theme_of)
    assert rename["members"] == ["N1", "N2"] and merge["members"] == [["N3"], ["N4"]]
    assert move["members"] == ["N1", "N2"] and "members" not in split
    p = tmp_path / "w.edits.jsonl"
    for e in (rename, merge, move, split):
        append_edit(p, e)
    assert load_edits(p) == [rename, merge, move, split]
    # every line is plain readable JSON with sorted keys
    first = p.read_text(encoding="utf-8").splitlines()[0]
    assert first == json.dumps(rename, ensure_ascii=False, sort_keys=True) and "連携" in first


# -- property: whatever a line holds, loading gives edits or an InputError in Japanese ------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=12)
keys = sorted({k for keys in SCHEMA.values() for k in keys} | {"op"})
edit_like = st.builds(
    lambda op, fields: {"op": op, **fields},
    st.sampled_from(list(SCHEMA) + ["delete", ""]),
    st.dictionaries(st.sampled_from(keys), json_values | st.lists(st.text(min_size=1, max_size=12), max_size=3)
                    | st.lists(st.lists(st.text(min_size=1, max_size=5), max_size=2), max_size=3), max_size=5))
lines = st.one_of(edit_like.map(lambda e: json.dumps(e, ensure_ascii=False)),
                  json_values.map(json.dumps), st.text(max_size=40),
                  st.integers(1, 3000).map(lambda d: "[" * d + "]" * d))


@settings(max_examples=300, deadline=None)
@given(st.lists(lines, max_size=6))
def test_any_edit_list_loads_or_is_an_input_error_in_japanese(tmp_path_factory, generated):
    p = tmp_path_factory.mktemp("edits") / "w.edits.jsonl"
    p.write_text("\n".join(generated) + "\n", encoding="utf-8", errors="surrogatepass")
    try:
        edits = load_edits(p)
    except InputError as exc:
        assert JAPANESE.search(exc.message) and exc.file is not None
        return
    for e in edits:
        assert validate_edit(e) is e and e["op"] in SCHEMA


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_parse_line_never_raises_anything_but_input_error(value):
    try:
        parse_line(json.dumps(value), row=1)
    except InputError as exc:
        assert JAPANESE.search(exc.message)


@pytest.mark.parametrize("line, key", [
    ('{"op": "move", "note": 17, "theme": "T01"}', "note"),
    ('{"op": "rename", "theme": "T01", "label": ["名前"]}', "label"),
    ("[" * 100_000 + "]" * 100_000, None),
])
def test_analyze_with_a_hand_edited_list_says_which_line_and_key(tmp_path, capsys, line, key):
    """Issue 12 item 5 through the real command: exit 2 and a Japanese message, no traceback, no note text."""
    from issuemine.cli.main import main

    src = tmp_path / "ws.csv"
    src.write_text("text\n秘密の付箋の本文\n短期入所が足りない\n", encoding="utf-8")
    (tmp_path / "ws.edits.jsonl").write_text('{"op": "rename", "theme": "T01", "label": "x"}\n' + line + "\n",
                                             encoding="utf-8")
    assert main(["analyze", str(src), "--out", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    assert "2行目" in captured.err and "ws.edits.jsonl" in captured.err
    if key:
        assert f"列「{key}」" in captured.err
    assert "Traceback" not in captured.err and "秘密" not in captured.err + captured.out
    assert not (tmp_path / "out").exists()


ids = st.sampled_from([f"N{i:04d}" for i in range(22)] + ["N-gone", "T01"])
themes = st.sampled_from(["T01", "T02", "T03", "T99"])
members = st.lists(ids, min_size=1, max_size=12)
valid_edits = st.one_of(
    st.builds(lambda t, m: {"op": "rename", "theme": t, "label": "名前", "members": m}, themes, members),
    st.builds(lambda t, m: {"op": "rename", "theme": t, "label": "旧形式"}, themes, members),
    st.builds(lambda ts, m: {"op": "merge", "themes": ts, "members": [m] * len(ts)},
              st.lists(themes, min_size=2, max_size=3, unique=True), members),
    st.builds(lambda t, ns: {"op": "split", "theme": t, "notes": ns, "label": "分けた"}, themes, members),
    st.builds(lambda n, t, m: {"op": "move", "note": n, "theme": t, "members": m}, ids, themes, members),
    st.builds(lambda n: {"op": "zone", "note": n, "zones": "HC"}, ids),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(valid_edits, max_size=6))
def test_any_valid_list_applies_without_error_and_reports_in_japanese(two_topic_result, edits):
    from issuemine.edits import apply_theme_edits

    for e in edits:
        validate_edit(e)
    new, messages = apply_theme_edits(two_topic_result, edits)
    outcomes = new.info["edits"]["outcomes"]
    assert len(outcomes) == sum(e["op"] != "zone" for e in edits)
    assert all(JAPANESE.search(m) for m in messages)
    assert set(new.assignments["theme_id"]) == set(new.themes["theme_id"])
    json.dumps(new.info, ensure_ascii=False, allow_nan=True)
