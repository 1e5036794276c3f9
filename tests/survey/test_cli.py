"""The survey command end to end: the sample questionnaire, byte-identical reruns, nothing half-written."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from issuemine.cli.main import main
from issuemine.survey.compare import COLUMNS

from .survey_helpers import long_rows, write_csv

REQUIRED = ["item", "paired", "n_pairs", "n_pre", "n_post", "median_pre", "median_post", "pct_positive_pre",
            "pct_positive_post", "wilcoxon_p", "r", "rank_biserial", "mcnemar_p", "mannwhitney_p", "fisher_p",
            "p_holm", "warning"]


def test_sample_questionnaire_end_to_end(tmp_path, sample_path, capsys):
    out = tmp_path / "out"
    assert main(["survey", str(sample_path), "--out", str(out), "--figures"]) == 0
    raw = (out / "survey_items.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    items = pd.read_csv(out / "survey_items.csv", encoding="utf-8-sig")
    assert list(items.columns) == COLUMNS and set(REQUIRED) <= set(items.columns)
    assert len(items) == 8 and items["paired"].all() and (items["n_pairs"] == 12).all()
    header = pd.read_csv(sample_path, nrows=0, encoding="utf-8-sig").columns
    assert list(items["item"]) == list(header[2:10])
    # the sample moved from わからない to わかる: every item goes up
    assert (items["median_post"] >= items["median_pre"]).all()
    assert (items["direction"] == "上昇").all()
    text = (out / "survey.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    assert "NaN" not in text and text == json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    assert doc["info"]["shape"] == "long" and doc["info"]["pairing"]["n_paired"] == 12
    assert [r["item"] for r in doc["items"]] == list(items["item"])
    assert doc["freetext"]["n_pre"] > 0 and doc["freetext"]["terms"]
    html = (out / "survey_figures.html").read_text(encoding="utf-8")
    assert html.count("survey-diverging") >= 1 and "研修前" in html
    # free text itself never goes to the JSON (it may describe families)
    assert "気切の交換" not in (out / "survey.json").read_text(encoding="utf-8")
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    out2 = tmp_path / "again"
    assert main(["survey", str(sample_path), "--out", str(out2), "--figures"]) == 0
    assert {p.name: p.read_bytes() for p in out2.iterdir()} == first
    assert "対応あり12人" in capsys.readouterr().out


def test_existing_folder_keeps_other_files(tmp_path, sample_path):
    out = tmp_path / "report"
    out.mkdir()
    (out / "index.html").write_text("other", encoding="utf-8")
    assert main(["survey", str(sample_path), "--out", str(out)]) == 0
    assert (out / "index.html").read_text(encoding="utf-8") == "other"
    assert (out / "survey_items.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]  # no temporary folder left


def _bad_inputs(tmp_path):
    data = {"制度": [(2, 3), (1, 3), (2, 4)], "手技": [(2, 2), (1, 2), (3, 3)]}
    header, rows = long_rows(data)
    unknown = [r[:] for r in rows]
    unknown[1][2] = "ふつう"
    twice = [r[:] for r in rows]
    twice[2][0] = "P01"
    pre = write_csv(tmp_path / "pre.csv", ["ID", "制度", "手技"], [["1", "わかる", "わかる"]])
    post = write_csv(tmp_path / "post.csv", ["ID", "制度"], [["1", "わかる"]])
    return {
        "unknown": ([str(write_csv(tmp_path / "u.csv", header, unknown))], ["u.csv", "3行目", "制度", "ふつう"]),
        "twice": ([str(write_csv(tmp_path / "t.csv", header, twice))], ["t.csv", "P01", "2、4行目"]),
        "missing": ([str(pre), str(post)], ["post.csv", "手技"]),
    }


@pytest.mark.parametrize("case", ["unknown", "twice", "missing"])
def test_bad_input_is_a_clear_message_and_writes_nothing(tmp_path, capsys, case):
    inputs, words = _bad_inputs(tmp_path)[case]
    out = tmp_path / "out"
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["survey", *inputs, "--out", str(out), "--figures"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("エラー: ")
    for w in words:
        assert w in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_bad_input_leaves_an_existing_output_untouched(tmp_path, sample_path):
    out = tmp_path / "out"
    assert main(["survey", str(sample_path), "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    inputs, _ = _bad_inputs(tmp_path)["unknown"]
    assert main(["survey", *inputs, "--out", str(out)]) == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_help_lists_the_command(capsys):
    with pytest.raises(SystemExit):
        main(["survey", "--help"])
    assert "--figures" in capsys.readouterr().out
