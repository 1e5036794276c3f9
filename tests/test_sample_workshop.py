"""Checks that the bundled fictional workshops hold by construction.

Read with pandas and the csv module directly, not through issuemine, so these tests stay valid
whatever the reader does and catch a broken data file before the reader's tests blame the reader.
"""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

WORKSHOPS = Path(__file__).resolve().parent.parent / "workshops"
SAMPLE = WORKSHOPS / "sample"
NOTE_COLUMNS = ["グループ", "職種", "回", "内容"]
ITEMS = 8
# The 4-point understanding scale and the variant spellings the parser must accept.
SCALE = {
    "とてもわかる": 4, "とても分かる": 4,
    "わかる": 3, "分かる": 3,
    "わからない": 2, "分からない": 2,
    "まったくわからない": 1, "全くわからない": 1, "まったく分からない": 1, "全く分からない": 1,
}
NOTE_FILES = sorted(WORKSHOPS.glob("*/notes.csv"))


def read_notes(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def notes() -> pd.DataFrame:
    return read_notes(SAMPLE / "notes.csv")


@pytest.fixture(scope="module")
def answers() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "questionnaire.csv", dtype=str, keep_default_na=False, encoding="utf-8")


# --- every bundled notes file -------------------------------------------------------------------

def test_sample_and_meetings_found():
    assert SAMPLE / "notes.csv" in NOTE_FILES


@pytest.mark.parametrize("path", NOTE_FILES, ids=lambda p: p.parent.name)
def test_notes_file_is_plain_utf8_csv(path: Path):
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM: the BOM case is the reader's round-trip test"
    assert raw.endswith(b"\n") and b"\r" not in raw
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == NOTE_COLUMNS
    bad = [i for i, row in enumerate(rows[1:], start=2) if len(row) != len(NOTE_COLUMNS)]
    assert bad == [], f"rows with a wrong field count: {bad[:5]}"
    # pandas must agree with the csv module row for row (quoting done right)
    assert len(read_notes(path)) == len(rows) - 1


@pytest.mark.parametrize("path", NOTE_FILES, ids=lambda p: p.parent.name)
def test_notes_are_sticky_note_sized(path: Path):
    df = read_notes(path)
    assert list(df.columns) == NOTE_COLUMNS
    lengths = df["内容"].str.strip().str.len()
    short_or_long = df.index[(lengths < 10) | (lengths > 60)].tolist()
    assert short_or_long == [], f"rows (0-based) outside 10–60 chars: {short_or_long[:5]}"
    assert (df[NOTE_COLUMNS[:3]] != "").all().all(), "group, profession and round filled in"
    assert set(df["回"]) <= {"1", "2"}


@pytest.mark.parametrize("path", NOTE_FILES, ids=lambda p: p.parent.name)
def test_each_meeting_has_a_readme_saying_fictional(path: Path):
    readme = (path.parent / "README.md").read_text(encoding="utf-8")
    assert "架空" in readme and "fictional" in readme.lower()


# --- the sample workshop ------------------------------------------------------------------------

def test_sample_size_groups_professions_rounds(notes):
    assert len(notes) >= 600
    assert notes["グループ"].nunique() >= 8
    assert notes["職種"].nunique() >= 10
    assert set(notes["回"]) == {"1", "2"}
    # every group worked in both rounds, and group sizes are uneven as in a real room
    assert (notes.groupby("グループ")["回"].nunique() == 2).all()
    assert notes["グループ"].value_counts().nunique() > 1


def test_sample_has_few_exact_duplicates_but_some_variants(notes):
    text = notes["内容"].str.strip()
    assert text.duplicated().sum() <= 5
    # full-width/half-width variants exist: NFKC merges characters in some notes
    assert (text != text.map(lambda s: unicodedata.normalize("NFKC", s))).sum() >= 3


def test_sample_collaboration_is_the_commonest_topic_word(notes):
    """連携 must be frequent, as in the workshop the data imitate; 連携 beats any single resource word."""
    text = notes["内容"]
    renkei = text.str.contains("連携|連繋|連係").sum()
    for word in ("ショート", "ヘルパー", "学校", "相談員", "研修", "制度"):
        assert renkei > text.str.contains(word).sum(), word


def test_sample_uses_field_abbreviations_and_spelling_variants(notes):
    text = " ".join(notes["内容"])
    for token in ("訪看", "気切", "ショート", "Ns", "Dr", "医ケア児", "放デイ", "在支診", "重心", "呼吸器",
                  "PEG", "子供", "子ども", "こども", "分か", "わか"):
        assert token in text, token


