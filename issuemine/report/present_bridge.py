"""TEMPORARY bridge to the presentation layer ``issuemine.present`` (issue 11, landing from another branch).

The report calls the presentation functions through this module only. Once ``issuemine.present`` is on
main this module re-exports it and the fallbacks below are deleted (they are the minimum to run until then,
not a second home for the rules).
"""

from __future__ import annotations

try:
    from issuemine.present import (EFFECT_NOTE, STABILITY_NOTE, datetime_ja, effect, effect_word,  # noqa: F401
                                   method_name, number, p_text, p_value, percent, percents, phase_name,
                                   stability, stability_word, zone_name)
    from issuemine.present import keywords, median_change, pos_plain  # noqa: F401
except ImportError:  # pragma: no cover - until issuemine.present lands
    from datetime import datetime, timedelta, timezone

    EFFECT_NOTE = "効果量 r の目安: 0.1 以上で小、0.3 以上で中、0.5 以上で大(0.1 未満はほとんどなし)。"
    STABILITY_NOTE = ("安定性は、付箋の一部を抜いて分析をやり直したときに同じテーマがどれだけ再現したかの割合"
                      "(0〜1)です。0.75 以上を安定、0.6 以上をやや不安定、それ未満を不安定としています。")

    def _f(v):
        try:
            x = float(v)
        except (TypeError, ValueError):
            return None
        return None if x != x else x

    def number(v, digits: int = 2, *, strip: bool = True) -> str:
        x = _f(v)
        if x is None:
            return "—"
        t = f"{x:.{digits}f}"
        if strip and "." in t:
            t = t.rstrip("0").rstrip(".")
        return t.lstrip("-") if float(t) == 0 else t

    def p_value(p) -> str:
        x = _f(p)
        return "—" if x is None else "< 0.001" if x < 0.001 else f"{min(x, 1.0):.3f}"

    def p_text(p) -> str:
        s = p_value(p)
        return "検定なし" if s == "—" else "p " + s if s.startswith("<") else "p = " + s

    def percent(v, decimals: int = 0, *, share: bool = False) -> str:
        x = _f(v)
        return "—" if x is None else number(100 * x if share else x, decimals, strip=False) + "%"

    def percents(*values, share: bool = False) -> list[str]:
        return [percent(v, share=share) for v in values]

    def effect_word(r) -> str:
        x = _f(r)
        if x is None:
            return "—"
        return "大" if abs(x) >= 0.5 else "中" if abs(x) >= 0.3 else "小" if abs(x) >= 0.1 else "ほとんどなし"

    def effect(r, digits: int = 2) -> str:
        x = _f(r)
        return "—" if x is None else f"{number(x, digits, strip=False)}({effect_word(x)})"

    def stability_word(s) -> str:
        x = _f(s)
        return "—" if x is None else "安定" if x >= 0.75 else "やや不安定" if x >= 0.6 else "不安定"

    def stability(s) -> str:
        x = _f(s)
        return "—" if x is None else f"{stability_word(x)}({number(x, 2, strip=False)})"

    def phase_name(phase) -> str:
        return {"pre": "研修前", "post": "研修後"}.get(str(phase), str(phase))

    def method_name(method) -> str:
        return str(method)

    def zone_name(code) -> str:
        from issuemine.diagram.zones import REGIONS, ZONE_NAMES

        return ZONE_NAMES.get(str(code)) or REGIONS.get(str(code), str(code))

    def datetime_ja(value) -> str:
        dt = value.astimezone(timezone(timedelta(hours=9)))
        return f"{dt.year}年{dt.month}月{dt.day}日 {dt.hour:02d}:{dt.minute:02d}"

    def keywords(value, k: int = 5, sep: str = "・") -> str:
        parts = [p.strip().rsplit(":", 1)[0] for p in str(value or "").split(" / ") if p.strip()]
        return sep.join(parts[:k])

    def median_change(before, after, labels: dict | None = None) -> str:
        return f"{number(before, 1)} → {number(after, 1)}"

    def pos_plain(pos) -> str:
        return str(pos or "").split("-", 1)[0]
