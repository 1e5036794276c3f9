"""Term frequency table and keyword-in-context concordance over a Series of notes."""

from __future__ import annotations

from issuemine.text.tokenizer import JapaneseTokenizer

TERM_TABLE_COLUMNS = ["term", "pos", "count", "notes"]
KWIC_COLUMNS = ["note_index", "left", "term", "right"]


def term_table(texts, tokenizer: JapaneseTokenizer | None = None):
    """Frequency of every feature term: ``DataFrame[term, pos, count, notes]``.

    ``count`` is the number of occurrences, ``notes`` the number of notes containing the term; ``pos`` is
    the most frequent part of speech the term came from (ties: alphabetical). Sorted by count descending,
    then term.
    """
    import pandas as pd

    tok = tokenizer if tokenizer is not None else JapaneseTokenizer()
    texts = list(texts)
    count: dict[str, int] = {}
    notes: dict[str, int] = {}
    for terms in tok.terms_many(texts):  # the exact features an analysis sees
        for term in terms:
            count[term] = count.get(term, 0) + 1
        for term in set(terms):
            notes[term] = notes.get(term, 0) + 1
    pos: dict[str, dict[str, int]] = {}
    for tokens in tok.tokens_many(texts):
        for t in tokens:
            if t.is_term:
                for term in {t.term, t.term.removesuffix("+否定")}:  # "both" mode emits the plain lemma too
                    by_pos = pos.setdefault(term, {})
                    by_pos[t.pos] = by_pos.get(t.pos, 0) + 1
    rows = []
    for term, n in count.items():
        by_pos = pos.get(term) or {"": 0}
        rows.append((term, min(by_pos, key=lambda p: (-by_pos[p], p)), n, notes[term]))
    rows.sort(key=lambda r: (-r[2], r[0]))
    df = pd.DataFrame(rows, columns=TERM_TABLE_COLUMNS)
    return df.astype({"term": "string", "pos": "string", "count": "Int64", "notes": "Int64"})


def kwic(texts, term: str, width: int = 20, tokenizer: JapaneseTokenizer | None = None):
    """Every occurrence of ``term`` with ``width`` characters of normalised context each side.

    ``term`` matches a token's feature (連携, 連携+否定), its lemma, base form or surface, after the same
    normalisation as the notes (so 訪看 finds 訪問看護, わかる finds わからない). ``note_index`` is the
    Series' index label (0, 1, … for a list).
    """
    import pandas as pd

    tok = tokenizer if tokenizer is not None else JapaneseTokenizer()
    if not term or not term.strip():
        raise ValueError("kwic needs a non-empty term")
    tok.fit()
    wanted = {term, tok._normalize(term)}
    if not isinstance(texts, pd.Series):
        texts = pd.Series(list(texts))
    index = list(texts.index)
    rows = []
    for label, text in zip(index, list(texts)):
        tokens = tok.tokens(text)
        hits = [t for t in tokens
                if t.term in wanted or t.lemma in wanted or t.orth_base in wanted or t.surface in wanted]
        if not hits:
            continue
        norm = tok._normalize(text if isinstance(text, str) else "")
        for t in hits:
            rows.append((label, norm[max(0, t.start - width):t.start], norm[t.start:t.end],
                         norm[t.end:t.end + width]))
    df = pd.DataFrame(rows, columns=KWIC_COLUMNS)
    return df.astype({"left": "string", "term": "string", "right": "string"})
