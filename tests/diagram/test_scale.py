"""The machinery that makes placement fast at scale gives what the plain, note-by-note machinery gives.

- the bulk lexicon matcher (``ZoneLexicon.signatures``: one Aho–Corasick pass, script classes as arrays)
  equals matching note by note (``signature``: the trie regex and the whole-word loop), on random strings
  built from lexicon words (hypothesis), and so do the placements of the labelled notes and the sample;
- the whole-word check (MeCab byte offsets, searched in a cached string) equals the earlier reading of
  MeCab's morphemes (kept here as the reference);
- label spreading over the rows the graph touches equals spreading over all rows;
- the search by cells (beyond ``max_candidates`` notes) finds nearly the exact neighbours, and on 20,000
  notes places nearly as the exact path does (measure and threshold below).
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from issuemine.diagram import ZoneLexicon, ZonePlacer, place_notes
from issuemine.diagram.lexicon import NEGATING_PREFIXES, _WordBoundaries
from issuemine.diagram.neighbours import UnitRows, cell_neighbours, exact_neighbours, spread

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def lex():
    return ZoneLexicon()


def _pieces(lex):
    words = sorted(e.key for e in lex.entries)
    # letters of every script, the negating prefixes, Latin letters of both cases, spaces and punctuation
    fillers = ["の", "が", "で", "未", "非", "無", "不", "国内", "身", "学", "院", "師", "ー", "ステーション",
               "A", "b", "NICU", "nicu", "Ns", " ", "、", "。", "1", "24", "(", "ab"]
    return words, fillers


def _reference_signatures(lex, texts, normalized=False):
    return [lex.signature(t, normalized=normalized) for t in texts]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_bulk_matching_equals_note_by_note_matching(lex, data):
    words, fillers = _pieces(lex)
    piece = st.one_of(st.sampled_from(words), st.sampled_from(fillers),
                      st.text(alphabet="病院在宅医療訪問看護家族制度未就学親子国支援相談員ケアマネ", max_size=3))
    texts = data.draw(st.lists(st.lists(piece, max_size=8).map("".join), min_size=1, max_size=12))
    texts += texts[: data.draw(st.integers(0, 3))]  # repeated notes are matched once
    if data.draw(st.booleans()):
        texts.append("病院\n訪問看護")  # a newline the normaliser would have removed
    fresh = ZoneLexicon()  # an empty window cache: the bulk path must not lean on the note-by-note one
    assert fresh.signatures(texts) == _reference_signatures(lex, texts)
    normalized = [lex.normalize(t) for t in texts]
    assert ZoneLexicon().signatures(normalized, normalized=True) == _reference_signatures(lex, normalized, True)


def test_bulk_matching_known_answers(lex):
    texts = ["未就学の子", "就学前の相談", "NICUからの退院調整", "訪問看護ステーションと訪問看護師", "", "国内の病院",
             "親身な対応", "ＮＩＣＵ", "訪看"]
    assert lex.signatures(texts) == _reference_signatures(lex, texts)
    assert "就学" not in lex.signatures(["未就学の子"])[0]
    odd = ["病院\n訪問看護", "ICUの看護師", "Straße の病院"]  # a newline; Latin letters; a letter whose case grows
    assert lex.signatures(odd, normalized=True) == _reference_signatures(lex, odd, normalized=True)


def test_without_ahocorasick_the_regex_gives_the_same(lex, monkeypatch):
    texts = [t for t in (ROOT / "tests" / "diagram" / "labelled_notes.tsv").read_text(encoding="utf-8").split("\n")]
    plain = ZoneLexicon()
    plain._automaton = None  # as if ahocorasick-rs were not installed
    assert plain.signatures(texts) == lex.signatures(texts) == _reference_signatures(lex, texts)


def _reference_cuts(tagger_lines: str, window: str):
    """The earlier reading of MeCab's output (surface<TAB>pos1 per line): morpheme ends and prefixes."""
    cuts, prefix_at, pos = {0}, {}, 0
    for line in tagger_lines.split("\n"):
        if not line:
            continue
        surface, _, pos1 = line.partition("\t")
        at = window.find(surface, pos)
        pos = (at if at >= 0 else pos) + len(surface)
        cuts.add(pos)
        if pos1 == "接頭辞":
            prefix_at[pos] = surface
    return cuts, prefix_at


