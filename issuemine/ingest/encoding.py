"""Decode a workshop file: UTF-8 (with or without BOM), UTF-16/32 with BOM, CP932, EUC-JP.

Detection is explicit rather than left to a statistical detector, because short Japanese files are
exactly where detectors guess wrong (charset-normalizer calls a two-word CP932 file Big5 or CP949):

1. a BOM decides (UTF-8, UTF-32, UTF-16);
2. NUL bytes without a BOM mean binary (or UTF-16 without BOM: the user must say so);
3. strict UTF-8 (ASCII is UTF-8);
4. strict CP932 and strict EUC-JP; if both decode, the text that looks more like Japanese wins
   (mojibake of EUC-JP read as CP932 is mostly half-width kana), ties go to charset-normalizer's
   ranking and then to CP932, the usual encoding of Excel on Japanese Windows;
5. otherwise the file's encoding is unknown; charset-normalizer's guess is only quoted in the hint.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from issuemine.errors import InputError

SUPPORTED = ("utf-8", "utf-8-sig", "utf-16", "utf-32", "cp932", "euc-jp")

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: FF FE 00 00 also starts with the UTF-16-LE BOM
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, path: str | Path, encoding: str | None = None) -> tuple[str, str]:
    """``(text, encoding name)``; the BOM is removed. Raises InputError naming the first bad line."""
    if encoding and encoding.lower() not in ("auto", ""):
        return _decode_as(data, path, encoding), encoding
    for bom, name in _BOMS:
        if data.startswith(bom):
            if name == "utf-32":
                try:
                    return data.decode("utf-32"), name
                except UnicodeDecodeError:
                    continue  # a UTF-16-LE file whose first character is U+0000: try UTF-16
            return _decode_as(data, path, name), name
    if b"\x00" in data:
        hint = None
        if _looks_utf16_without_bom(data):
            hint = "BOMのないUTF-16のようです。BOM付きで保存するか、文字コード(encoding)に utf-16-le を指定してください"
        raise InputError("バイナリファイル(NULバイトを含む)のため、テキストとして読めません。",
                         file=path, row=_line_of(data, data.index(b"\x00")), hint=hint)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    decoded = {}
    errors = {}
    for name in ("cp932", "euc-jp"):
        try:
            decoded[name] = data.decode(name)
        except UnicodeDecodeError as exc:
            errors[name] = exc
    if len(decoded) == 1:
        (name, text), = decoded.items()
        return text, name
    if len(decoded) == 2:
        return _choose(data, decoded)
    # Nothing fits: name the line where the most promising candidate failed last.
    exc = max([utf8_error, *errors.values()], key=lambda e: e.start)
    guess = _detector_guess(data)
    hint = "対応している文字コードは UTF-8、UTF-8(BOM付き)、UTF-16(BOM付き)、CP932(Shift_JIS)、EUC-JP です"
    if guess and guess not in ("ascii", "utf_8", "cp932", "shift_jis", "euc_jp"):  # those just failed
        hint += f"。参考までに、自動判定ツールの推定は {guess} です(正しければ encoding に指定すると読めます)"
    raise InputError("文字コードを判定できません。", file=path, row=_line_of(data, exc.start), hint=hint)


def _decode_as(data: bytes, path: str | Path, encoding: str) -> str:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"文字コード名「{encoding}」を知りません。", file=path,
                         hint="utf-8、cp932、euc-jp、utf-16 などを指定してください") from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"文字コード {encoding} として読めないバイトがあります。", file=path,
                         row=_line_of(data, exc.start),
                         hint="ファイルの文字コードを確認してください(自動判定にするには指定を外します)") from None
    return text[1:] if text.startswith("\ufeff") else text


def _line_of(data: bytes, offset: int) -> int:
    """1-based physical line of a byte offset (a quoted cell spanning lines makes this approximate)."""
    return data.count(b"\n", 0, offset) + 1


def _looks_utf16_without_bom(data: bytes) -> bool:
    even, odd = data[0::2], data[1::2]
    return max(even.count(0), odd.count(0)) > len(data) // 8


def _choose(data: bytes, decoded: dict[str, str]) -> tuple[str, str]:
    scores = {name: japanese_score(text) for name, text in decoded.items()}
    best = max(scores.values())
    tied = [n for n in ("cp932", "euc-jp") if scores[n] == best]
    if len(tied) > 1:
        guess = _detector_guess(data, allowed=("cp932", "euc_jp"))
        if guess == "euc_jp":
            tied = ["euc-jp"]
    return decoded[tied[0]], tied[0]


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_SCORE_SAMPLE = 1 << 16  # characters: a large file is judged on its first 64k non-ASCII ones


def japanese_score(text: str) -> float:
    """Mean plausibility of the non-ASCII characters of a decoding (higher = more like Japanese).

    Kana and Japanese punctuation are what real notes are made of; half-width kana, private-use
    characters and control characters are what a wrong decoding produces.
    """
    total = 0.0
    n = 0
    for ch in "".join(_NON_ASCII.findall(text))[:_SCORE_SAMPLE]:
        o = ord(ch)
        n += 1
        if 0x3040 <= o <= 0x30FF or 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E:
            total += 1.0
        elif 0x4E00 <= o <= 0x9FFF:
            total += 0.5
        elif 0xFF61 <= o <= 0xFF9F:
            total -= 0.5
        elif 0xE000 <= o <= 0xF8FF or unicodedata.category(ch) in ("Cc", "Co", "Cn"):
            total -= 3.0
        else:
            total -= 1.0
    return total / n if n else 0.0


def _detector_guess(data: bytes, allowed: tuple[str, ...] | None = None) -> str | None:
    """charset-normalizer's best guess, used only as a tie-breaker and in hints, never trusted alone."""
    import charset_normalizer

    kwargs = {"cp_isolation": list(allowed)} if allowed else {}
    best = charset_normalizer.from_bytes(data[: 1 << 16], **kwargs).best()
    return best.encoding if best is not None else None
