import pandas as pd
import pytest

from issuemine.schema import NOTES

# Two obviously different topics, written for these tests (fictional notes).
SHORT_STAY = [
    "短期入所の受け入れ先が足りない", "ショートステイが予約でいっぱい", "医療型短期入所の空きがない",
    "レスパイトできる施設が少ない", "短期入所を断られることが多い", "ショートステイ先が遠くて使えない",
    "呼吸器の子を預かる短期入所がない", "短期入所のベッドが足りない", "短期入所の日数が少なすぎる",
    "ショートステイの予約が半年待ち",
]
SCHOOL = [
    "特別支援学校に看護師が足りない", "学校で吸引してもらえない", "通学の送迎がなく登校できない",
    "保育園で医療的ケア児を受け入れてくれない", "学校に親の付き添いを求められる", "訪問教育の回数が少ない",
    "就学先の学校が決まらず不安", "保育園に学校看護師がいない", "特別支援学校のスクールバスに乗れない",
    "学校の先生が医療的ケアを知らない",
]


def make_notes(texts, professions=None) -> pd.DataFrame:
    n = len(texts)
    df = pd.DataFrame({
        "note_id": [f"N{i:04d}" for i in range(n)], "workshop": ["test"] * n, "text": list(texts),
        "group": ["A"] * n, "profession": list(professions) if professions else [""] * n,
        "round": [""] * n, "participant": [""] * n, "source_file": ["test.csv"] * n,
        "source_sheet": [""] * n,
        "source_row": list(range(2, n + 2)), "duplicate_of": [""] * n, "near_duplicate_of": [""] * n,
    })
    return NOTES.conform(df)


@pytest.fixture(scope="session")
def tokenizer():
    from issuemine.text import JapaneseTokenizer

    return JapaneseTokenizer()


@pytest.fixture(scope="session")
def two_topics():
    return make_notes(SHORT_STAY + SCHOOL, professions=["訪問看護師", "相談支援専門員"] * 10)


@pytest.fixture(scope="session")
def two_topic_result(two_topics, tokenizer):
    from issuemine.themes import ThemeModel

    return ThemeModel(n_themes=2, codebook=False, tokenizer=tokenizer, n_resamples=4).fit(two_topics)


@pytest.fixture(scope="session")
def sample_notes():
    from pathlib import Path

    from issuemine.ingest import read_notes

    return read_notes(Path(__file__).resolve().parents[2] / "workshops" / "sample" / "notes.csv")


@pytest.fixture(scope="session")
def sample_result(sample_notes, tokenizer):
    from issuemine.themes import ThemeModel

    return ThemeModel(seed=0, tokenizer=tokenizer, n_resamples=3).fit(sample_notes)
