"""Encoding detection, especially on the short files where statistical detectors guess wrong."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from issuemine.errors import InputError
from issuemine.ingest import read_notes
from issuemine.ingest.encoding import decode, japanese_score

SHORT = ["連携", "連携不足", "訪問看護が足りない", "ショートステイ", "ﾍﾙﾊﾟｰ不足", "医ケア児の受け入れ先がない",
         "気切", "レスパイト", "家族の負担", "Ns不足"]


# Known limit: an EUC-JP note made only of half-width kana and kanji is also valid CP932 and
# reads as plausible kanji there; such a file needs encoding="euc-jp" (tested below).
AMBIGUOUS_EUC = "ﾍﾙﾊﾟｰ不足"


@pytest.mark.parametrize("text", SHORT)
@pytest.mark.parametrize("encoding", ["utf-8", "cp932", "euc-jp"])
def test_short_single_note_is_decoded_right(tmp_path, text, encoding):
    if encoding == "euc-jp" and text == AMBIGUOUS_EUC:
        text = AMBIGUOUS_EUC + "です"  # one hiragana is enough to decide
    # charset-normalizer alone calls several of these Big5, CP949 or UTF-16-BE
    path = tmp_path / "n.txt"
    path.write_bytes(text.encode(encoding))
    df = read_notes(path)
    assert df["text"].tolist() == [text]
    assert df.attrs["report"].encoding == encoding


def test_charset_normalizer_alone_is_wrong_on_short_cp932():
    """Why detection does not trust the detector: this is the failure it avoids."""
    import charset_normalizer

    wrong = [t for t in SHORT
             if (charset_normalizer.from_bytes(t.encode("cp932")).best() or None) is not None
             and charset_normalizer.from_bytes(t.encode("cp932")).best().encoding not in ("cp932", "shift_jis")]
    assert wrong, "the detector got every short note right: the reasoning in encoding.py needs a look"
    for t in wrong:
        assert decode(t.encode("cp932"), "x.txt")[1] == "cp932"


@pytest.mark.parametrize("bom, encoding", [
    (codecs.BOM_UTF8, "utf-8"), (b"", "utf-16-le"), (b"", "utf-16-be"),
])
def test_boms(tmp_path, bom, encoding):
    text = "内容\n連携不足\n"
    data = bom + text.encode(encoding)
    if encoding.startswith("utf-16"):
        data = (codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE) + text.encode(encoding)
    path = tmp_path / "n.csv"
    path.write_bytes(data)
    assert read_notes(path)["text"].tolist() == ["連携不足"]


def test_utf32_with_bom(tmp_path):
    path = tmp_path / "n.csv"
    path.write_bytes("内容\n連携不足\n".encode("utf-32"))
    df = read_notes(path)
    assert df["text"].tolist() == ["連携不足"] and df.attrs["report"].encoding == "utf-32"


def test_cp932_extensions_that_shift_jis_rejects(tmp_path):
    text = "①②㈱№∵髙﨑德"
    data = ("内容\n" + text + "\n").encode("cp932")
    with pytest.raises(UnicodeDecodeError):
        data.decode("shift_jis")
    path = tmp_path / "n.csv"
    path.write_bytes(data)
    assert read_notes(path)["text"].tolist() == [text]


def test_utf16_without_bom_needs_to_be_named(tmp_path):
    path = tmp_path / "n.csv"
    path.write_bytes("内容\nheart\n".encode("utf-16-le"))
    with pytest.raises(InputError) as err:
        read_notes(path)
    assert "utf-16-le" in str(err.value) and "n.csv" in str(err.value)
    assert read_notes(path, encoding="utf-16-le")["text"].tolist() == ["heart"]


def test_explicit_encoding_and_unknown_name(tmp_path):
    path = tmp_path / "n.csv"
    path.write_bytes("内容\n連携\n".encode("euc-jp"))
    assert read_notes(path, encoding="euc-jp")["text"].tolist() == ["連携"]
    with pytest.raises(InputError, match="文字コード名「latin-9x」") as err:
        read_notes(path, encoding="latin-9x")
    assert err.value.file.endswith("n.csv")


def test_wrong_explicit_encoding_names_the_line(tmp_path):
    path = tmp_path / "n.csv"
    path.write_bytes(("text\nabc\ndef\n" + "連携\n").encode("cp932"))
    with pytest.raises(InputError) as err:
        read_notes(path, encoding="utf-8")
    assert err.value.row == 4 and "4行目" in str(err.value)


def test_unknown_encoding_names_the_line(tmp_path):
    # valid UTF-8 lines, then a line that is neither UTF-8, CP932 nor EUC-JP (0x80 0xFF)
    path = tmp_path / "n.csv"
    path.write_bytes("内容\n連携\n".encode("utf-8") + b"\xff\x80\xff\n")
    with pytest.raises(InputError, match="文字コードを判定できません") as err:
        read_notes(path)
    assert err.value.row == 3 and err.value.file.endswith("n.csv")


def test_ambiguous_eucjp_with_explicit_encoding(tmp_path):
    path = tmp_path / "n.txt"
    path.write_bytes(AMBIGUOUS_EUC.encode("euc-jp"))
    assert read_notes(path, encoding="euc-jp")["text"].tolist() == [AMBIGUOUS_EUC]


def test_eucjp_read_as_cp932_scores_lower():
    for t in [t for t in SHORT if t != AMBIGUOUS_EUC]:
        data = t.encode("euc-jp")
        try:
            as_cp932 = data.decode("cp932")
        except UnicodeDecodeError:
            continue
        if as_cp932 != t:
            assert japanese_score(t) > japanese_score(as_cp932), t


# Japanese as notes are written: kana, kanji of everyday use, ASCII letters and digits.
_JA = st.text(alphabet=st.sampled_from(
    list("あいうえおかがきくけこさしすせそただちつてとなにぬねのはばぱひふへほまみむめもやゆよらりるれろわをん"
         "アイウエオカガキクケコサシスセソタダチツテトナニヌネノハバパヒフヘホマミムメモヤユヨラリルレロワヲンー"
         "訪問看護連携不足支援相談病院地域在宅医療家族負担学校短期入所情報共有制度時間対応受入先"
         "、。・「」（）0123456789ABCxyz ")), min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.lists(_JA, min_size=1, max_size=5),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp932", "euc-jp"]))
def test_japanese_text_decodes_to_itself_in_every_encoding(lines, encoding):
    text = "\n".join(lines)
    if not any("\u3041" <= ch <= "\u30ff" for ch in text):
        text += "です"  # a note with no kana at all is the ambiguous case documented above
    got, _ = decode(text.encode(encoding), "x.csv")
    assert got == text
