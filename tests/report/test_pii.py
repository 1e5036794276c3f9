"""--mask-pii: phone numbers, e-mail addresses and personal names (UniDic 人名 via real fugashi)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from issuemine.report.pii import EMAIL_MASK, NAME_MASK, PHONE_MASK, PiiMasker

MASKER = PiiMasker()

KNOWN = [
    ("田中さんに03-1234-5678で連絡", f"{NAME_MASK}さんに{PHONE_MASK}で連絡"),
    ("山田太郎 090-1234-5678 taro@example.jp", f"{NAME_MASK} {PHONE_MASK} {EMAIL_MASK}"),
    ("訪問看護師の佐藤さんと相談", f"訪問看護師の{NAME_MASK}さんと相談"),
    ("０３－１２３４－５６７８へ電話", f"{PHONE_MASK}へ電話"),
    ("連絡先 tanaka@hosp.or.jp まで", f"連絡先 {EMAIL_MASK} まで"),
    ("(03)5555-1234 地域連携室", f"{PHONE_MASK} 地域連携室"),
    ("+81-3-1234-5678", PHONE_MASK),
]

UNCHANGED = [
    "保健師が不在、24時間対応できない",
    "訪問看護ステーションが少ない",
    "相談支援専門員が医療的ケアをわからない",
    "2013年4月から障害者総合支援法",
    "平成25年度に10人",
    "短期入所の受け入れ先がない",
    "NICUから在宅移行するときの退院調整",
]


@pytest.mark.parametrize("text,expected", KNOWN)
def test_known_answers(text, expected):
    assert MASKER.mask(text) == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_field_sentences_without_pii_unchanged(text):
    assert MASKER.mask(text) == text


def test_kinds_can_be_switched_off():
    text = "田中さん 03-1234-5678"
    assert PiiMasker(names=False).mask(text) == f"田中さん {PHONE_MASK}"
    assert PiiMasker(phones=False).mask(text) == f"{NAME_MASK}さん 03-1234-5678"


def test_non_strings_pass_through():
    assert MASKER.mask(None) is None
    assert MASKER.mask("") == ""


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("田中太郎佐藤さんの連携0123456789-@.abc 病院が少ない")), max_size=40))
def test_masking_is_idempotent(text):
    once = MASKER.mask(text)
    assert MASKER.mask(once) == once
