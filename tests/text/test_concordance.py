"""term_table and kwic on small known inputs, and the ``terms`` / ``kwic`` commands end to end."""

import csv

import pandas as pd
import pytest

from issuemine.cli.main import main
from issuemine.errors import ConfigError
from issuemine.text import JapaneseTokenizer, Normalizer, kwic, term_table
from issuemine.text.compounds import load_compounds

NOTES = pd.Series(
    ["訪看と連携できない", "病院と訪問看護の連携", "連携連携と言うだけ", "ショートステイが少ない"],
    index=["a", "b", "c", "d"],
)


def test_term_table_known_counts():
    table = term_table(NOTES)
    assert list(table.columns) == ["term", "pos", "count", "notes"]
    rows = {r.term: (r.pos, r.count, r.notes) for r in table.itertuples()}
    assert rows["連携"] == ("名詞-普通名詞-サ変可能", 3, 2)      # twice in c, once in b
    assert rows["訪問看護"] == ("名詞-普通名詞-一般", 2, 2)      # 訪看 normalised
    assert rows["連携+否定"][1:] == (1, 1)
    assert rows["短期入所"][1:] == (1, 1)
    # sorted by count descending, then term
    keys = [(-c, t) for t, c in zip(table["term"], table["count"])]
    assert keys == sorted(keys)
    assert table["count"].sum() == sum(len(t) for t in JapaneseTokenizer().transform(NOTES))


def test_term_table_both_mode_counts_plain_lemma_too():
    table = term_table(NOTES.iloc[:1], tokenizer=JapaneseTokenizer(negation="both"))
    assert dict(zip(table["term"], table["count"])) == {"訪問看護": 1, "連携": 1, "連携+否定": 1}


def test_kwic_known_rows():
    out = kwic(NOTES, "連携", width=3)
    assert list(out.columns) == ["note_index", "left", "term", "right"]
    assert out.values.tolist() == [
        ["a", "看護と", "連携", "できな"],
        ["b", "看護の", "連携", ""],
        ["c", "", "連携", "連携と"],
        ["c", "連携", "連携", "と言う"],
    ]
    # an abbreviation finds its normalised form; a negated feature finds its occurrence
    assert kwic(NOTES, "訪看")["note_index"].tolist() == ["a", "b"]
    assert kwic(NOTES, "連携+否定")["note_index"].tolist() == ["a"]
    assert kwic(NOTES, "存在しない語").empty
    # the base form as written finds inflected forms
    assert kwic(pd.Series(["先生がわからない"]), "わかる").values.tolist() == [[0, "先生が", "わから", "ない"]]


def _write_notes(path, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["グループ", "職種", "内容"])
        w.writerows(rows)


def test_terms_command_prints_and_writes_guarded_csv(tmp_path, capsys):
    src = tmp_path / "notes.csv"
    _write_notes(src, [["A", "看護師", "訪看と連携できない"], ["B", "医師", "連携が大切"], ["B", "医師", "=SUM(1)の連携"]])
    out = tmp_path / "terms.csv"
    assert main(["terms", str(src), "--csv", str(out), "--top", "2"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "語\t品詞\t出現回数\t付箋数"
    assert printed[1].startswith("連携\t名詞\t2\t2")  # a plain part of speech, not the UniDic tag
    assert len(printed) == 1 + 2 + 2  # header, top 2, summary, written
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["語", "品詞", "出現回数", "付箋数"]
    assert all(not r[0].startswith(("=", "+", "-", "@")) for r in rows[1:])


def test_kwic_command(tmp_path, capsys):
    src = tmp_path / "notes.csv"
    _write_notes(src, [["A", "看護師", "訪看と連携できない"], ["B", "医師", "気切の子"]])
    out = tmp_path / "kwic.csv"
    assert main(["kwic", str(src), "気切", "--width", "5", "--csv", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "付箋ID\t前の文脈\t語\t後の文脈"
    assert printed[1].split("\t")[1:] == ["", "気管切開", "の子"]
    rows = list(csv.reader(out.read_bytes().decode("utf-8-sig").splitlines()))
    assert rows[1][1:] == ["", "気管切開", "の子"]


def test_terms_command_names_missing_text_column(tmp_path, capsys):
    src = tmp_path / "bad.csv"
    src.write_text("グループ,職種\nA,医師\n", encoding="utf-8")
    assert main(["terms", str(src)]) == 2
    assert "bad.csv" in capsys.readouterr().err


def test_bad_abbreviation_file_names_row_and_column(tmp_path):
    f = tmp_path / "abbr.tsv"
    f.write_text("from\tto\tnote\n訪看\t訪問看護\t\nDr\t\t\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        Normalizer(f)
    assert (err.value.row, err.value.column) == (3, "to")
    assert "abbr.tsv" in str(err.value)
    f.write_text("src\tdst\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        Normalizer(f)


def test_bad_compound_file(tmp_path):
    f = tmp_path / "c.txt"
    f.write_text("訪問看護\n訪問 看護\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_compounds(f)
    assert err.value.row == 2
    with pytest.raises(ConfigError):
        load_compounds(tmp_path / "missing.txt")


def test_empty_inputs_give_empty_tables():
    table = term_table(pd.Series([], dtype="string"))
    assert list(table.columns) == ["term", "pos", "count", "notes"] and table.empty
    assert term_table(pd.Series(["が", None])).empty
    assert kwic(["連携が大事"], "連携").values.tolist() == [[0, "", "連携", "が大事"]]


def test_terms_command_with_explicit_column(tmp_path, capsys):
    src = tmp_path / "memo.csv"
    src.write_text("番号,メモ\n1,気切の子の短期入所\n2,ショートステイが足りない\n", encoding="utf-8")
    assert main(["terms", str(src), "--column", "メモ", "--top", "0"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("短期入所\t名詞\t2\t2")
    assert {line.split("\t")[0] for line in lines[1:-1]} == {"短期入所", "気管切開", "子", "足りる+否定"}
    assert main(["terms", str(src), "--column", "B"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("短期入所\t")
