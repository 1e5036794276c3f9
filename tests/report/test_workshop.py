"""Finding a workshop folder's files."""

import json
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
    # workshop.json names the (fictional) workshop and the day it was held
    assert ws.name == "小児在宅支援ワークショップ(見本・架空)" and ws.notes.name == "notes.csv"
    assert ws.extra["date"] == "2026-11-14"


@pytest.mark.parametrize("typed, iso", [("2026-12-06", "2026-12-06"), ("２０２６年１２月６日", "2026-12-06"),
                                        ("令和8年12月6日(日)", "2026-12-06"), ("2026/1/5", "2026-01-05")])
def test_workshop_json_date_as_people_write_it(tmp_path, typed, iso):
    _touch(tmp_path, "notes.csv")
    (tmp_path / "workshop.json").write_text(json.dumps({"name": "  第1回   全区  ", "date": typed}), encoding="utf-8")
    ws = find_workshop(tmp_path)
    assert ws.name == "第1回 全区" and ws.extra["date"] == iso


@pytest.mark.parametrize("typed, words", [("2026年2月30日", "という日はありません"), ("12月6日", "日付として読めません"),
                                          ("2026/12/6(月)", "日曜日です"), ("3026-01-01", "年が正しくない")])
def test_workshop_json_bad_date_names_the_file(tmp_path, typed, words):
    _touch(tmp_path, "notes.csv")
    (tmp_path / "workshop.json").write_text(json.dumps({"date": typed}), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        find_workshop(tmp_path)
    assert "workshop.json" in str(exc.value) and words in str(exc.value) and typed in str(exc.value)


def test_with_details_overrides_name_and_date(tmp_path):
    from issuemine.report.workshop import with_details

    _touch(tmp_path, "notes.csv")
    ws = with_details(find_workshop(tmp_path), name="第2回", date="R8.12.6")
    assert ws.name == "第2回" and ws.extra == {"name": "第2回", "date": "2026-12-06"}
    assert "date" not in with_details(ws, date="").extra  # an empty date removes it
    with pytest.raises(InputError, match="100 文字以内"):
        with_details(ws, name="あ" * 101)


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