# Keyword patterns for domain.md's theme checklist, with the least each theme must keep (about 70% of
# what the file holds). Patterns overlap, as themes do; this is a coverage guard, not a classifier.
CHECKLIST = {
    "連携": ("連携|連繋|連係|顔の見える|顔が見える|顔を合わせ|共有|情報|退院|つながっていない|橋渡し|役割", 110),
    "短期入所・レスパイト": ("ショート|ｼｮｰﾄ|短期入所|レスパイト|預け", 40),
    "キーパーソン": ("キーパ|コーディネー|まとめ役|窓口|ケアマネ|調整役|司令塔|つなぎ役", 20),
    "相談支援": ("相談員|相談支援|計画|セルフプラン|モニタリング", 30),
    "在宅医": ("在宅医|往診|訪問診療|在支診|かかりつけ|在宅のDr", 22),
    "訪問看護・24時間": ("訪看|訪問看護|24|２４", 35),
    "ヘルパー": ("ヘルパー|ヘルバー|居宅介護", 18),
    "家族": ("家族|母|父|親|きょうだい|祖父母", 50),
    "学校・保育": ("学校|保育|幼稚園|放デイ|放課後|就学|教員|教育", 30),
    "制度・報酬": ("制度|報酬|加算|手帳|法|単価|点数|助成|予算", 25),
    "急変": ("急変|救急|緊急", 12),
    "災害・電源": ("災害|停電|電源|避難|震災", 8),
    "実態把握": ("何人|数を|実数|実態|データ|把握", 8),
    "地域格差・広域": ("区によって|区外|広域|格差|遠方|エリア|隣の区|都外|県境|全域", 8),
    "研修・人材": ("研修|育て|人材|人手不足|募集", 18),
    "通院": ("通院|送迎|移動|受診", 8),
    "ライフステージ": ("成人|18歳|１８歳|卒業|移行", 12),
}


def test_sample_covers_the_theme_checklist_with_renkei_first(notes):
    counts = {name: int(notes["内容"].str.contains(pattern).sum()) for name, (pattern, _) in CHECKLIST.items()}
    thin = {name: counts[name] for name, (_, least) in CHECKLIST.items() if counts[name] < least}
    assert thin == {}, thin
    assert max(counts, key=counts.get) == "連携"
    assert 0.15 <= counts["連携"] / len(notes) <= 0.30
    # uneven: the rarest themes are a handful, the commonest many times that
    assert counts["連携"] >= 5 * min(counts.values())


@pytest.mark.parametrize(
    "profession, pattern",
    [
        ("特別支援学校教員", "学校|教員|教育|卒業|校外|通学|高等部"),
        ("MSW", "退院|病院|院内|レスパイト|資源"),
        ("短期入所施設職員", "ショート|ｼｮｰﾄ|短期入所|受入|受け入れ|預け"),
        ("ヘルパー", "ヘルパー|ヘルバー|吸引|研修|居宅"),
        ("相談支援専門員", "相談員|相談支援|計画|医療|キーパ|ケース会議"),
    ],
)
def test_professions_raise_their_own_issues(notes, profession, pattern):
    """Teachers write about school, MSWs about discharge …: at least twice as often as everyone else."""
    own = notes["職種"] == profession
    hits = notes["内容"].str.contains(pattern)
    assert own.sum() >= 20
    assert hits[own].mean() >= 2 * hits[~own].mean() + 0.1


# --- the questionnaire --------------------------------------------------------------------------

def test_questionnaire_shape_and_labels(answers):
    cols = list(answers.columns)
    assert cols[:2] == ["回答者ID", "時期"] and cols[-1] == "自由記述"
    items = cols[2:-1]
    assert len(items) == ITEMS and len(set(items)) == ITEMS
    assert len(answers) == 24
    values = set(answers[items].to_numpy().ravel())
    assert values <= set(SCALE), values - set(SCALE)
    assert values - {"とてもわかる", "わかる", "わからない", "まったくわからない"}, "variants present"


def test_questionnaire_ids_are_paired(answers):
    assert set(answers["時期"]) == {"研修前", "研修後"}
    ids = {f"R{i:02d}" for i in range(1, 13)}
    for period, group in answers.groupby("時期"):
        assert sorted(group["回答者ID"]) == sorted(ids), period


def test_questionnaire_moves_from_not_knowing_to_knowing(answers):
    items = list(answers.columns[2:-1])
    scores = answers.set_index(["時期", "回答者ID"])[items].apply(lambda s: s.map(SCALE)).sort_index()
    pre, post = scores.loc["研修前"], scores.loc["研修後"]
    assert (pre <= 2).to_numpy().mean() > 0.6      # mostly わからない / まったくわからない before
    assert (post >= 3).to_numpy().mean() > 0.7     # mostly わかる after
    assert (post == 4).to_numpy().sum() >= 5       # some とてもわかる
    change = post - pre
    assert 1 <= (change < 0).to_numpy().sum() <= 3  # one or two got worse
    assert (change == 0).to_numpy().sum() >= 5      # unchanged pairs for the signed-rank test to handle
    assert ((pre >= 3).mean() >= 0.9).sum() >= 1    # one item near ceiling before
    free = answers["自由記述"].str.strip()
    assert 0 < (free == "").sum() < len(answers) / 2


# --- the two smaller meetings for the multi-workshop comparison ----------------------------------

def test_area_meetings_are_smaller_and_differ_from_the_sample(notes):
    meetings = {p.parent.name: read_notes(p) for p in NOTE_FILES if p.parent != SAMPLE}
    if not meetings:
        pytest.skip("no area meetings bundled")
    sample_text = set(notes["内容"])
    for name, df in meetings.items():
        assert 100 <= len(df) < len(notes), name
        assert not sample_text & set(df["内容"]), f"{name} repeats sample notes"
    # the outage meeting brings a theme the sample never mentions, and disaster dominates it
    outage = meetings["area-meeting-3"]["内容"]
    assert not notes["内容"].str.contains("感染").any()
    assert outage.str.contains("感染").sum() >= 5
    assert outage.str.contains("停電|電源|災害|避難").mean() > notes["内容"].str.contains("停電|電源|災害|避難").mean() * 5
