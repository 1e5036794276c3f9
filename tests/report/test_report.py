"""The report end to end on real files: outputs, escaping (HTML, xlsx, CSV), determinism, comparison."""

import csv
import re

import openpyxl
import pytest

from .conftest import FORMULAS, SAMPLE, XSS_IMG, XSS_SCRIPT

SECTIONS = ["summary", "themes", "theme_map", "cooccurrence", "diagram", "tables", "survey", "terms", "method"]


def test_demo_prints_terms_and_writes_outputs(sample_report):
    out, printed = sample_report
    names = {p.name for p in out.iterdir()}
    assert {"index.html", "notes.xlsx", "notes.csv", "survey_items.csv", "survey.json"} <= names
    assert {"themes.csv", "analysis.json", "terms.csv"} <= names
    table = printed.split("順位\t語\t品詞\t出現数\t付箋数\n", 1)[1].splitlines()[:30]
    assert [line.split("\t")[0] for line in table] == [str(i) for i in range(1, 31)]
    with open(out / "terms.csv", encoding="utf-8-sig", newline="") as f:
        top = [r["term"] for r, _ in zip(csv.DictReader(f), range(30))]
    shown = [line.split("\t")[1] for line in table]
    assert "分かる+否定" in top and "わからない" in shown  # the CSV keeps identities, the reader sees words
    assert not any("+否定" in t for t in shown)
    from issuemine.themes.label import display_term

    forms = {"分かる": "わかる"}  # as the notes write it; the others are checked against the notes' own forms
    assert shown[top.index("分かる+否定")] == display_term("分かる+否定", forms)
    assert sum(a != b for a, b in zip(shown, top)) >= 3  # negations (and respellings) read as written
    assert str(out / "index.html") in printed


COLD_DEMO = """
import sys
from issuemine.cli.main import main
status = main(["demo", "--out", sys.argv[1]])
print("imported here:", ",".join(m for m in ("umap", "openpyxl") if m in sys.modules))
sys.exit(status)
"""


