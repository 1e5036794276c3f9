"""Summary sentences are generated from the data: known answers on small hand-made tables."""

from pathlib import Path

import pandas as pd

from issuemine.report.build import WorkshopData
from issuemine.report.compare import Comparison
from issuemine.report.summary import (comparison_sentences, diagram_sentences, membership_counts,
                                      profession_sentences, survey_sentences, theme_sentences)
from issuemine.report.workshop import Workshop


def _data():
    ids = [f"n{i}" for i in range(10)]
    notes = pd.DataFrame({"note_id": ids, "text": ["x"] * 10,
                          "profession": ["看護師"] * 6 + ["医師"] * 3 + [""]})
    themes = pd.DataFrame({"theme_id": ["T01", "T02", "T03"], "label": ["連携", "短期入所・不足", "家族負担"],
                           "heading": ["連携", "地域資源・制度", "本人・家族"], "size": [5, 3, 2]})
    labels = ["連携"] * 5 + ["短期入所・不足"] * 3 + ["家族負担"] * 2
    assignments = pd.DataFrame({"note_id": ids, "theme_label": labels,
                                "theme_weak": [False] * 9 + [True]})
    placements = pd.DataFrame({"note_id": ids, "zones": ["H", "HC", "HC", "C", "C", "C", "S", "F", "P", "H"],
                               "region": ["病院", "病院∩地域", "病院∩地域", "地域", "地域", "地域", "相談支援",
                                          "家族・本人", "制度・政策", "病院"],
                               "zone_inferred": [False] * 8 + [True, True]})
    return WorkshopData(workshop=Workshop(name="w", notes=Path("notes.csv")), notes=notes, themes=themes,
                        assignments=assignments, placements=placements)


def test_theme_sentences():
    s = theme_sentences(_data())
    assert s[0] == "10枚の付箋を3のテーマに分けました。"
    assert s[1] == "最も多いテーマは「連携」(5枚、50%)で、次いで「短期入所・不足」(3枚、30%)、「家族負担」(2枚、20%)でした。"
    assert "3つの見出し" in s[2] and "「連携」(5枚)" in s[2]
    assert s[3].startswith("テーマへの割り当てが弱い付箋が1枚")


def test_membership_counts_overlaps_count_twice():
    m = membership_counts(_data().placements)
    assert m == {"H": 4, "C": 5, "S": 1, "F": 1, "P": 1, "X": 0}


def test_diagram_sentences():
    s = diagram_sentences(_data())
    assert s[0].startswith("概念図では、病院にかかわる付箋が4枚(40%)、地域が5枚(50%)、相談支援が1枚(10%)")
    assert s[1] == "最も多い領域は「地域」(3枚)でした。"
    assert "相談支援にかかわる付箋は10%にとどまりました" in s[2]
    assert s[3] == "三つの領域の外には家族・本人1枚、制度・政策1枚がありました。"
    assert "2枚あります" in s[4]


def test_profession_sentences_skip_blank_profession():
    (s,) = profession_sentences(_data())
    assert s == "付箋の多い職種では、看護師(6枚)は「連携」(83%)、医師(3枚)は「短期入所・不足」(67%)を最も多く挙げました。"


def test_survey_sentences():
    d = _data()
    d.survey = type("R", (), {})()
    d.survey.items = pd.DataFrame({"item": ["制度", "手技"], "pct_positive_pre": [0.0, 50.0],
                                   "pct_positive_post": [90.0, 40.0], "p_holm": [0.01, 0.6]})
    s = survey_sentences(d)
    assert "1項目で増えました" in s[0]
    assert s[1] == "最も大きく変わったのは「制度」で、0%から90%になりました。"
    assert "差があったのは1項目" in s[2]


def test_missing_pieces_give_no_sentences():
    d = _data()
    d.themes = d.assignments = d.placements = None
    assert theme_sentences(d) == [] and diagram_sentences(d) == [] and profession_sentences(d) == []
    assert survey_sentences(d) == [] and comparison_sentences(None) == []


def test_comparison_sentences():
    shares = pd.DataFrame({"連携": [60.0, 20.0], "災害": [0.0, 30.0], "家族": [40.0, 50.0]}, index=["第1回", "第2回"])
    comp = Comparison(meetings=["第1回", "第2回"], theme_shares=shares,
                      new_themes=pd.DataFrame({"meeting": ["第2回"], "theme": ["災害"], "notes": [3]}))
    s = comparison_sentences(comp)
    assert s[0] == "2回の会(第1回、第2回)を比較しました。"
    assert s[1] == "第1回で最も割合が高いテーマは「連携」(60%)でした。"
    assert s[2] == "第2回で最も割合が高いテーマは「家族」(50%)でした。"
    assert s[3] == "第2回で新しく現れたテーマ: 「災害」。"


def test_new_themes_rule():
    from issuemine.report.compare import new_themes

    counts = pd.DataFrame({"連携": [5, 4, 3], "災害": [0, 3, 1], "就労": [0, 1, 2], "制度": [1, 0, 4]},
                          index=["第1回", "第2回", "第3回"])
    got = new_themes(counts, min_new=2)
    # 災害 is new in 第2回 (3 ≥ 2, none before); 就労 had 1 note in 第2回, so it is not new in 第3回;
    # 制度 appeared in 第1回 already
    assert got.to_dict(orient="records") == [{"meeting": "第2回", "theme": "災害", "notes": 3}]
    assert new_themes(counts, min_new=1)["theme"].tolist() == ["災害", "就労"]
