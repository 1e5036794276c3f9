import csv
import io
import json

import pytest

from issuemine.cli.main import main

from .conftest import SCHOOL, SHORT_STAY


def _write_text_only(path, texts):
    path.write_text("text\n" + "\n".join(texts) + "\n", encoding="utf-8")


def _rows(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM
    return list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"))))


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    d = tmp_path_factory.mktemp("an")
    src = d / "ws.csv"
    texts = SHORT_STAY + SCHOOL + ["=1+1 と書いた付箋", "<script>alert(1)</script>"]
    _write_text_only(src, texts)
    assert main(["analyze", str(src), "--out", str(d / "out1"), "--seed", "3"]) == 0
    assert main(["analyze", str(src), "--out", str(d / "out2"), "--seed", "3"]) == 0
    return d, src, texts


def test_text_only_input_gives_all_outputs_in_input_order(analysed):
    d, _, texts = analysed
    rows = _rows(d / "out1" / "notes.csv")
    assert [r["text"].lstrip("'") for r in rows] == texts
    for col in ("note_id", "text", "theme_id", "theme_label", "heading", "theme_confidence", "theme_weak"):
        assert col in rows[0]
    assert rows[-2]["text"].startswith("'=")  # formula guard
    themes = _rows(d / "out1" / "themes.csv")
    assert sum(int(t["size"]) for t in themes) == len(texts)
    info = json.loads((d / "out1" / "analysis.json").read_text(encoding="utf-8"))
    assert info["seed"] == 3 and info["n_notes"] == len(texts) and info["why_ja"]
    assert not list(d.glob(".out1.tmp-*"))


def test_same_input_and_seed_give_byte_identical_files(analysed):
    d, _, _ = analysed
    for name in ("notes.csv", "themes.csv", "analysis.json"):
        assert (d / "out1" / name).read_bytes() == (d / "out2" / name).read_bytes(), name


def test_analysis_json_has_sorted_keys_and_no_note_text(analysed):
    d, _, texts = analysed
    raw = (d / "out1" / "analysis.json").read_text(encoding="utf-8")
    info = json.loads(raw)
    assert list(info) == sorted(info)
    assert not any(t in raw for t in texts)


def test_edits_beside_the_input_are_applied_and_stale_ones_reported(analysed, capsys):
    d, src, _ = analysed
    edits = src.with_name("ws.edits.jsonl")
    edits.write_text('{"op": "rename", "theme": "T01", "label": "編集した名前"}\n'
                     '{"op": "move", "note": "N-gone", "theme": "T01"}\n', encoding="utf-8")
    try:
        assert main(["analyze", str(src), "--out", str(d / "out3"), "--seed", "3", "--no-codebook"]) == 0
    finally:
        edits.unlink()
    out = capsys.readouterr().out
    assert "注意" in out and "N-gone" in out
    assert "適用できなかった手直し(1 件)" in out and "古い形式" in out
    assert "編集した名前" in {t["label"] for t in _rows(d / "out3" / "themes.csv")}
    written = json.loads((d / "out3" / "analysis.json").read_text(encoding="utf-8"))["edits"]
    assert [o["status"] for o in written["outcomes"]] == ["applied_by_id", "not_applied"]
    assert "N-gone" in written["not_applied"][0] and "0.5" in written["rule"]


def test_user_errors_exit_2_with_a_message(tmp_path, capsys):
    src = tmp_path / "ws.csv"
    _write_text_only(src, SHORT_STAY)
    assert main(["analyze", str(src), "--out", str(tmp_path / "o"), "--edits", str(tmp_path / "none.jsonl")]) == 2
    assert "編集リスト" in capsys.readouterr().err
    bad = tmp_path / "cb.tsv"
    bad.write_text("id\tname\n", encoding="utf-8")
    assert main(["analyze", str(src), "--out", str(tmp_path / "o"), "--codebook", str(bad)]) == 2


def test_tiny_input_is_not_a_crash(tmp_path, capsys):
    src = tmp_path / "one.csv"
    _write_text_only(src, ["短期入所が足りない"])
    assert main(["analyze", str(src), "--out", str(tmp_path / "o")]) == 0
    assert "少ない" in capsys.readouterr().out
    assert len(_rows(tmp_path / "o" / "notes.csv")) == 1
