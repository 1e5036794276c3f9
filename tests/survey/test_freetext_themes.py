"""Free-text answers coded to the themes of the workshop notes: ``survey --notes`` and freetext_themes."""

from __future__ import annotations

import json

import pandas as pd

from issuemine.cli.main import main

from .survey_helpers import write_csv

# Fictional workshop notes on two obviously different topics (short stay vs school).
SHORT_STAY = ["短期入所の受け入れ先が足りない", "ショートステイが予約でいっぱい", "医療型短期入所の空きがない",
              "レスパイトできる施設が少ない", "短期入所を断られることが多い", "ショートステイ先が遠くて使えない",
              "呼吸器の子を預かる短期入所がない", "短期入所のベッドが足りない", "短期入所の日数が少なすぎる",
              "ショートステイの予約が半年待ち"]
SCHOOL = ["特別支援学校に看護師が足りない", "学校で吸引してもらえない", "通学の送迎がなく登校できない",
          "保育園で医療的ケア児を受け入れてくれない", "学校に親の付き添いを求められる", "訪問教育の回数が少ない",
          "就学先の学校が決まらず不安", "保育園に学校看護師がいない", "特別支援学校のスクールバスに乗れない",
          "学校の先生が医療的ケアを知らない"]
# respondent -> (pre answer, post answer); before: 3 about short stay, 1 about school; after: 1 and 3
FREE = {"P01": ("短期入所の空きが見つからない", "学校に看護師がいないので通学できない"),
        "P02": ("ショートステイの予約が取れない", "特別支援学校の先生に医療的ケアを知ってほしい"),
        "P03": ("短期入所を断られた", "保育園で医療的ケア児を受け入れてほしい"),
        "P04": ("学校で吸引してもらえず困る", "短期入所のベッドを増やしてほしい"),
        "P05": ("今日は天気が良いので野球を見に行った", "")}


def _files(tmp_path):
    notes = write_csv(tmp_path / "notes.csv", ["内容", "職種"],
                      [[t, "訪問看護師"] for t in SHORT_STAY + SCHOOL])
    rows = []
    for phase, k in (("研修前", 0), ("研修後", 1)):
        for i, (rid, answers) in enumerate(FREE.items()):
            rows.append([rid, phase, "わからない" if k == 0 else "わかる", answers[k]])
    q = write_csv(tmp_path / "q.csv", ["回答者ID", "時期", "短期入所の利用", "自由記述"], rows)
    return notes, q


def test_cli_writes_theme_counts_before_and_after(tmp_path, capsys):
    notes, q = _files(tmp_path)
    out = tmp_path / "out"
    assert main(["survey", str(q), "--out", str(out), "--notes", str(notes), "--seed", "0"]) == 0
    raw = (out / "survey_freetext_themes.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(out / "survey_freetext_themes.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(table.columns) == ["theme_id", "theme", "n_pre", "n_post", "pct_pre", "pct_post"]
    assert len(table) == 2
    counts = sorted(zip(table["n_pre"], table["n_post"]))
    assert counts == [(1, 3), (3, 1)]          # the off-topic and the empty answers are in no theme
    stay = table[table["n_pre"] == 3].iloc[0]
    assert "短期入所" in stay["theme"] and stay["pct_pre"] == 60.0 and stay["pct_post"] == 25.0
    doc = json.loads((out / "survey.json").read_text(encoding="utf-8"))
    assert [r["theme_id"] for r in doc["freetext"]["themes"]] == list(table["theme_id"])
    assert "自由記述を付箋のテーマに分類しました" in capsys.readouterr().out
    # same input and seed: byte-identical
    out2 = tmp_path / "out2"
    assert main(["survey", str(q), "--out", str(out2), "--notes", str(notes), "--seed", "0"]) == 0
    for name in ("survey_freetext_themes.csv", "survey.json"):
        assert (out / name).read_bytes() == (out2 / name).read_bytes()


def test_without_notes_nothing_changes(tmp_path):
    _, q = _files(tmp_path)
    out = tmp_path / "out"
    assert main(["survey", str(q), "--out", str(out)]) == 0
    assert not (out / "survey_freetext_themes.csv").exists()
    assert "themes" not in json.loads((out / "survey.json").read_text(encoding="utf-8"))["freetext"]


def test_missing_notes_file_is_a_clear_message_and_writes_nothing(tmp_path, capsys):
    _, q = _files(tmp_path)
    out = tmp_path / "out"
    assert main(["survey", str(q), "--out", str(out), "--notes", str(tmp_path / "nai.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("エラー: ") and "nai.csv" in err
    assert not out.exists()
