"""Regression tests for issue 12 (hostile inputs), each through the real command.

Privacy: the notes that trigger an error path carry a marker; the marker must appear in no command's
stdout or stderr (a real subprocess, so logging and tracebacks are caught too) — only in the outputs.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.dom import minidom

import openpyxl
import pytest

from issuemine.cli.main import main
from issuemine.ingest import list_sheets, read_notes

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "workshops" / "sample"
MARK = "秘密マーカー7Q"  # stands for what a note says about a family


def _sample_rows(n: int) -> list[list[str]]:
    with open(SAMPLE / "notes.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))[: n + 1]


def _write_csv(path: Path, rows) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def _run(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "issuemine", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=900)


def _private(proc: subprocess.CompletedProcess) -> None:
    assert MARK not in proc.stdout and MARK not in proc.stderr
    assert "Traceback" not in proc.stderr


def _split_questionnaire(folder: Path) -> None:
    """questionnaire.csv (phase column) plus questionnaire_pre.csv / _post.csv, as the audit had it."""
    with open(SAMPLE / "questionnaire.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    _write_csv(folder / "questionnaire.csv", rows)
    head = [c for j, c in enumerate(rows[0]) if j != 1]
    for phase, name in (("研修前", "pre"), ("研修後", "post")):
        body = [[c for j, c in enumerate(r) if j != 1] for r in rows[1:] if r[1] == phase]
        _write_csv(folder / f"questionnaire_{name}.csv", [head, *body])


# --- items 1, 2, 4 and privacy: report ----------------------------------------------------------------
def test_report_survives_control_characters_and_extra_questionnaires(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    rows = _sample_rows(80)
    rows += [["A", "看護師", "1", f"連携\x0bが難しい{MARK}"],  # vertical tab from a copy-paste
             ["A", "医師", "1", f"短期入所\ufffeが足りない{MARK}"],  # a non-character: ill-formed XML before
             ["B", "保健師", "1", f"\x0c{MARK}\x01訪問看護\uffff"]]
    _write_csv(ws / "notes.csv", rows)
    _split_questionnaire(ws)
    proc = _run("report", ws, "--out", tmp_path / "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    _private(proc)
    assert "「questionnaire.csv」 は使いませんでした" in proc.stdout  # item 4: says what it left out
    assert "Excel のファイルに書けない見えない文字を含む付箋が 3 件" in proc.stdout  # items 1/2: counted
    book = tmp_path / "out" / "notes.xlsx"
    with zipfile.ZipFile(book) as z:  # every part is well-formed XML (Excel refuses the workbook otherwise)
        for name in z.namelist():
            if name.endswith(".xml"):
                minidom.parseString(z.read(name))
    texts = [c for row in openpyxl.load_workbook(book).worksheets[0].iter_rows(values_only=True) for c in row
             if isinstance(c, str) and MARK in c]
    assert sorted(texts) == sorted([f"連携\ufffdが難しい{MARK}", f"短期入所\ufffdが足りない{MARK}",
                                    f"\ufffd{MARK}\ufffd訪問看護\ufffd"])
    assert MARK in (tmp_path / "out" / "notes.csv").read_text(encoding="utf-8-sig")  # outputs keep the notes
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "「questionnaire.csv」 は使いませんでした" in html and "見えない文字を含む付箋が 3 件" in html


# --- item 6: an unclosed quote, in every command ------------------------------------------------------
def _unclosed(folder: Path) -> Path:
    folder.mkdir()
    lines = ["グループ,職種,内容", "A,医師,連携が難しい", f'A,看護師,"{MARK}訪問看護が足りない']
    lines += [f"B,保健師,{MARK}短期入所{i}" for i in range(40)]
    path = folder / "notes.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["analyze", "terms", "kwic", "report"])
def test_unclosed_quote_is_an_error_naming_the_row(tmp_path, command):
    path = _unclosed(tmp_path / "ws")
    args = {"analyze": [path, "--out", tmp_path / "o"], "terms": [path], "kwic": [path, "連携"],
            "report": [path.parent, "--out", tmp_path / "o"]}[command]
    proc = _run(command, *args, cwd=tmp_path)
    assert proc.returncode == 2
    assert "3行目" in proc.stderr and '引用符(")が閉じられていない' in proc.stderr and "41 行" in proc.stderr
    _private(proc)


def test_quote_left_open_on_the_last_line_is_reported_everywhere(tmp_path, capsys):
    rows = _sample_rows(60)
    path = tmp_path / "notes.csv"
    body = io.StringIO()
    csv.writer(body).writerows(rows)
    path.write_text(body.getvalue() + 'A,医師,1,"連携が難しい\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["analyze", str(path), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "62行目のD列(「内容」)で開いた引用符" in said
    info = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    assert any("62行目のD列" in w for w in info["input"]["warnings"]) and info["input"]["file"] == "notes.csv"
    assert main(["terms", str(path)]) == 0
    assert "62行目のD列" in capsys.readouterr().err  # stdout is the table


# --- item 7: the first visible sheet; a chosen sheet --------------------------------------------------
def test_hidden_first_sheet_is_skipped_and_the_sheet_recorded(tmp_path, capsys):
    wb = openpyxl.Workbook()
    old = wb.active
    old.title = "古い集計"
    old.append(["内容"])
    old.append(["古い付箋"])
    old.sheet_state = "hidden"
    ws = wb.create_sheet("付箋")
    ws.append(["グループ", "内容"])
    for i in range(12):
        ws.append(["A", f"訪問看護ステーションが足りない{i}"])
    path = tmp_path / "notes.xlsx"
    wb.save(path)
    assert [(s.name, s.visible) for s in list_sheets(path.read_bytes())] == [("古い集計", False), ("付箋", True)]
    assert main(["analyze", str(path), "--out", str(tmp_path / "o")]) == 0
    assert "シート「付箋」を読みました" in capsys.readouterr().out
    notes = read_notes(path)
    assert set(notes["source_sheet"]) == {"付箋"} and len(notes) == 12
    chosen = read_notes(path, sheet="古い集計")
    assert chosen["text"].tolist() == ["古い付箋"] and chosen.attrs["report"].sheet == "古い集計"
    assert notes.attrs["report"].hidden_sheets == ["古い集計"]


# --- item 8: cost bounded by the cells with values; caps with a Japanese message -------------------
def test_one_value_per_row_in_the_last_column(tmp_path, capsys):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("付箋")
    ws.append([None] * 16383 + ["内容"])
    for i in range(3000):
        ws.append([None] * 16383 + [f"連携が難しい{i}"])
    path = tmp_path / "xfd.xlsx"
    wb.save(path)
    notes = read_notes(path)
    assert len(notes) == 3000 and notes.attrs["report"].columns_found == ["内容"]
    assert main(["terms", str(path), "--top", "1"]) == 0
    assert "付箋 3000 枚" in capsys.readouterr().out


def test_too_many_columns_fail_fast_with_a_japanese_message(tmp_path):
    path = tmp_path / "commas.csv"
    path.write_text("内容\n" + f"{MARK}" + "," * 2_000_000 + "\n", encoding="utf-8")
    proc = _run("terms", path, cwd=tmp_path)
    assert proc.returncode == 2 and "列が多すぎます" in proc.stderr and "2行目" in proc.stderr
    _private(proc)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("付箋")
    ws.append(["内容"] + [f"{MARK}{i}" for i in range(1100)])
    wb.save(tmp_path / "wide.xlsx")
    proc = _run("analyze", tmp_path / "wide.xlsx", "--out", tmp_path / "o", cwd=tmp_path)
    assert proc.returncode == 2 and "値のある列が多すぎます" in proc.stderr
    _private(proc)


# --- item 13: full-width formula starts, zero-width notes, semicolons ----------------------------------
def test_full_width_formulas_zero_width_notes_and_semicolons(tmp_path, capsys):
    rows = [["グループ", "内容"]] + [["A", f"訪問看護が足りない{i}"] for i in range(20)]
    rows += [["A", "＝SUM(A1:A3) 連携"], ["A", "＠連携"], ["A", "\u200b\u200b"], ["A", "\u2060 \ufeff"]]
    path = _write_csv(tmp_path / "notes.csv", rows)
    out = tmp_path / "o"
    assert main(["analyze", str(path), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "付箋 22 枚" in said and "空の行を 2 行読み飛ばしました(24, 25 行目)" in said
    written = list(csv.reader(io.StringIO((out / "notes.csv").read_text(encoding="utf-8-sig"))))
    texts = [r[2] for r in written[1:]]
    assert "'＝SUM(A1:A3) 連携" in texts and "'＠連携" in texts
    assert read_notes(out / "notes.csv")["text"].tolist()[-2:] == ["＝SUM(A1:A3) 連携", "＠連携"]  # round trip

    semi = tmp_path / "semi.csv"
    semi.write_text("グループ;職種;内容\n" + "".join(f"A;医師;連携が難しい{i}\n" for i in range(10)), encoding="utf-8")
    assert main(["terms", str(semi), "--top", "3"]) == 0
    captured = capsys.readouterr()
    assert "セミコロン" in captured.err
    notes = read_notes(semi)
    assert notes["group"].tolist() == ["A"] * 10 and notes["text"][0] == "連携が難しい0"


# --- item 14: --max-mb ----------------------------------------------------------------------------------
def test_max_mb_option_and_its_hint(tmp_path, capsys):
    path = tmp_path / "big.csv"
    path.write_text("内容\n" + "".join(f"連携が難しい{i:07d}\n" for i in range(60_000)), encoding="utf-8")
    assert path.stat().st_size > 2**20
    assert main(["terms", str(path), "--max-mb", "1"]) == 2
    err = capsys.readouterr().err
    assert "--max-mb" in err and "max_bytes" not in err.split("Python")[0]
    assert main(["terms", str(path), "--max-mb", "2", "--top", "1"]) == 0
    assert "付箋 60000 枚" in capsys.readouterr().out


def test_blank_characters_are_every_whitespace_and_the_zero_width_ones():
    from issuemine.ingest.table import BLANK_CHARS

    spaces = {chr(i) for i in range(0x110000) if chr(i).isspace()}
    assert spaces <= set(BLANK_CHARS)
    assert set(BLANK_CHARS) - spaces == set("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")


def test_a_bug_never_prints_its_message(tmp_path, capsys, monkeypatch):
    """Whatever a bug raises (its message may quote a note), the command says where, not what."""
    import issuemine.cli.commands.terms as terms

    def broken(args):
        raise KeyError(f"{MARK} 連携が難しい")

    monkeypatch.delenv("ISSUEMINE_DEBUG", raising=False)
    monkeypatch.setattr(terms, "run", broken)
    assert main(["terms", str(SAMPLE / "notes.csv")]) == 1
    captured = capsys.readouterr()
    assert MARK not in captured.err + captured.out
    assert "内部エラー" in captured.err and "KeyError" in captured.err and "test_hostile_cli.py" in captured.err


def test_a_title_merged_across_columns_stays_a_title(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "第1回 全区会議 付箋一覧"
    ws.merge_cells("A1:C1")
    ws.append([])
    ws.append(["グループ", "職種", "内容"])
    ws.append(["1班", None, "連携不足"])
    ws.append([None, "医師", "人手不足"])
    ws.merge_cells("A4:A5")
    path = tmp_path / "t.xlsx"
    wb.save(path)
    notes = read_notes(path)
    assert notes["group"].tolist() == ["1班", "1班"] and notes["text"].tolist() == ["連携不足", "人手不足"]
    assert notes.attrs["report"].header_row == 3


def test_a_note_too_long_is_refused_without_its_text(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text('内容\n連携が難しい\n"' + MARK * 400 + '"\n', encoding="utf-8")
    proc = _run("analyze", path, "--out", tmp_path / "o", cwd=tmp_path)
    assert proc.returncode == 2 and "長すぎます" in proc.stderr and "3行目" in proc.stderr
    _private(proc)
