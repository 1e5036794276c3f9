"""The vectorised near-duplicate search finds exactly what comparing every earlier pair finds."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from issuemine.ingest import bigram_set, duplicates, flag_duplicates, jaccard, note_id, read_notes

SAMPLE = Path(__file__).resolve().parents[2] / "workshops" / "sample" / "notes.csv"


def brute_force(texts: list[str], groups: list[str], threshold: float) -> tuple[list[int], list[int]]:
    """Index of the earliest exact twin and of the earliest near twin among earlier originals, else −1."""
    dup, near = [-1] * len(texts), [-1] * len(texts)
    first: dict[tuple[str, str], int] = {}
    originals: dict[str, list[int]] = {}
    sets = [bigram_set(t) for t in texts]
    for i, (g, text) in enumerate(zip(groups, texts)):
        key = (g, text.strip())
        if key in first:
            dup[i] = first[key]
            continue
        first[key] = i
        earlier = originals.setdefault(g, [])
        if sets[i]:
            near[i] = next((j for j in earlier if sets[j] and jaccard(sets[i], sets[j]) >= threshold), -1)
        earlier.append(i)
    return dup, near


def _check(texts, groups, threshold):
    ids = [f"n{i}" for i in range(len(texts))]
    dup_of, near_of = flag_duplicates(texts, groups, ids, threshold)
    dup, near = brute_force(texts, groups, threshold)
    assert dup_of == [ids[j] if j >= 0 else "" for j in dup]
    assert near_of == [ids[j] if j >= 0 else "" for j in near]
    return near_of


# Any characters at all, so that normalising all texts in one call is checked against one by one
# (compatibility forms, combining marks, case folding that changes length, the joining character).
_ANY = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8)
_MIXED = st.text(alphabet="ｱｶﾞＡaAßẞ́e\u0301\x1f。 連携不足1１", max_size=8)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "a", "b"]), st.one_of(_ANY, _MIXED)), max_size=30),
       st.sampled_from([0.3, 0.5, 0.8, 1.0]))
def test_any_text_matches_brute_force(items, threshold):
    _check([t for _, t in items], [g for g, _ in items], threshold)


def _edited(rng: random.Random, text: str) -> str:
    """A note as another participant might write it: a character dropped, added or punctuation."""
    kind = rng.randrange(4)
    at = rng.randrange(len(text) + 1)
    if kind == 0 and len(text) > 1:
        return text[:at] + text[at + 1:]
    if kind == 1:
        return text[:at] + rng.choice("のがをに") + text[at:]
    if kind == 2:
        return text + rng.choice(["。", "！", "!!", "…", " "])
    return text


def _workshop_texts(n: int, seed: int) -> list[str]:
    """Notes made of halves of sample notes, 40 % of them light edits of an earlier one."""
    base = read_notes(SAMPLE)["text"].tolist()
    rng = random.Random(seed)
    texts: list[str] = []
    for _ in range(n):
        if texts and rng.random() < 0.4:
            texts.append(_edited(rng, rng.choice(texts)))
        else:
            a, b = rng.choice(base), rng.choice(base)
            texts.append(a[: len(a) // 2] + b[len(b) // 2:])
    return texts


def test_thousands_of_notes_in_one_group():
    """3,000 notes in one group (a one-column file), many of them light edits of one another."""
    texts = _workshop_texts(3000, seed=7)
    near_of = _check(texts, [""] * len(texts), 0.8)
    assert sum(map(bool, near_of)) > 300  # the search is exercised, not just the empty answer


def test_large_input_paths(monkeypatch):
    """The paths for many distinct characters (bigrams counted by sorting) and many groups (tokens
    renumbered densely) give the same flags."""
    monkeypatch.setattr(duplicates, "_DIRECT_CODES", 0)
    monkeypatch.setattr(duplicates, "_MAX_TOKENS", 0)
    texts = _workshop_texts(800, seed=3)
    groups = [str(i % 3) for i in range(len(texts))]
    near_of = _check(texts, groups, 0.8)
    assert sum(map(bool, near_of)) > 30


def test_compiled_scan_gives_the_numpy_candidates(monkeypatch):
    """The numba scan used for very large files finds exactly the pairs of the numpy path (checked
    against brute force too), for one group and for several, at several thresholds."""
    import numpy as np

    from issuemine.ingest import pairs_jit

    if not pairs_jit.available():
        import pytest

        pytest.skip("numba is not installed")
    texts = _workshop_texts(3000, seed=11)
    for groups, t in (([0] * len(texts), 0.8), ([i % 4 for i in range(len(texts))], 0.5)):
        monkeypatch.setattr(duplicates, "JIT_MIN_PAIRS", 10**18)
        plain = duplicates.near_matches(texts, groups, t)
        monkeypatch.setattr(duplicates, "JIT_MIN_PAIRS", 0)
        assert np.array_equal(duplicates.near_matches(texts, groups, t), plain)
    assert (plain >= 0).sum() > 100
    near_of = _check(texts[:1500], [""] * 1500, 0.8)  # the compiled path against brute force
    assert sum(map(bool, near_of)) > 100


def test_read_notes_ids_are_note_id_with_occurrences(tmp_path):
    """read_notes computes ids in one loop; they are note_id() with the occurrence of each triple."""
    path = tmp_path / "ws.csv"
    path.write_text("班,職種,内容\n1班,医師,連携不足\n1班,医師,連携不足\n2班,医師,連携不足\n1班,医師,連携不足\n",
                    encoding="utf-8")
    df = read_notes(path)
    assert df["note_id"].tolist() == [note_id("連携不足", "1班", "医師", 1), note_id("連携不足", "1班", "医師", 2),
                                      note_id("連携不足", "2班", "医師", 1), note_id("連携不足", "1班", "医師", 3)]
