"""Properties: swapping phases mirrors the result, labels = codes, row order is irrelevant."""

from __future__ import annotations

import math
import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from issuemine.survey import compare_items, read_answers
from issuemine.survey.compare import DOWN, SAME, UP

from .survey_helpers import A5, U4, long_rows, write_csv

P_COLUMNS = ["wilcoxon_p", "mcnemar_p", "mannwhitney_p", "fisher_p", "p_holm", "p_holm_positive"]
FLIP = {UP: DOWN, DOWN: UP, SAME: SAME}


def answers_for(k: int):
    value = st.one_of(st.none(), st.integers(1, k)) if k else st.integers(1, 4)
    pair = st.tuples(value, value)
    return st.dictionaries(st.sampled_from(["制度", "手技", "連携"]), st.lists(pair, min_size=8, max_size=8),
                           min_size=1, max_size=3)


def _present(data) -> bool:
    """Each phase of each item has at least one answer (else reading rightly refuses the file)."""
    return all(any(p[k] is not None for p in pairs) for pairs in data.values() for k in (0, 1))


def _same(a, b) -> bool:
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)


def _read(rows_header, name, **kw):
    header, rows = rows_header
    with tempfile.TemporaryDirectory() as d:
        return read_answers(write_csv(Path(d) / name, header, rows), **kw)


settings.register_profile("survey", max_examples=30, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])


@settings(settings.get_profile("survey"))
@given(data=answers_for(4), ids=st.booleans(), exact=st.booleans())
def test_swapping_before_and_after_mirrors(data, ids, exact):
    if not _present(data):
        return
    res = compare_items(_read(long_rows(data, ids=ids), "a.csv"), exact_ties=exact).items
    swapped = {it: [(b, a) for a, b in pairs] for it, pairs in data.items()}
    rev = compare_items(_read(long_rows(swapped, ids=ids), "b.csv"), exact_ties=exact).items
    for i in range(len(res)):
        for c in P_COLUMNS:
            assert _same(res.loc[i, c], rev.loc[i, c]), c
        assert rev.loc[i, "direction"] == FLIP[res.loc[i, "direction"]]
        for c in ("z", "rank_biserial"):
            assert _same(res.loc[i, c], -rev.loc[i, c]), c
        assert res.loc[i, "n_only_pre"] == rev.loc[i, "n_only_post"]


@settings(settings.get_profile("survey"))
@given(data=answers_for(5), five=st.booleans())
def test_labels_and_codes_give_identical_results(data, five):
    if not _present(data):
        return
    labels, scale = (A5, "agreement5") if five else ({k: v for k, v in U4.items()}, "understanding4")
    data = {it: [tuple(None if v is None or v not in labels else v for v in p) for p in pairs]
            for it, pairs in data.items()}
    if not _present(data):
        return
    by_label = compare_items(_read(long_rows(data, labels=labels), "l.csv")).items
    by_code = compare_items(_read(long_rows(data, labels=None), "n.csv", scale=scale)).items
    assert by_label.equals(by_code)


@settings(settings.get_profile("survey"))
@given(data=answers_for(4), seed=st.integers(0, 10_000))
def test_row_order_changes_nothing(data, seed):
    if not _present(data):
        return
    header, rows = long_rows(data)
    ref = compare_items(_read((header, rows), "a.csv"))
    shuffled = rows[:]
    random.Random(seed).shuffle(shuffled)
    res = compare_items(_read((header, shuffled), "b.csv"))
    assert res.items.equals(ref.items)
    assert res.info["pairing"] == ref.info["pairing"]