@settings(max_examples=60, deadline=None)
@given(text=st.lists(st.sampled_from(["未", "非", "無", "不", "就学", "国", "内", "親", "身", "病院", "外来",
                                      "の", "に", "訪問", "看護", "師", " ", "ステーション", "A", "医療"]),
                     min_size=1, max_size=12).map("".join), data=st.data())
def test_whole_word_check_equals_the_earlier_reading(text, data):
    import fugashi
    import unidic_lite

    from issuemine.diagram.lexicon import _quote

    tagger = fugashi.GenericTagger(f'-r {_quote(unidic_lite.DICDIR, "mecabrc")} -d {_quote(unidic_lite.DICDIR)} '
                                   f'-O "" -F "%m\\t%f[0]\\n" -U "%m\\t%f[0]\\n" -E ""')
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    lo, hi = max(0, start - 10), min(len(text), end + 10)
    window = text[lo:hi]
    cuts, prefix_at = _reference_cuts(tagger.parse(window), window)
    want = (start - lo in cuts and end - lo in cuts and prefix_at.get(start - lo) not in NEGATING_PREFIXES)
    assert _WordBoundaries().whole(text, start, end) == want


def test_placements_equal_note_by_note_matching(labelled, heldout, monkeypatch):
    sample = pd.read_csv(ROOT / "workshops" / "sample" / "notes.csv")
    notes = pd.concat([labelled[["note_id", "text"]], heldout[["note_id", "text"]],
                       pd.DataFrame({"note_id": [f"S{i}" for i in range(len(sample))],
                                     "text": sample[sample.columns[-1]].astype(str)})], ignore_index=True)
    bulk = place_notes(notes)
    monkeypatch.setattr(ZoneLexicon, "signatures",
                        lambda self, texts, normalized=False: [self.signature(t, normalized=normalized)
                                                               for t in texts])
    one_by_one = place_notes(notes)
    assert bulk.to_csv(index=False) == one_by_one.to_csv(index=False)


def _spread_all_rows(rows, cols, sims, n, seed_labels, targets, n_classes, alpha, max_iter):
    """Reference: the spreading over the graph of all ``n`` rows (as before the touched-rows version)."""
    from scipy import sparse

    out = np.zeros((len(targets), n_classes))
    if len(rows) == 0:
        return out
    w = sparse.csr_matrix((sims, (rows, cols)), shape=(n, n))
    w = w.maximum(w.T)
    deg = np.asarray(w.sum(axis=1)).ravel()
    inv = np.where(deg > 0, 1.0 / np.sqrt(np.where(deg > 0, deg, 1.0)), 0.0)
    s = (sparse.diags(inv) @ w @ sparse.diags(inv)).tocsr()
    y = np.zeros((n, n_classes))
    labelled = np.flatnonzero(seed_labels >= 0)
    y[labelled, seed_labels[labelled]] = 1.0
    f = y.copy()
    for _ in range(max_iter):
        nxt = alpha * (s @ f) + (1 - alpha) * y
        done = np.abs(nxt - f).max() < 1e-9
        f = nxt
        if done:
            break
    return f[targets]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 60), d=st.integers(2, 4))
def test_spreading_over_touched_rows_equals_all_rows(seed, n, d):
    rng = np.random.default_rng(seed)
    x = UnitRows(rng.normal(size=(n, d)))
    labels = np.where(rng.random(n) < 0.5, rng.integers(0, 3, n), -1)
    targets = np.flatnonzero(labels < 0)
    pool = np.flatnonzero(rng.random(n) < 0.6)
    rows, cols, sims = exact_neighbours(x, targets, pool, 3, 0.2)
    got = spread(rows, cols, sims, n, labels, targets, 3, alpha=0.6, max_iter=50)
    want = _spread_all_rows(rows, cols, sims, n, labels, targets, 3, 0.6, 50)
    assert np.array_equal(got, want)


