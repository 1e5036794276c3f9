"""Words for people: answers on a scale, medians with their scale words, keywords and parts of speech.

``labels`` is a scale's {value: label} (keys may be ints or the strings survey.json stores).
"""

from __future__ import annotations

import math

from issuemine.present.numbers import MISSING, _float, number

# UniDic's first part-of-speech level is already a plain word (名詞, 動詞 …); compounds and our own tags too.
POS_PLAIN = {"": "", "複合語": "名詞", "compound": "名詞"}


def _label(labels: dict | None, value: int) -> str | None:
    if not labels:
        return None
    return labels.get(value, labels.get(str(value)))


def scale_word(value, labels: dict | None) -> str:
    """The words of a scale value: 3 → 「わかる」, 2.5 → 「わからない〜わかる」 (between two answers)."""
    x = _float(value)
    if x is None:
        return ""
    if float(x).is_integer():
        return _label(labels, int(x)) or ""
    lo, hi = _label(labels, math.floor(x)), _label(labels, math.ceil(x))
    return f"{lo}〜{hi}" if lo and hi else ""


def median(value, labels: dict | None = None) -> str:
    """「3(わかる)」; the number alone when the scale has no word for it."""
    x = _float(value)
    if x is None:
        return MISSING
    word = scale_word(x, labels)
    return f"{number(x, 1)}({word})" if word else number(x, 1)


def median_change(before, after, labels: dict | None = None) -> str:
    """「2 → 3(わからない → わかる)」."""
    b, a = _float(before), _float(after)
    if b is None and a is None:
        return MISSING
    nums = f"{number(b, 1) if b is not None else MISSING} → {number(a, 1) if a is not None else MISSING}"
    wb, wa = scale_word(b, labels), scale_word(a, labels)
    return f"{nums}({wb or MISSING} → {wa or MISSING})" if (wb or wa) else nums


def keywords(value, k: int = 5, sep: str = "・") -> str:
    """Key terms without their weights: 「退院:0.220 / 連携:0.180」 → 「退院・連携」."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, (list, tuple)):
        parts = [str(t[0] if isinstance(t, (list, tuple)) else t) for t in value]
    else:
        parts = [p.strip() for p in str(value).split(" / ")]
    out = []
    for p in parts:
        term = p.rsplit(":", 1)[0] if ":" in p and _float(p.rsplit(":", 1)[1]) is not None else p
        if term and term not in out:
            out.append(term)
    return sep.join(out[:k])


def pos_plain(pos) -> str:
    """A UniDic part of speech as a plain word: 「名詞-普通名詞-一般」 → 「名詞」."""
    if pos is None or (isinstance(pos, float) and pos != pos):
        return ""
    text = str(pos)
    if text in POS_PLAIN:
        return POS_PLAIN[text]
    return text.split("-", 1)[0]


def short_text(text, limit: int = 24) -> str:
    """A note shortened for a one-line mention (edit history): the first ``limit`` characters and 「…」."""
    if text is None:
        return ""
    s = " ".join(str(text).split())
    return s if len(s) <= limit else s[:limit] + "…"
