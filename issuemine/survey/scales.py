"""Answer scales (corpora/scales.tsv): labels ↔ numeric codes, and which scale an item uses.

A scale is an ordered set of integer codes (higher = more positive), each with one display label and
any number of accepted variants, and a positive flag (the top two categories). Labels are compared in
a normalised form so that 分かる/わかる, 全く/まったく and full/half width all match.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from issuemine.corpora import corpus_path, read_data_rows
from issuemine.errors import ConfigError

# Kanji/kana spellings folded to one form before comparing; applied to scale labels and answers alike.
_FOLDS = (
    ("分か", "わか"),
    ("解か", "わか"),
    ("判か", "わか"),
    ("全く", "まったく"),
    ("全然", "ぜんぜん"),
    ("言え", "いえ"),
    ("おもう", "思う"),
    ("おもわ", "思わ"),
    ("余り", "あまり"),
    ("出来", "でき"),
)
_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.0+)?$")
_HEADER = ["scale_id", "label", "value", "positive"]


@lru_cache(maxsize=4096)  # answers repeat a handful of labels thousands of times
def normalize_label(text: str) -> str:
    """NFKC, no whitespace, kanji/kana variants folded; used as the key of every label."""
    s = _SPACE.sub("", unicodedata.normalize("NFKC", str(text)))
    for a, b in _FOLDS:
        s = s.replace(a, b)
    return s


def parse_number(text: str) -> int | None:
    """The integer written in ``text`` ("3", "３", "3.0"), else None."""
    s = _SPACE.sub("", unicodedata.normalize("NFKC", str(text)))
    if _NUMBER.match(s):
        return int(float(s))
    return None


@dataclass
class Scale:
    """One answer scale: codes, display labels, accepted variants and positive codes."""

    scale_id: str
    labels: dict[int, str] = field(default_factory=dict)      # code -> display label
    variants: dict[str, int] = field(default_factory=dict)    # normalised label -> code
    positive: set[int] = field(default_factory=set)

    @property
    def values(self) -> list[int]:
        return sorted(self.labels)

    @property
    def top(self) -> int:
        return max(self.labels)

    @property
    def middle(self) -> int | None:
        """The middle code of an odd scale (どちらともいえない), None on even scales."""
        v = self.values
        return v[len(v) // 2] if len(v) % 2 else None

    def code(self, text: str) -> int | None:
        """Code of an answer written as a label or a number, None when it is not on this scale."""
        value = self.variants.get(normalize_label(text))
        if value is None:
            value = parse_number(text)
            if value not in self.labels:
                return None
        return value

    def known_labels(self) -> str:
        """The display labels with their codes, for error messages: とてもわかる(4)、わかる(3)…"""
        return "、".join(f"{self.labels[v]}({v})" for v in reversed(self.values))


class Scales:
    """All scales of a scales file, in file order."""

    def __init__(self, scales: list[Scale], source: str = "") -> None:
        self._scales = {s.scale_id: s for s in scales}
        self.source = source

    def __getitem__(self, scale_id: str) -> Scale:
        return self._scales[scale_id]

    def __contains__(self, scale_id: str) -> bool:
        return scale_id in self._scales

    def __iter__(self):
        return iter(self._scales.values())

    def ids(self) -> list[str]:
        return list(self._scales)

    def has_label(self, text: str) -> bool:
        key = normalize_label(text)
        return any(key in s.variants for s in self)

    def detect(self, answers: list[str]) -> Scale | None:
        """The first scale on which every answer (label or number) is valid, preferring scales whose
        labels the answers actually use; None when there is none.

        Answers given only as numbers fit every scale containing those codes: the smallest such scale is
        taken (1–4 reads as the 4-point scale), because a wider scale would invent unused categories.
        """
        fitting = [s for s in self if all(s.code(a) is not None for a in answers)]
        if not fitting:
            return None
        labelled = [s for s in fitting if any(normalize_label(a) in s.variants for a in answers)]
        if labelled:
            return labelled[0]
        return min(fitting, key=lambda s: len(s.labels))


def load_scales(path: str | Path | None = None) -> Scales:
    """Read a scales file (default corpora/scales.tsv). Malformed rows raise ConfigError with the row."""
    path = Path(path) if path is not None else corpus_path("scales.tsv")
    scales: dict[str, Scale] = {}
    for lineno, cells in read_data_rows(path, what="尺度ファイル", header=tuple(_HEADER), header_optional=True):
        if len(cells) < 4:
            raise ConfigError("列が足りません(scale_id、label、value、positive をタブで区切ってください)。",
                              file=path, row=lineno)
        sid, label, value_text, pos_text = cells[:4]
        value = parse_number(value_text)
        if value is None:
            raise ConfigError("value は整数にしてください。", file=path, row=lineno, column="value")
        if pos_text not in ("0", "1"):
            raise ConfigError("positive は 1 か 0 にしてください。", file=path, row=lineno, column="positive")
        if not sid or not label:
            raise ConfigError("scale_id と label は空にできません。", file=path, row=lineno)
        if parse_number(label) is not None:
            raise ConfigError("数字だけのラベルは使えません(数字はそのまま値として読みます)。",
                              file=path, row=lineno, column="label")
        scale = scales.setdefault(sid, Scale(sid))
        key = normalize_label(label)
        if key in scale.variants and scale.variants[key] != value:
            raise ConfigError(f"ラベル「{label}」が尺度 {sid} の中で異なる値に重複しています。",
                              file=path, row=lineno, column="label")
        is_pos = pos_text == "1"
        if value in scale.labels and (value in scale.positive) != is_pos:
            raise ConfigError(f"尺度 {sid} の値 {value} で positive が行によって異なります。",
                              file=path, row=lineno, column="positive")
        scale.variants[key] = value
        scale.labels.setdefault(value, label)
        if is_pos:
            scale.positive.add(value)
    if not scales:
        raise ConfigError("尺度が1つも定義されていません。", file=path)
    return Scales(list(scales.values()), source=str(path))