def _clustered(n, d, centres, seed):
    rng = np.random.default_rng(seed)
    c = rng.normal(size=(centres, d))
    return (c[rng.integers(0, centres, n)] + 0.6 * rng.normal(size=(n, d))).astype(np.float32)


def test_search_by_cells_finds_nearly_the_exact_neighbours():
    x = UnitRows(_clustered(6000, 48, 40, seed=1))
    queries, pool = np.arange(0, 6000, 4), np.setdiff1d(np.arange(6000), np.arange(0, 6000, 4))
    exact = set(zip(*(a.tolist() for a in exact_neighbours(x, queries, pool, 7, 0.3)[:2])))
    rows, cols, sims = cell_neighbours(x, queries, pool, 7, 0.3, cell_size=128, n_probe=4)
    found = set(zip(rows.tolist(), cols.tolist()))
    assert len(found & exact) / len(exact) >= 0.9  # recall of the true 7 neighbours (measured 0.96)
    assert np.all(np.diff(rows) >= 0) and not set(cols.tolist()) & set(queries.tolist())
    np.testing.assert_allclose(sims, np.einsum("ij,ij->i", x[rows], x[cols]), atol=1e-5)
    every = cell_neighbours(x, queries, pool, 7, 0.3, cell_size=128, n_probe=10**6)  # every cell: exact
    assert set(zip(every[0].tolist(), every[1].tolist())) == exact


def test_identical_vectors_are_searched_once_with_the_same_answer():
    base = _clustered(3000, 16, 12, seed=2)
    raw = np.vstack([base, base[:500]])  # rows 3000-3499 repeat rows 0-499
    x = UnitRows(raw)
    queries = np.r_[np.arange(0, 500), np.arange(3000, 3500)]
    pool = np.arange(500, 3000)
    same = np.r_[np.arange(500), np.arange(500)]
    a = cell_neighbours(x, queries, pool, 5, 0.3, same=same)
    b = cell_neighbours(x, queries, pool, 5, 0.3)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))


@pytest.mark.slow
def test_twenty_thousand_notes_at_scale_place_nearly_as_the_exact_path():
    """Issue 15's check: 20,000 notes (pairs of halves of the labelled and sample notes, as
    bench/themes_scale.py makes them) with 48-d TF-IDF+SVD vectors of their terms. The path beyond
    ``max_candidates`` (forced here with max_candidates=5000: seeds-only neighbours, a seeded sample of
    5,000 seeds, searched by cells) against the exact path (``max_candidates=None``: every note a
    candidate, all searched). Measure: the share of notes given the same region. Lexicon placements are
    the same by construction; the difference is in the inferred notes."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    sample = pd.read_csv(ROOT / "workshops" / "sample" / "notes.csv")
    texts = sample[sample.columns[-1]].astype(str).tolist()
    rnd = random.Random(0)
    joined = []
    for _ in range(20000):
        a, b = rnd.choice(texts), rnd.choice(texts)
        joined.append(a[: max(1, len(a) // 2)] + b[len(b) // 2:])
    notes = pd.DataFrame({"note_id": [f"N{i}" for i in range(len(joined))], "text": joined})
    tfidf = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True).fit_transform(joined)
    vectors = TruncatedSVD(48, random_state=0).fit_transform(tfidf).astype(np.float32)
    exact = place_notes(notes, vectors=vectors, placer=ZonePlacer(max_candidates=None))
    approx = place_notes(notes, vectors=vectors, placer=ZonePlacer(max_candidates=5000))
    sampled = place_notes(notes, vectors=vectors, placer=ZonePlacer(max_candidates=5000, n_probe=None))
    lexicon_placed = ~exact["zone_inferred"] & (exact["zones"] != "X")
    assert (approx["zones"][lexicon_placed] == exact["zones"][lexicon_placed]).all()
    same = (approx["zones"] == exact["zones"]).mean()
    cells_vs_all = (approx["zones"] == sampled["zones"]).mean()
    # measured 0.907 (2,047 notes inferred by the exact path, 1,175 here: links between unplaced notes,
    # which relay labels, are given up at scale) and 0.980 against the same seeds searched exhaustively
    assert same >= 0.88, same
    assert cells_vs_all >= 0.96, cells_vs_all
