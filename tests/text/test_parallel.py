"""Tokenizing many notes: compact id lists, chunking and worker processes give the single-process answer."""

import logging
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from issuemine.text import JapaneseTokenizer, parallel, worker
from issuemine.text.batch import IdLists, Morph, first_occurrence
from tests.text.test_tokenizer import any_text

SAMPLE = Path(__file__).resolve().parents[2] / "workshops" / "sample" / "notes.csv"
# empty, missing, control characters, negations, numbers with counters, compounds, abbreviations
TRICKY = ["", None, float("nan"), "\x00\x1f改行\r\nあり", "連携できない", "受け入れ先がない", "24時間対応がない",
          "訪看STと連携が取れていない", "週3回しか来ない", "何もできない", "担わないといけない", "ＡＢＣ ｶﾞ", "=1+1"]


@pytest.fixture(scope="module")
def tok():
    return JapaneseTokenizer().fit()


@pytest.fixture(scope="module")
def sample_texts():
    from issuemine.ingest import read_notes

    texts = read_notes(SAMPLE)["text"].tolist()
    return (texts * 4 + TRICKY) * 2  # repeats: later chunks meet words earlier chunks already numbered


def _shared():
    global _TOK
    if _TOK is None:
        _TOK = JapaneseTokenizer().fit()
    return _TOK


_TOK = None


def _offsetless(tokens):
    return [[Morph(t.surface, t.lemma, t.orth_base, t.pos, t.is_term, t.term) for t in toks] for toks in tokens]


@settings(max_examples=60, deadline=None)
@given(st.lists(any_text, max_size=30), st.integers(1, 7))
def test_chunked_equals_one_chunk_and_the_list_api(texts, chunk):
    tok = _shared()
    whole = parallel.run(tok, texts, "terms", n_jobs=1, texts_out=True, chunk=10**9)
    parts = parallel.run(tok, texts, "terms", n_jobs=1, texts_out=True, chunk=chunk)
    assert parts == whole
    assert whole.tolist() == tok.terms_many(texts, n_jobs=1)
    assert whole.texts == [tok._normalize(t) for t in texts]
    morphs = parallel.run(tok, texts, "morphs", n_jobs=1, chunk=chunk)
    assert morphs == parallel.run(tok, texts, "morphs", n_jobs=1, chunk=10**9)
    assert morphs.tolist() == _offsetless(tok.tokens_many(texts))
    # same term vocabulary, same order (negation="replace")
    assert morphs.terms() == IdLists(whole.indptr, whole.ids, whole.vocab)


def test_worker_processes_give_the_single_process_answer(tok, sample_texts):
    one = tok.term_ids(sample_texts, n_jobs=1, normalized=True)
    two = parallel.run(tok, sample_texts, "terms", n_jobs=2, texts_out=True, chunk=301)
    assert two == one
    assert two.tolist() == tok.terms_many(sample_texts, n_jobs=1)
    m_one = tok.morpheme_ids(sample_texts, n_jobs=1)
    m_two = parallel.run(tok, sample_texts, "morphs", n_jobs=2, chunk=257)
    assert m_two == m_one
    assert m_two.terms() == IdLists(one.indptr, one.ids, one.vocab)


def test_other_parameters_reach_the_workers(sample_texts):
    tok = JapaneseTokenizer(negation="both", keep_numbers=False, compound_method="merge")
    texts = sample_texts[:900]
    assert parallel.run(tok, texts, "terms", n_jobs=2, chunk=200).tolist() == tok.terms_many(texts, n_jobs=1)


def test_no_note_text_in_logs_or_stderr(tok, sample_texts, caplog, capfd):
    from issuemine import progress

    texts = [f"秘密の付箋{i}番、連携できない" for i in range(3000)]
    with caplog.at_level(logging.DEBUG):
        old = progress.EVERY
        try:
            progress.EVERY = 1000
            got = parallel.run(tok, texts, "terms", n_jobs=2, chunk=500)
        finally:
            progress.EVERY = old
    assert got.tolist() == tok.terms_many(texts, n_jobs=1)
    seen = caplog.text + "".join(capfd.readouterr())
    assert "形態素解析: 付箋 3,000 / 3,000 枚" in caplog.text
    assert "秘密" not in seen and "連携" not in seen