def test_cold_demo_hands_map_and_workbook_to_a_helper_with_identical_output(sample_report, tmp_path):
    """The README's command in a fresh process (as a newcomer runs it), the map not yet cached: the UMAP
    layout and notes.xlsx are made in the helper process (this process never imports umap or openpyxl),
    and every output is byte-identical to the report built in one process."""
    import os
    import shutil
    import subprocess
    import sys

    from issuemine.corpora import cache_dir

    cache = tmp_path / "cache"
    shutil.copytree(cache_dir(), cache, ignore=shutil.ignore_patterns("maps"))  # word vectors, dictionary
    out = tmp_path / "cold"
    run = subprocess.run([sys.executable, "-c", COLD_DEMO, str(out)], capture_output=True, text=True,
                         env=dict(os.environ, ISSUEMINE_CACHE=str(cache)), timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.splitlines()[-1] == "imported here: "  # neither umap nor openpyxl: the helper did both
    assert len(list((cache / "maps").glob("*.npy"))) == 1  # the map was computed (and kept) by this run
    ref, _ = sample_report
    names = sorted(p.name for p in ref.iterdir())
    assert sorted(p.name for p in out.iterdir()) == names
    for name in names:
        assert (out / name).read_bytes() == (ref / name).read_bytes(), name


def test_report_tables_are_byte_identical_to_what_analyze_and_survey_write(sample_report, tmp_path, capsys):
    """The report's CSV/JSON tables are the commands' own outputs, not look-alikes (issue 6)."""
    from issuemine.cli.main import main

    ref, _ = sample_report
    assert main(["analyze", str(SAMPLE / "notes.csv"), "--out", str(tmp_path / "a")]) == 0
    assert main(["survey", str(SAMPLE / "questionnaire.csv"), "--out", str(tmp_path / "s"),
                 "--notes", str(SAMPLE / "notes.csv")]) == 0
    capsys.readouterr()
    for folder, names in ((tmp_path / "a", ["notes.csv", "themes.csv", "analysis.json"]),
                          (tmp_path / "s", ["survey_items.csv", "survey.json", "survey_freetext_themes.csv"])):
        for name in names:
            assert (folder / name).read_bytes() == (ref / name).read_bytes(), name


def test_html_is_self_contained_and_japanese(sample_report):
    out, _ = sample_report
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "+否定" not in page  # terms read as words (わからない), never as feature names
    assert page.startswith("<!DOCTYPE html>") and '<html lang="ja">' in page
    head, body = page.split("</head>", 1)
    # plotly.js once, inline; nothing loaded from anywhere
    assert page.count("plotly.js v") <= 2 and "/*! For license information" not in body
    assert body.count("Plotly.newPlot") == len(re.findall(r'class="plotly-graph-div"', body))
    assert not re.search(r'<(script|link|img|iframe)[^>]+(src|href)=["\']?(https?:)?//', page)
    assert "@page" in head and "A4" in head and "Noto Sans CJK JP" in head
    for key in SECTIONS:
        assert f'data-section="{key}"' in body, key


def test_every_note_in_xlsx_with_its_codes(sample_report):
    out, _ = sample_report
    ws = openpyxl.load_workbook(out / "notes.xlsx")["付箋"]
    header = [c.value for c in ws[1]]
    with open(SAMPLE / "notes.csv", encoding="utf-8-sig", newline="") as f:
        n_input = sum(1 for r in csv.DictReader(f) if r["内容"].strip())
    assert ws.max_row - 1 == n_input
    assert {"内容", "職種", "グループ"} <= set(header)
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert {"テーマ", "テーマの確からしさ", "概念図の領域", "配置の確からしさ", "付箋ID"} <= set(header)
    assert header[-1] == "付箋ID"  # ids last
    assert all(r[header.index("テーマ")] for r in rows)  # every note has a theme
    assert {r[header.index("テーマの確からしさ")] for r in rows} <= {"高い", "中くらい", "低い"}
    from issuemine.present import zone_choices

    assert {r[header.index("概念図の領域")] for r in rows} <= {name for _, name in zone_choices()}
    # the codes and raw scores are on the technical sheet, under the machine names of docs/schemas.md
    tech = openpyxl.load_workbook(out / "notes.xlsx")["技術情報"]
    theader = [c.value for c in tech[1]]
    assert {"note_id", "theme_id", "theme_confidence", "zones", "zone_confidence", "zone_score_H"} <= set(theader)
    trows = list(tech.iter_rows(min_row=2, values_only=True))
    assert len(trows) == len(rows)
    assert {r[theader.index("zones")] for r in trows} <= {"H", "C", "S", "HC", "HS", "CS", "HCS", "F", "P", "X"}


def test_every_section_has_its_content(sample_report):
    out, _ = sample_report
    body = (out / "index.html").read_text(encoding="utf-8")
    assert 'class="missing"' not in body  # the full report: no section stands empty


def test_html_escapes_notes(hostile_reports):
    page = (hostile_reports[0] / "index.html").read_text(encoding="utf-8")
    assert XSS_SCRIPT not in page and XSS_IMG not in page
    assert "onerror=alert(1)>" not in page
    # the free-text answer and the hostile profession are shown, as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_facilitator_edits_are_applied_and_stale_ones_reported(hostile_reports):
    out = hostile_reports[0]
    with open(out / "notes.csv", encoding="utf-8-sig", newline="") as f:
        rows = {r["text"]: r for r in csv.DictReader(f)}
    assert rows[XSS_SCRIPT]["zones"] == "P"
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "適用できなかった手直し" in page and "T99" in page


def test_xlsx_and_csv_never_hold_formulas(hostile_reports):
    out = hostile_reports[0]
    wb = openpyxl.load_workbook(out / "notes.xlsx")
    ws = wb["付箋"]
    texts = [c.value for c in ws["A"][1:]]  # 内容: the first column a person reads
    for f in FORMULAS:
        assert f in texts  # kept as written …
    for sheet in wb.worksheets:
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)  # … never a formula
    for name in ("notes.csv", "themes.csv", "terms.csv", "survey_items.csv"):
        path = out / name
        if not path.exists():
            continue
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name
        for row in csv.reader(raw.decode("utf-8-sig").splitlines()):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@")), (name, cell)
    with open(out / "notes.csv", encoding="utf-8-sig", newline="") as f:
        texts = [r["text"] for r in csv.DictReader(f)]
    assert "'=1+1" in texts and XSS_SCRIPT in texts


