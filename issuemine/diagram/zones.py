"""The zone model of the concept diagram 「相談支援事業を中心とする小児在宅支援の概念図」.

Three core zones — H 病院, C 地域, S 相談支援 (S in the centre, overlapping both) — give seven regions;
notes that belong to none of them fall outside: F 家族・本人, P 制度・政策, X 未分類. A placement is written
as its zone letters in the order H, C, S without separator ("HC"), or exactly one outside letter.

Pure Python on purpose: the CLI and the web app import this without paying for pandas.
"""

from __future__ import annotations

CORE = ("H", "C", "S")
OUTSIDE = ("F", "P", "X")
ZONES = CORE + OUTSIDE

ZONE_NAMES = {
    "H": "病院",
    "C": "地域",
    "S": "相談支援",
    "F": "家族・本人",
    "P": "制度・政策",
    "X": "未分類",
}

# Every placement a note can get, in display order: the seven regions of the diagram, then outside.
REGION_CODES = ("H", "C", "S", "HC", "HS", "CS", "HCS", "F", "P", "X")
REGIONS = {
    code: "∩".join(ZONE_NAMES[z] for z in code) if code[0] in CORE else ZONE_NAMES[code]
    for code in REGION_CODES
}
REGION_BY_NAME = {name: code for code, name in REGIONS.items()}

# Lexicon targets: any region except X (X means "no evidence", which no word can give).
TARGETS = tuple(c for c in REGION_CODES if c != "X")

# Accepted spellings of the core zones besides the letters (facilitators type names or symbols).
_ALIASES = {**{name: code for code, name in ZONE_NAMES.items()}}


def canonical_zones(value: str) -> str:
    """Return the canonical zones string for ``value`` or raise ``ValueError`` (a programming-level error
    that callers turn into a Japanese IssuemineError naming file and row).

    Accepts letters in any order and case ("ch" → "HC"), separators (「H∩C」「H,C」「H+C」) and the Japanese
    zone or region names (「病院∩地域」).  Outside categories must stand alone.
    """
    if not isinstance(value, str):
        raise ValueError(f"not a string: {type(value).__name__}")
    text = value.strip()
    if text in REGION_BY_NAME:
        return REGION_BY_NAME[text]
    parts = [p.strip() for p in _split(text)]
    letters: set[str] = set()
    for part in parts:
        if not part:
            continue
        if part in _ALIASES:
            letters.add(_ALIASES[part])
            continue
        for ch in part.upper():
            if ch not in ZONES:
                raise ValueError(f"unknown zone letter {ch!r}")
            letters.add(ch)
    if not letters:
        raise ValueError("empty")
    outside = letters & set(OUTSIDE)
    if outside and len(letters) > 1:
        raise ValueError("an outside category cannot be combined")
    return "".join(z for z in ZONES if z in letters)


def _split(text: str) -> list[str]:
    for sep in ("∩", ",", "、", "・", "+", "&", " ", "　", "/"):
        text = text.replace(sep, "\t")
    return text.split("\t")


def members(zones: str) -> frozenset[str]:
    """The zone letters a placement counts for: "HC" → {"H", "C"}; "F" → {"F"}."""
    return frozenset(zones)


def region_name(zones: str) -> str:
    """Japanese name of a canonical zones string: "HC" → 「病院∩地域」."""
    return REGIONS[zones]


def zones_of(letters) -> str:
    """Canonical string for a set of zone letters (core ones in the order H, C, S)."""
    letters = set(letters)
    core = "".join(z for z in CORE if z in letters)
    if core:
        return core
    for z in OUTSIDE:
        if z in letters:
            return z
    return "X"
