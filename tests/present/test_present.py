"""The presentation layer's rules, each by known answers."""

from __future__ import annotations

import math
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from issuemine import present as pr
from issuemine.present import names, numbers, words


@pytest.mark.parametrize("p, shown", [(0.0004883, "< 0.001"), (0.0009999, "< 0.001"), (0.001, "0.001"),
                                      (0.0390625, "0.039"), (0.625, "0.625"), (1.0, "1.000"), (0.0, "< 0.001"),
                                      (float("nan"), "—"), (None, "—")])
def test_p_values(p, shown):
    assert pr.p_value(p) == shown


def test_p_text():
    assert pr.p_text(0.0001) == "p < 0.001" and pr.p_text(0.25) == "p = 0.250" and pr.p_text(None) == "検定なし"


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(0, 4))
def test_number_never_minus_zero_and_rounds(x, d):
    text = pr.number(x, d)
    assert text not in ("-0", "-0.0") and not (text.startswith("-") and float(text) == 0)
    assert abs(float(text) - x) <= 0.5 * 10 ** -d + 1e-9 * max(1, abs(x))
    if "." in text:
        assert len(text.split(".")[1]) <= d


def test_number_examples():
    assert pr.number(-0.0001, 2) == "0" and pr.number(-0.004, 2, strip=False) == "0.00"
    assert pr.number(91.667, 1) == "91.7" and pr.number(2.0, 1) == "2" and pr.number(2.5, 1) == "2.5"


def test_percents_whole_unless_needed():
    assert pr.percent(91.667) == "92%" and pr.percent(0.5, share=True) == "50%"
    assert pr.percents(33.333, 91.667) == ["33%", "92%"]
    assert pr.percents(91.667, 92.1) == ["91.7%", "92.1%"]
    assert pr.percents(50.0, 50.0) == ["50%", "50%"]
    assert pr.percents(None, 10) == ["—", "10%"]


def test_effect_words_and_thresholds_stated_once():
    assert [pr.effect_word(r) for r in (0.05, -0.1, 0.29, 0.3, 0.49, -0.5, 0.9)] == \
        ["ほとんどなし", "小", "小", "中", "中", "大", "大"]
    assert pr.effect(0.4512) == "0.45(中)" and pr.effect(float("nan")) == "—"
    for limit, word in numbers.EFFECT_THRESHOLDS:
        assert f"{limit} 以上で{word}" in numbers.EFFECT_NOTE


def test_stability_words():
    # thresholds from what the score reaches on real notes (bench/stability_words.py, docs/present.md)
    assert pr.stability_word(0.82) == "安定" and pr.stability_word(0.4) == "安定"
    assert pr.stability_word(0.32) == "ふつう" and pr.stability(0.2) == "ふつう(0.20)"
    assert pr.stability_word(0.19) == "不安定" and pr.stability(0.12) == "不安定(0.12)"
    assert "0.4 以上を安定" in numbers.STABILITY_NOTE and "0.2 未満を不安定" in numbers.STABILITY_NOTE


def test_zone_names_from_zone_model():
    from issuemine.diagram.zones import REGION_CODES, ZONE_NAMES

    assert pr.zone_name("H") == "病院" and pr.zone_name("HC") == "病院と地域の重なり"
    assert pr.zone_name("病院∩地域") == "病院と地域の重なり"
    assert names.plain_zones("退院調整(病院∩地域)・往診(病院∩地域∩相談支援)") == \
        "退院調整(病院と地域の重なり)・往診(病院・地域・相談支援の重なり)"
    assert pr.zone_name("HCS") == "病院・地域・相談支援の重なり" and pr.zone_name("X") == "未分類"
    assert [c for c, _ in pr.zone_choices()] == list(REGION_CODES)
    for code, name in pr.zone_choices():
        assert all(ZONE_NAMES[z] in name for z in code)
        assert not any(ch in name for ch in "HCSFPX∩")


def test_phases_and_methods():
    assert pr.phase_name("pre") == "研修前" and pr.phase_name("post") == "研修後"
    assert pr.method_name("asymptotic") == "正規近似" and pr.method_name("exact-conditional").startswith("正確検定")
    assert pr.method_name("") == "" and pr.method_name(float("nan")) == ""
    assert names.encoding_name("cp932") == "シフトJIS(CP932)"


def test_dates_in_japan_time():
    assert pr.datetime_ja("2026-12-06 05:53:10") == "2026年12月6日 14:53"  # stored UTC → JST
    assert pr.datetime_ja("2026-12-06T20:00:00+00:00") == "2026年12月7日 05:00"
    assert pr.datetime_ja(datetime(2026, 12, 31, 15, 0, tzinfo=timezone.utc)) == "2027年1月1日 00:00"
    assert pr.date_ja("2026-12-06") == "2026年12月6日"
    assert pr.datetime_ja(None) == "—"


def test_medians_with_scale_words():
    labels = {"1": "まったくわからない", "2": "わからない", "3": "わかる", "4": "とてもわかる"}
    assert pr.median(3, labels) == "3(わかる)" and pr.median(2.5, labels) == "2.5(わからない〜わかる)"
    assert pr.median_change(2, 3, labels) == "2 → 3(わからない → わかる)"
    assert pr.median_change(2, None, labels) == "2 → —(わからない → —)"
    assert pr.median(float("nan"), labels) == "—"


def test_keywords_and_pos():
    assert pr.keywords("退院:0.220 / 連携:0.180 / 訪問看護:0.1") == "退院・連携・訪問看護"
    assert pr.keywords("退院:0.220 / 連携:0.180", k=1) == "退院"
    assert pr.keywords("時間:12:30") == "時間:12"  # a trailing weight is removed, nothing else
    assert pr.pos_plain("名詞-普通名詞-一般") == "名詞" and pr.pos_plain("動詞-一般") == "動詞"
    assert words.short_text("あ" * 30, 5) == "あああああ…"


def test_jinja_filters_registered():
    from jinja2 import Environment

    from issuemine.present.jinja import register

    env = Environment(autoescape=True)
    register(env)
    out = env.from_string("{{ p | p }} {{ t | jst }} {{ z | zone }} {{ r | effect }} {{ s | stability }}").render(
        p=0.0004, t="2026-12-06 05:53:00", z="CS", r=-0.31, s=0.9)
    assert out == "&lt; 0.001 2026年12月6日 14:53 地域と相談支援の重なり -0.31(中) 安定(0.90)"
    assert not math.isnan(0.0)


def test_filters_on_keys_an_older_stored_result_lacks():
    from jinja2 import Environment

    from issuemine.present.jinja import register

    env = Environment(autoescape=True)
    register(env)
    out = env.from_string("{{ r.x | p }}|{{ r.x | effect }}|{{ median_change(r.a, r.b, none) }}|{{ r.x | int }}"
                          "|{{ r.x | stability }}").render(r={})
    assert out == "—|—|—|—|—"
