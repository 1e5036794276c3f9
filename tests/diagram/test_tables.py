import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from issuemine.diagram.tables import zone_counts, zone_theme_table
from issuemine.diagram.zones import REGION_CODES, REGIONS


def placements(zones):
    return pd.DataFrame({"note_id": [f"N{i}" for i in range(len(zones))], "zones": zones,
                         "region": [REGIONS[z] for z in zones]})


def test_zone_counts_known_answer():
    t = zone_counts(placements(["H", "HC", "HC", "C", "HCS", "F", "X", "S"])).set_index("code")
    assert list(t.index) == list(REGION_CODES)
    assert t.loc["HC", "exclusive"] == 2 and t.loc["HC", "region"] == "病院∩地域"
    # an H∩C note counts for H and for C
    assert (t.loc["H", "membership"], t.loc["C", "membership"], t.loc["S", "membership"]) == (4, 4, 2)
    assert (t.loc["H", "exclusive"], t.loc["F", "membership"], t.loc["P", "membership"]) == (1, 1, 0)
    assert t.loc["H", "membership_share"] == pytest.approx(0.5)
    assert t.loc["HC", "exclusive_share"] == pytest.approx(0.25)
    assert pd.isna(t.loc["HC", "membership"])


def test_zone_counts_japanese_headings_and_empty():
    t = zone_counts(placements([]), japanese=True)
    assert list(t.columns) == ["記号", "領域", "件数", "割合", "延べ件数", "延べ割合"]
    assert t["件数"].sum() == 0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(REGION_CODES), min_size=1, max_size=60))
def test_zone_counts_invariants(zones):
    t = zone_counts(placements(zones)).set_index("code")
    assert t["exclusive"].sum() == len(zones)
    assert t["exclusive_share"].sum() == pytest.approx(1.0)
    for z in "HCSFPX":
        assert t.loc[z, "membership"] == sum(z in s for s in zones)
    assert t.loc[list("HCS"), "membership"].sum() == sum(len(s) for s in zones if s not in "FPX")


def test_zone_theme_table_known_answer():
    pl = placements(["H", "HC", "C", "F", "CS"])
    asg = pd.DataFrame({"note_id": pl["note_id"], "theme_id": ["T02", "T01", "T01", "T02", "T01"],
                        "theme_label": ["連携", "短期入所", "短期入所", "連携", "短期入所"]})
    t = zone_theme_table(pl, asg)
    assert t["theme_id"].tolist() == ["T01", "T02"]
    assert t.iloc[0][["H", "C", "S", "F", "P", "X", "total"]].tolist() == [1, 3, 1, 0, 0, 0, 3]
    assert t.iloc[1][["H", "C", "S", "F", "P", "X", "total"]].tolist() == [1, 0, 0, 1, 0, 0, 2]
    r = zone_theme_table(pl, asg, by="region", japanese=True)
    assert list(r.columns[:2]) == ["テーマID", "テーマ"] and r.columns[-1] == "計"
    assert r.iloc[0][["病院∩地域", "地域", "地域∩相談支援", "病院", "計"]].tolist() == [1, 1, 1, 0, 3]
    with pytest.raises(ValueError):
        zone_theme_table(pl, asg, by="nope")
