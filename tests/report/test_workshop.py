"""Finding a workshop folder's files."""

from pathlib import Path

import pytest

from issuemine.errors import InputError
from issuemine.report.workshop import find_workshop

ROOT = Path(__file__).resolve().parents[2]


def _touch(folder, *names):
    for n in names:
        (folder / n).write_text("x\n", encoding="utf-8")


def test_sample_folder():
    ws = find_workshop(ROOT / "workshops" / "sample")
    assert ws.name == "sample" and ws.notes.name == "notes.csv"


def test_notes_questionnaire_and_edits(tmp_path):
    _touch(tmp_path, "notes.csv", "questionnaire.csv", "notes.edits.jsonl", "README.md")
    ws = find_workshop(tmp_path)
    assert ws.notes.name == "notes.csv"
    assert [p.name for p in ws.questionnaires] == ["questionnaire.csv"]
    assert ws.edits.name == "notes.edits.jsonl"


def test_pre_post_files_are_ordered(tmp_path):
    _touch(tmp_path, "付箋.xlsx", "アンケート_後.csv", "アンケート_前.csv")
    ws = find_workshop(tmp_path)
    assert ws.notes.name == "付箋.xlsx"
    assert [p.name for p in ws.questionnaires] == ["アンケート_前.csv", "アンケート_後.csv"]
    assert ws.edits is None


def test_single_unnamed_table_is_the_notes(tmp_path):
    _touch(tmp_path, "第2回.xlsx")
    assert find_workshop(tmp_path).notes.name == "第2回.xlsx"


def test_a_notes_file_directly(tmp_path):
    _touch(tmp_path, "meeting.tsv", "meeting.edits.jsonl")
    ws = find_workshop(tmp_path / "meeting.tsv")
    assert ws.name == "meeting" and ws.edits.name == "meeting.edits.jsonl"


@pytest.mark.parametrize("files,fragment", [((), "ありません"), (("a.csv", "b.csv"), "a.csv、b.csv")])
def test_ambiguous_or_empty_folder(tmp_path, files, fragment):
    _touch(tmp_path, *files)
    with pytest.raises(InputError) as e:
        find_workshop(tmp_path)
    assert fragment in str(e.value) and tmp_path.name in str(e.value)


def test_missing_path(tmp_path):
    with pytest.raises(InputError, match="見つかりません"):
        find_workshop(tmp_path / "nope")
