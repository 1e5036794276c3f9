"""``--mask-pii``: replace phone numbers, e-mail addresses and personal names in note text.

Names are found with UniDic's part-of-speech tags (名詞-固有名詞-人名, via fugashi + unidic-lite), so a
family name written alone (「田中さん」) is caught as well as a full name. Phone numbers and e-mail
addresses are matched by pattern in half- and full-width forms. The masks are fixed strings, so masking is
deterministic and idempotent.
"""

from __future__ import annotations

import re

PHONE_MASK = "[電話番号]"
EMAIL_MASK = "[メール]"
NAME_MASK = "[氏名]"

_D = "[0-9０-９]"
_SEP = r"[-‐－―ー−\s()（）]?"
# Japanese numbers: 0X-XXXX-XXXX, 0XX-XXX-XXXX, 090-XXXX-XXXX, 0120-XXX-XXX, +81 …, or 10–11 digits run.
_PHONE = re.compile(
    rf"(?:(?:\+|＋)(?:81|８１){_SEP}{_D}{{1,4}}|[(（]?[0０]{_D}{{0,4}}[)）]?){_SEP}{_D}{{1,4}}{_SEP}{_D}{{3,4}}"
    rf"(?!{_D})"
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+[@＠][A-Za-z0-9.\-]+\.[A-Za-z]{2,}")


class PiiMasker:
    """Mask personal information in strings.

    Parameters
    ----------
    phones, emails, names : which kinds to mask (all by default).
    """

    def __init__(self, phones: bool = True, emails: bool = True, names: bool = True) -> None:
        self.phones = phones
        self.emails = emails
        self.names = names
        self._tagger = None

    def _name_spans(self, text: str) -> list[tuple[int, int]]:
        if self._tagger is None:
            import fugashi

            self._tagger = fugashi.Tagger()
        spans: list[tuple[int, int]] = []
        pos = 0
        for word in self._tagger(text):
            pos += len(word.white_space)
            start, end = pos, pos + len(word.surface)
            pos = end
            f = word.feature
            if getattr(f, "pos2", None) == "固有名詞" and getattr(f, "pos3", None) == "人名":
                if spans and spans[-1][1] == start:  # family + given name: one mask
                    spans[-1] = (spans[-1][0], end)
                else:
                    spans.append((start, end))
        return spans

    def mask(self, text):
        """The text with personal information replaced; non-strings are returned unchanged."""
        if not isinstance(text, str) or not text:
            return text
        if self.emails:
            text = _EMAIL.sub(EMAIL_MASK, text)
        if self.phones:
            text = _PHONE.sub(PHONE_MASK, text)
        if self.names:
            # MeCab's reading depends on context, so masking a name can expose another (いさ郎佐 → [氏名]郎佐
            # → [氏名][氏名]): repeat until nothing changes, so masking twice equals masking once. Each
            # changing pass removes unmasked characters, so this ends.
            while True:
                masked = self._mask_names(text)
                if masked == text:
                    break
                text = masked
        return text

    def _mask_names(self, text: str) -> str:
        # Split around masks already placed so their brackets are not re-tagged.
        parts = re.split(r"(\[電話番号\]|\[メール\]|\[氏名\])", text)
        out = []
        for part in parts:
            if part in (PHONE_MASK, EMAIL_MASK, NAME_MASK) or not part:
                out.append(part)
                continue
            last = 0
            for s, e in self._name_spans(part):
                out.append(part[last:s])
                out.append(NAME_MASK)
                last = e
            out.append(part[last:])
        return "".join(out)

    def mask_frame(self, df, columns):
        """A copy of ``df`` with ``columns`` (those present) masked; missing values stay missing."""
        out = df.copy()
        for c in columns:
            if c in out.columns:
                out[c] = out[c].map(lambda v: self.mask(v) if isinstance(v, str) else v).astype(out[c].dtype)
        return out
