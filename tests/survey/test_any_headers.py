"""Any header set, any cells: the questionnaire reader answers with its own Japanese error or a result.

Generated questionnaires mix the headers the reader looks for (ID, 時期, 項目_前 …) with collisions after
de-duplication (項目, 項目.1, 項目), blanks, full-width and case variants, and cells from the scale labels,
phases, numbers, formulas and arbitrary text. Whatever comes in, only ``IssuemineError`` (InputError or
ConfigError) with a Japanese message may come out — never IndexError, KeyError or a traceback.
"""

from __future__ import annotations

import csv
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from issuemine.cli.main import main
from issuemine.errors import IssuemineError
from issuemine.survey import compare_items, read_survey

HEADERS = ["ID", "id", "ＩＤ", "回答者", "時期", "phase", "前後", "項目", "項目.1", "項目.2", "項目_前", "項目_後",
           "前_項目", "Q1", "Q1_pre", "Q1_post", "自由記述", "感想_後", "職種", "", " ", "列A", "a", "A", "ａ",
           "Unnamed: 0", "研修前", "研修後", "前", "後"]
CELLS = ["", " ", "1", "2", "3", "4", "5", "01", "1.0", "わかる", "わからない", "とてもわかる", "まったくわからない",
         "研修前", "研修後", "前", "後", "pre", "post", "無回答", "=1+1", "＝SUM(A1)", "-", "あ\nい", "\u200b"]
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

header_sets = st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=6)), min_size=1, max_size=7)
cell = st.one_of(st.sampled_from(CELLS), st.text(max_size=8))


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def _check(paths: list[Path]) -> None:
    try:
        data = read_survey(*paths)
        compare_items(data.answers, freetext=data.freetext, info=data.info)
    except IssuemineError as exc:
        assert _JAPANESE.search(exc.message), exc.message


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=header_sets, rows=st.lists(st.lists(cell, max_size=8), max_size=8), two=st.booleans(),
       header2=header_sets)
@example(header=["ID", "時期", "項目", "項目.1", "項目"], two=False, header2=["ID"],
         rows=[["1", "研修前", "わかる", "わかる", "わからない"], ["1", "研修後", "わかる", "わかる", "わかる"]])
@example(header=["ID", "項目", "項目.1", "項目"], two=True, header2=["ID", "項目", "項目", "項目.1"],
         rows=[["1", "わかる", "わかる", "わからない"]])
@example(header=["ID", "項目_前", "項目_後", "項目_前"], two=False, header2=["ID"],
         rows=[["1", "わかる", "わかる", "わからない"]])
@example(header=["ID", "Ｑ1", "Q1"], two=True, header2=["ID", "Q1", "Ｑ1"], rows=[["1", "1", "2"]])
def test_any_questionnaire_gives_a_result_or_a_japanese_error(header, rows, two, header2):
    with tempfile.TemporaryDirectory() as d:
        first = _write(Path(d) / "pre.csv", header, rows)
        paths = [first]
        if two:
            paths.append(_write(Path(d) / "post.csv", header2, rows))
        _check(paths)


def test_colliding_headers_through_the_command(tmp_path, capsys):
    """Regression (issue 12, item 3): 項目, 項目.1, 項目 crashed `survey` with an IndexError."""
    path = _write(tmp_path / "q.csv", ["ID", "時期", "項目", "項目.1", "項目"],
                  [["1", "研修前", "わからない", "わかる", "わからない"], ["1", "研修後", "わかる", "わかる", "わかる"],
                   ["2", "研修前", "わからない", "わかる", "わからない"], ["2", "研修後", "わかる", "わかる", "わかる"]])
    assert main(["survey", str(path), "--out", str(tmp_path / "out")]) == 0
    items = (tmp_path / "out" / "survey_items.csv").read_text(encoding="utf-8-sig")
    assert "項目.1" in items and "項目.2" in items  # three items, three distinct names
