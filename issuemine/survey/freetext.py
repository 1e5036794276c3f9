"""Free-text answers: terms mentioned before vs after, and coding to themes when a theme model exists.

Counts are of respondents' answers mentioning a term (document frequency), not of occurrences, so one
long comment cannot outweigh the others. Text is never logged; only terms and counts leave this module.
"""

from __future__ import annotations

from typing import Callable, Sequence

TERM_COLUMNS = ["term", "n_pre", "n_post", "pct_pre", "pct_post"]
THEME_COLUMNS = ["theme", "n_pre", "n_post", "pct_pre", "pct_post"]
THEME_TABLE_COLUMNS = ["theme_id", "theme", "n_pre", "n_post", "pct_pre", "pct_post"]


def default_tokenizer():
    """The project's Japanese tokenizer (normalisation, compounds kept whole, negation kept)."""
    from issuemine.text import JapaneseTokenizer

    return JapaneseTokenizer()


def _frame(rows, columns):
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


def _counts(freetext, labels_per_answer: Sequence[Sequence[str]], columns, min_count: int):
    phases = list(freetext["phase"])
    totals = {"pre": phases.count("pre"), "post": phases.count("post")}
    counts: dict[str, dict[str, int]] = {}
    for phase, labels in zip(phases, labels_per_answer):
        for label in set(labels):
            counts.setdefault(label, {"pre": 0, "post": 0})[phase] += 1
    rows = []
    for label, c in counts.items():
        if c["pre"] + c["post"] >= min_count:
            rows.append((label, c["pre"], c["post"],
                         100.0 * c["pre"] / totals["pre"] if totals["pre"] else float("nan"),
                         100.0 * c["post"] / totals["post"] if totals["post"] else float("nan")))
    # most mentioned first; ties by the label so the order never depends on input order
    rows.sort(key=lambda r: (-(r[1] + r[2]), r[0]))
    return _frame(rows, columns)


def freetext_terms(freetext, tokenizer=None, *, min_count: int = 1):
    """Terms of the free-text answers with how many answers mention each before and after.

    ``freetext`` has at least the columns ``phase`` and ``text`` (SurveyResult.freetext).
    """
    if freetext is None or len(freetext) == 0:
        return _frame([], TERM_COLUMNS)
    tokenizer = tokenizer or default_tokenizer()
    terms = [tokenizer.terms(t) for t in freetext["text"]]
    return _counts(freetext, terms, TERM_COLUMNS, min_count)


def code_freetext(freetext, assign_fn: Callable[[list[str]], Sequence], *, min_count: int = 1):
    """Which themes the free-text answers mention, before vs after.

    ``assign_fn(texts)`` is the hook for a theme model (issue 3): given the answers' texts it returns, for
    each, a theme label, a list of labels, or None/"" when no theme fits.
    """
    if freetext is None or len(freetext) == 0:
        return _frame([], THEME_COLUMNS)
    assigned = list(assign_fn(list(freetext["text"])))
    if len(assigned) != len(freetext):
        raise ValueError("assign_fn must return one entry per text")
    labels = [[] if not a else [a] if isinstance(a, str) else [x for x in a if x] for a in assigned]
    return _counts(freetext, labels, THEME_COLUMNS, min_count)


def theme_assigner(theme_result) -> Callable[[list[str]], list[str]]:
    """``assign_fn`` for :func:`code_freetext` from a fitted ``ThemeResult``: the theme id of each text
    (nearest theme, codebook seeds first; "" when no theme fits — see issuemine.themes.assign)."""
    def assign(texts: list[str]) -> list[str]:
        return list(theme_result.assign(texts)["theme_id"])

    return assign


def freetext_themes(freetext, theme_result, *, min_count: int = 1):
    """Which themes of ``theme_result`` the free-text answers mention, before vs after.

    Columns THEME_TABLE_COLUMNS: the theme id, its label, answers mentioning it per phase and their share
    of the phase's answers. Answers that fit no theme are counted in no row.
    """
    import pandas as pd

    labels: dict[str, str] = {}

    def assign(texts: list[str]) -> list[str]:
        table = theme_result.assign(texts)
        labels.update(zip(table["theme_id"], table["theme_label"]))
        return list(table["theme_id"])

    coded = code_freetext(freetext, assign, min_count=min_count)
    out = coded.rename(columns={"theme": "theme_id"})
    out.insert(1, "theme", [labels.get(t, "") for t in out["theme_id"]])
    return pd.DataFrame(out, columns=THEME_TABLE_COLUMNS).reset_index(drop=True)
