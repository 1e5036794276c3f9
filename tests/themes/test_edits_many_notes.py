"""move and zone edits naming several notes at once (one edit, so one undo in the app)."""

import pandas as pd
import pytest

from issuemine.diagram.place import apply_zone_edits
from issuemine.edits import append_edit, apply_theme_edits, load_edits, validate_edit
from issuemine.errors import InputError


def test_move_of_several_notes_equals_the_single_moves(two_topic_result):
    r = two_topic_result
    a = r.assignments
    t_short, t_school = a["theme_id"][0], a["theme_id"][12]
    chosen = [n for n, t in zip(a["note_id"], a["theme_id"]) if t == t_school][:3]
    many, report = apply_theme_edits(r, [{"op": "move", "notes": chosen, "theme": t_short}])
    one_by_one, report2 = apply_theme_edits(r, [{"op": "move", "note": n, "theme": t_short} for n in chosen])
    assert report == report2 == []
    pd.testing.assert_frame_equal(many.assignments, one_by_one.assignments)
    assert set(many.assignments.set_index("note_id").loc[chosen, "theme_id"]) == {t_short}


def test_move_of_several_notes_reports_the_missing_and_moves_the_rest(two_topic_result):
    r = two_topic_result
    t_short = r.assignments["theme_id"][0]
    moved, report = apply_theme_edits(r, [{"op": "move", "notes": ["N0019", "N-gone"], "theme": t_short}])
    assert len(report) == 1 and "1 枚がいまの付箋にない" in report[0]
    assert moved.assignments.set_index("note_id").loc["N0019", "theme_id"] == t_short


def test_notes_list_round_trips_and_is_validated(tmp_path):
    p = tmp_path / "w.edits.jsonl"
    edits = [{"op": "move", "notes": ["N0001", "N0002"], "theme": "T02"},
             {"op": "zone", "notes": ["N0001", "N0003"], "zones": "HC"}]
    for e in edits:
        append_edit(p, e)
    assert load_edits(p) == edits
    for bad in ({"op": "move", "notes": [], "theme": "T02"}, {"op": "zone", "notes": "N0001", "zones": "H"},
                {"op": "move", "notes": [1], "theme": "T02"}):
        with pytest.raises(InputError) as e:
            validate_edit(bad)
        assert e.value.column == "notes"
    with pytest.raises(InputError):
        validate_edit({"op": "move", "theme": "T02"})  # neither note nor notes


def test_zone_edit_for_several_notes():
    placements = pd.DataFrame({"note_id": ["N1", "N2", "N3"], "zones": ["H", "H", "X"],
                               "region": ["病院"] * 2 + ["未分類"], "zone_confidence": [0.5, 0.5, 0.1],
                               "zone_reason": ["", "", ""], "zone_inferred": [True, False, True]})
    warnings = apply_zone_edits(placements, [{"op": "zone", "notes": ["N1", "N3", "N9"], "zones": "CS"}])
    assert list(placements["zones"]) == ["CS", "H", "CS"] and not placements["zone_inferred"][0]
    assert len(warnings) == 1 and "N9" in warnings[0]
