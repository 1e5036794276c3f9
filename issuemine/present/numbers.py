"""Numbers for people: p values, percentages, effect sizes and scores written the way a report reads.

Rules (docs/present.md): p below 0.001 is 「< 0.001」, else three decimals (never 「0.000」); percentages
are whole numbers, with one decimal only where it separates two values that would otherwise look equal;
no 「-0」; effect sizes carry a word (小・中・大) with thresholds stated once (``EFFECT_NOTE``); scores such
as stability are shown as words (安定 / ふつう / 不安定) next to the number.

Pure Python (no numpy or pandas import): the app and the CLI import this cheaply. Missing values (None,
NaN, pandas NA) become ``MISSING``.
"""

from __future__ import annotations

import math

MISSING = "—"

# |r| thresholds for the words (Cohen 1988 for r); stated once, quoted wherever an effect is shown.
EFFECT_THRESHOLDS = ((0.5, "大"), (0.3, "中"), (0.1, "小"))
EFFECT_NONE = "ほとんどなし"
EFFECT_NOTE = "効果量 r の目安: 0.1 以上で小、0.3 以上で中、0.5 以上で大(0.1 未満はほとんどなし)。"

# Theme stability = mean best-match Jaccard between a theme and the groups of KMeans re-runs on 80 %
# subsamples (issuemine.themes.stability). Hennig's (2007) 0.75 / 0.6 are for re-running the *same* method on
# well-separated data; here even a KMeans partition of the same note vectors, scored the same way, reaches
# only 0.44 (sample) / 0.33 (homecare_dev) at the median and 0.74 / 0.60 at best, while the themes' notes
# shuffled score 0.07 / 0.12 (bench/stability_words.py; docs/present.md). So the words are set between those:
# 0.4 ≈ as clear as a typical group of that partition, below 0.2 ≈ not far above chance (要確認).
STABILITY_THRESHOLDS = ((0.4, "安定"), (0.2, "ふつう"))
STABILITY_LOW = "不安定"
STABILITY_NOTE = ("安定性は、付箋の8割を選び直して内容の近さだけで分け直したとき、そのテーマの付箋がどれだけ同じまとまりに"
                  "なるかの目安(0〜1)です。短い付箋では、内容だけで機械的に分けたまとまり自体もこの値が 0.3〜0.5 ほどにとどまり、"
                  "付箋をでたらめに入れかえると 0.1 前後になります。そのため 0.4 以上を安定、0.2 以上をふつう、0.2 未満を不安定"
                  "(付箋の中身を確かめたいテーマ)としています。コードブックのテーマは語で決まるので分析をやり直しても同じ"
                  "テーマになりますが、不安定なら、語は共通でも内容はばらついていることを表します。")
# A share of 0..1 (confidence of a theme or a zone placement) as a word.
CONFIDENCE_THRESHOLDS = ((0.7, "高い"), (0.4, "中くらい"))
CONFIDENCE_LOW = "低い"


def missing(v) -> bool:
    """None, NaN, pandas NA/NaT, an empty string or a template's undefined value (a key an older stored
    result does not have)."""
    if v is None:
        return True
    if any(c.__name__ == "Undefined" for c in type(v).__mro__):
        return True
    if isinstance(v, str):
        return v.strip() == ""
    try:
        if v != v:  # NaN
            return True
    except TypeError:  # pandas NA refuses comparison to bool
        return True
    return type(v).__name__ in ("NAType", "NaTType")


def _float(v) -> float | None:
    if missing(v) or isinstance(v, bool):
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) or math.isinf(x) else x


def number(v, digits: int = 2, *, strip: bool = True) -> str:
    """A number rounded to ``digits`` decimals, never 「-0」; ``strip`` drops trailing zeros (2.50 → 2.5)."""
    x = _float(v)
    if x is None:
        return MISSING
    text = f"{x:.{max(digits, 0)}f}"
    if strip and "." in text:
        text = text.rstrip("0").rstrip(".")
    if float(text) == 0:  # -0, -0.00 → 0, 0.00
        text = text.lstrip("-")
    return text


def integer(v) -> str:
    x = _float(v)
    return MISSING if x is None else str(int(round(x)) or 0)


def p_value(p) -> str:
    """「< 0.001」 or three decimals (0.035); 「—」 when there is no test."""
    x = _float(p)
    if x is None:
        return MISSING
    if x < 0.001:
        return "< 0.001"
    return f"{min(x, 1.0):.3f}"


def p_text(p) -> str:
    """「p < 0.001」 / 「p = 0.035」 for sentences."""
    shown = p_value(p)
    if shown == MISSING:
        return "検定なし"
    return "p " + shown if shown.startswith("<") else "p = " + shown


def percent(v, decimals: int = 0, *, share: bool = False) -> str:
    """A percentage (0..100, or 0..1 with ``share=True``) as 「92%」."""
    x = _float(v)
    if x is None:
        return MISSING
    if share:
        x *= 100.0
    return number(x, decimals, strip=False) + "%"


def percents(*values, share: bool = False) -> list[str]:
    """Several percentages shown together: whole numbers, or one decimal when whole numbers would make two
    different values look the same (91.7 and 91.9 → 「91.7%」「91.9%」)."""
    xs = [_float(v) for v in values]
    if share:
        xs = [None if x is None else 100.0 * x for x in xs]
    real = [x for x in xs if x is not None]
    decimals = 0
    for i, a in enumerate(real):
        for b in real[i + 1:]:
            if a != b and round(a) == round(b):
                decimals = 1
    return [MISSING if x is None else percent(x, decimals) for x in xs]


def effect_word(r) -> str:
    """小・中・大 (or ほとんどなし) for an effect size r; 「—」 when there is none."""
    x = _float(r)
    if x is None:
        return MISSING
    for limit, word in EFFECT_THRESHOLDS:
        if abs(x) >= limit:
            return word
    return EFFECT_NONE


def effect(r, digits: int = 2) -> str:
    """「0.45(中)」: the size with its word."""
    x = _float(r)
    if x is None:
        return MISSING
    return f"{number(x, digits, strip=False)}({effect_word(x)})"


def _graded(value, thresholds, low: str) -> str:
    """The word of the first threshold ``value`` reaches (thresholds from the highest), else ``low``."""
    x = _float(value)
    if x is None:
        return MISSING
    for limit, word in thresholds:
        if x >= limit:
            return word
    return low


def stability_word(s) -> str:
    return _graded(s, STABILITY_THRESHOLDS, STABILITY_LOW)


def stability(s) -> str:
    """「安定(0.82)」."""
    x = _float(s)
    if x is None:
        return MISSING
    return f"{stability_word(x)}({number(x, 2, strip=False)})"


def confidence_word(c) -> str:
    return _graded(c, CONFIDENCE_THRESHOLDS, CONFIDENCE_LOW)


def yes_no(v, yes: str = "はい", no: str = "いいえ") -> str:
    if missing(v):
        return MISSING
    return yes if bool(v) else no


def size_mb(nbytes: int) -> str:
    """A file size for people: 「12 MB」「340 KB」."""
    return f"{nbytes / (1024 * 1024):.0f} MB" if nbytes >= 1024 * 1024 else f"{max(nbytes // 1024, 1)} KB"
