import pytest
from hypothesis import given
from hypothesis import strategies as st

from issuemine.diagram import REGIONS
from issuemine.diagram.zones import REGION_BY_NAME, canonical_zones, members, region_name, zones_of


def test_region_names_are_the_diagram_s():
    assert REGIONS == {
        "H": "病院", "C": "地域", "S": "相談支援", "HC": "病院∩地域", "HS": "病院∩相談支援",
        "CS": "地域∩相談支援", "HCS": "病院∩地域∩相談支援", "F": "家族・本人", "P": "制度・政策", "X": "未分類",
    }


@pytest.mark.parametrize("raw, expected", [
    ("H", "H"), ("ch", "HC"), ("SCH", "HCS"), ("H∩C", "HC"), ("C, S", "CS"), ("病院∩地域", "HC"),
    ("地域・相談支援", "CS"), ("家族・本人", "F"), (" p ", "P"), ("x", "X"), ("病院", "H"),
])
def test_canonical_zones_known_answers(raw, expected):
    assert canonical_zones(raw) == expected


@pytest.mark.parametrize("raw", ["", "HF", "FP", "Q", "H2", "病棟", None, 3])
def test_canonical_zones_rejects(raw):
    with pytest.raises(ValueError):
        canonical_zones(raw)


@given(st.sets(st.sampled_from("HCS"), min_size=1), st.randoms(use_true_random=False), st.booleans())
def test_any_order_and_case_gives_the_canonical_string(letters, rnd, lower):
    spelled = list(letters)
    rnd.shuffle(spelled)
    raw = "".join(spelled)
    code = canonical_zones(raw.lower() if lower else raw)
    assert code == "".join(z for z in "HCS" if z in letters)
    assert members(code) == frozenset(letters)
    assert REGION_BY_NAME[region_name(code)] == code
    assert canonical_zones(region_name(code)) == code
    assert zones_of(letters) == code


def test_zones_of_outside_and_empty():
    assert zones_of({"F"}) == "F"
    assert zones_of({"H", "F"}) == "H"  # core evidence wins over outside
    assert zones_of(set()) == "X"