def test_byte_identical_outputs(hostile_reports):
    a, b = hostile_reports
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_mask_pii_in_every_output(tmp_path):
    from issuemine.report import make_report

    ws = tmp_path / "ws"
    ws.mkdir()
    notes = ["田中さんに03-1234-5678で連絡した", "訪問看護の山田花子 hanako@example.jp", "短期入所が足りない",
             "相談支援専門員がいない", "退院調整が難しい"] * 4
    with open(ws / "notes.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["グループ", "職種", "内容"])
        w.writerows([["A", "保健師", t] for t in notes])
    q = list(csv.reader(open(SAMPLE / "questionnaire.csv", encoding="utf-8-sig", newline="")))
    q[1][-1] = "山田太郎さんに090-1111-2222で相談した"
    with open(ws / "questionnaire.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(q)
    out = tmp_path / "out"
    make_report([ws], out, mask_pii=True)
    for p in out.iterdir():
        if p.suffix == ".xlsx":
            wb = openpyxl.load_workbook(p)
            content = " ".join(str(c.value) for s in wb for row in s.iter_rows() for c in row)
        else:
            content = p.read_text(encoding="utf-8-sig")
        for secret in ("田中", "山田", "花子", "太郎", "03-1234-5678", "090-1111-2222", "hanako@example.jp"):
            assert secret not in content, (p.name, secret)
    assert "[氏名]" in (out / "notes.csv").read_text(encoding="utf-8-sig")
    assert "[氏名]さんに[電話番号]で相談した" in (out / "index.html").read_text(encoding="utf-8")


def test_several_workshops_add_a_comparison(tmp_path):
    from issuemine.report import make_report

    rows = list(csv.reader(open(SAMPLE / "notes.csv", encoding="utf-8-sig", newline="")))
    # two small meetings (groups A and E of the sample) keep the pooled fit quick
    halves = {"第1回": [r for r in rows[1:] if r[0] == "A"], "第2回": [r for r in rows[1:] if r[0] == "E"]}
    for name, part in halves.items():
        (tmp_path / name).mkdir()
        with open(tmp_path / name / "notes.csv", "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows([rows[0], *part])
    out = tmp_path / "out"
    report = make_report([tmp_path / "第1回", tmp_path / "第2回"], out)
    page = (out / "index.html").read_text(encoding="utf-8")
    assert 'data-section="comparison"' in page and "第1回" in page and "第2回" in page
    assert (out / "第1回" / "notes.csv").exists() and (out / "第2回" / "notes.csv").exists()
    comp = report.comparison
    if comp.region_counts is not None:
        assert comp.region_counts.sum(axis=1).tolist() == [len(halves["第1回"]), len(halves["第2回"])]
        assert (comp.region_shares.sum(axis=1).round(0) == 100).all()
    if comp.theme_counts is not None:
        assert comp.theme_counts.sum(axis=1).tolist() == [len(halves["第1回"]), len(halves["第2回"])]
    sheets = openpyxl.load_workbook(out / "notes.xlsx").sheetnames
    assert sheets == ["第1回", "第2回", "技術情報1", "技術情報2"]  # people's sheets, then the machine tables


def test_cli_report_name_and_date_reach_the_cover(tmp_path, capsys):
    """`issuemine report --name --date`: the cover and the page title name the workshop and the day it was
    held, apart from the day the report was made; mistakes are Japanese and nothing is written."""
    import shutil

    from issuemine.cli.main import main

    ws = tmp_path / "ws"
    ws.mkdir()
    lines = (SAMPLE / "notes.csv").read_text(encoding="utf-8-sig").splitlines()
    (ws / "notes.csv").write_text("\n".join(lines[:61]) + "\n", encoding="utf-8")
    shutil.copy(SAMPLE / "questionnaire.csv", ws / "questionnaire.csv")
    for args, words in ((["--date", "2026年2月30日"], "--date: 開催日「2026年2月30日」という日はありません"),
                        (["--date", "来週"], "--date: 開催日「来週」を日付として読めません"),
                        (["--name", "   "], "--name: ワークショップ名が空です")):
        assert main(["report", str(ws), "--out", str(tmp_path / "bad"), *args]) == 2
        assert words in capsys.readouterr().err
        assert not (tmp_path / "bad").exists()
    assert main(["report", str(ws), str(ws), "--date", "2026-12-06", "--out", str(tmp_path / "bad")]) == 2
    assert "1つだけ" in capsys.readouterr().err
    out = tmp_path / "out"
    assert main(["report", str(ws), "--out", str(out), "--name", "墨田区 <第2回>", "--date", "令和8年12月6日"]) == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    cover = page.split('<header class="cover">', 1)[1].split("</header>", 1)[0]
    assert '<p class="subtitle">墨田区 &lt;第2回&gt;</p>' in cover
    assert "<dt>開催日</dt><dd>2026年12月6日(日)</dd>" in cover and "<dt>報告書の作成日時</dt>" in cover
    assert "<title>ワークショップ報告書: 墨田区 &lt;第2回&gt; 開催日 2026年12月6日(日)</title>" in page
    # the folder itself is not changed: a later run without the flags shows the folder's name again
    assert not (ws / "workshop.json").exists()


def test_cli_report_and_errors(tmp_path, capsys):
    from issuemine.cli.main import main

    assert main(["report", str(tmp_path / "nope")]) == 2
    assert "見つかりません" in capsys.readouterr().err
    assert main(["report", str(SAMPLE), "--themes", "zero", "--out", str(tmp_path / "o")]) == 2
    assert not (tmp_path / "o").exists()
    (tmp_path / "file").write_text("x")
    from issuemine.report.output import write_report
    from issuemine.report.build import ReportData
    from issuemine.errors import IssuemineError

    with pytest.raises(IssuemineError, match="フォルダではなくファイル"):
        write_report(ReportData(workshops=[]), tmp_path / "file")


@pytest.mark.parametrize("bad", ["0", "-3"])
def test_themes_argument(bad):
    from issuemine.cli.commands.report import parse_themes
    from issuemine.errors import IssuemineError

    assert parse_themes("auto") == "auto" and parse_themes("7") == 7
    with pytest.raises(IssuemineError):
        parse_themes(bad)
