"""Scales: every spelling people use for a label maps to the same code; the shipped file is sound."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from issuemine.survey import load_scales

SCALES = load_scales()
LABELS = [(s.scale_id, label, v) for s in SCALES for v, label in s.labels.items()]
WIDE = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}  # ASCII -> full width


def test_shipped_scales():
    u4, a5 = SCALES["understanding4"], SCALES["agreement5"]
    assert u4.labels == {4: "とてもわかる", 3: "わかる", 2: "わからない", 1: "まったくわからない"}
    assert u4.positive == {3, 4} and u4.middle is None
    assert a5.labels[5] == "そう思う" and a5.labels[3] == "どちらともいえない" and a5.positive == {4, 5}
    assert a5.middle == 3
    for s in SCALES:  # positive means the top two categories
        assert s.positive == set(sorted(s.labels)[-2:])


@settings(max_examples=200, deadline=None)
@given(which=st.sampled_from(LABELS), spaces=st.lists(st.sampled_from([" ", "\u3000", "\t"]), max_size=3),
       at=st.integers(0, 20), kanji=st.booleans(), wide=st.booleans())
def test_any_spelling_gives_the_same_code(which, spaces, at, kanji, wide):
    sid, label, value = which
    text = label
    if kanji:
        text = text.replace("わか", "分か").replace("まったく", "全く").replace("いえ", "言え")
    if wide:
        text = "".join(WIDE.get(ch, ch) for ch in text)
    pos = min(at, len(text))
    text = text[:pos] + "".join(spaces) + text[pos:]
    assert SCALES[sid].code(text) == value
    assert SCALES.detect([text]) is SCALES[sid]
    # and the code written as a number, in either width
    assert SCALES[sid].code(unicodedata.normalize("NFKC", str(value))) == value
    assert SCALES[sid].code(str(value).translate(str.maketrans(WIDE))) == value


def test_unknown_and_out_of_range():
    u4 = SCALES["understanding4"]
    assert u4.code("ふつう") is None and u4.code("5") is None and u4.code("2.5") is None
    assert SCALES.detect(["わかる", "そう思う"]) is None