def test_falls_back_to_one_process_when_workers_cannot_start(tok, sample_texts, monkeypatch, caplog):
    def no_process():
        raise OSError("no processes here")

    monkeypatch.setattr(worker, "start", no_process)
    assert parallel.run(tok, sample_texts, "terms", n_jobs=2, chunk=300) == tok.term_ids(sample_texts, n_jobs=1)


def test_falls_back_when_a_worker_dies(tok, sample_texts, monkeypatch, caplog):
    import subprocess
    import sys

    def dying():  # a process that reads nothing and exits at once
        return subprocess.Popen([sys.executable, "-c", "pass"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    monkeypatch.setattr(worker, "start", dying)
    with caplog.at_level(logging.WARNING):
        got = parallel.run(tok, sample_texts, "terms", n_jobs=2, chunk=300)
    assert got == tok.term_ids(sample_texts, n_jobs=1)
    assert "1 つのプロセスでやり直します" in caplog.text


def test_a_failing_worker_names_only_the_error_type(tok, sample_texts):
    with pytest.raises(RuntimeError, match=r"^tokenizing failed in a worker process \(ValueError\)$"):
        parallel.run(tok, sample_texts, "no such kind", n_jobs=2, chunk=300)


def test_jobs_resolution(monkeypatch):
    monkeypatch.delenv(parallel.JOBS_ENV, raising=False)
    assert parallel.resolve_jobs(None, parallel.MIN_PARALLEL - 1) == 1
    assert parallel.resolve_jobs(None, 10**6) == parallel.available_cores()
    assert parallel.resolve_jobs(4, 5) == 1  # one chunk: no workers
    assert parallel.resolve_jobs(-1, 10**6) == parallel.available_cores()
    monkeypatch.setenv(parallel.JOBS_ENV, "1")
    assert parallel.resolve_jobs(None, 10**6) == 1


# -- IdLists --------------------------------------------------------------------------------------

lists_of_words = st.lists(st.lists(st.sampled_from(list("abcdefg")), max_size=6), max_size=12)


def _idlists(notes):
    index, vocab, ids, indptr = {}, [], [], [0]
    for note in notes:
        for w in note:
            ids.append(index.setdefault(w, len(index)))
            if len(vocab) < len(index):
                vocab.append(w)
        indptr.append(len(ids))
    return IdLists(np.array(indptr), np.array(ids, dtype=np.int32), vocab)


@settings(max_examples=100, deadline=None)
@given(lists_of_words, st.data())
def test_idlists_round_trip_and_matrices(notes, data):
    lists = _idlists(notes)
    assert lists.tolist() == notes and len(lists) == len(notes)
    m = lists.to_csr()
    for i, note in enumerate(notes):
        row = dict(zip(m[i].indices.tolist(), m[i].data.tolist()))
        assert {lists.vocab[k]: v for k, v in row.items()} == Counter(note)
    total = Counter(w for note in notes for w in note)
    assert dict(zip(lists.vocab, lists.counts().tolist())) == total
    df = Counter(w for note in notes for w in set(note))
    assert dict(zip(lists.vocab, lists.doc_freq().tolist())) == df
    rows = data.draw(st.lists(st.integers(0, max(0, len(notes) - 1)), max_size=8)) if notes else []
    assert lists.take(rows).tolist() == [notes[r] for r in rows]
    vowels = lists.remap(lambda w: w.upper() if w in "aeg" else None)
    assert vowels.tolist() == [[w.upper() for w in note if w in "aeg"] for note in notes]
    assert vowels == _idlists(vowels.tolist())  # first-occurrence order again


def test_first_occurrence_orders_by_first_use():
    ids, vocab = first_occurrence(np.array([2, 0, 2, 1]), ["a", "b", "c", "unused"])
    assert ids.tolist() == [0, 1, 0, 2] and vocab == ["c", "a", "b"]
