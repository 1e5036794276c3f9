"""The plain-Japanese scanner: what a person sees on a page, in the report or in an xlsx sheet, checked for
the things issue 11 forbids. Reusable by any test: ``scan_html(html, where)``, ``scan_xlsx(path)``,
``scan_text(text, where)``; each returns a list of ``Finding`` (empty = plain).

Problem classes (``Finding.problem``):
  identifier   snake_case, camelCase, kebab-case (exact-ties, utf-8-sig) or word+digits (understanding4)
               program names; file names such as survey_items.csv are allowed
  internal_id  note ids (N + hex) and theme ids (C01, T01) outside an id column (a column headed …ID)
  zone_code    zone codes (HC, HS, CS, HCS; a lone H, C, S, F, P or X as a table header) or ∩ instead of
               the zones' names
  long_float   a number with more than three decimals (or three, when it is 10 or more: 91.667)
  minus_zero   「-0」
  utc          UTC, or a raw ISO timestamp (2026-12-06 05:53) instead of 「2026年12月6日 14:53」
  english      pre, post, asymptotic, True, False, None, nan, notes, type
  zero_p       「0.000」 (a p value shown as zero)
  weight       a keyword with its raw weight (「退院:0.220」)
  pos_tag      a UniDic tag (名詞-普通名詞-一般)
  markup       literal markup (<b>) in the text

Visible text: element text and the attributes a person reads (title, alt, placeholder, aria-label, value of
buttons); not <script>, <style> or elements marked ``data-plain-exempt`` (a technical block). Table cells
under a header ending in 「ID」 may hold ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

_A = r"(?<![A-Za-z0-9_])"
_Z = r"(?![A-Za-z0-9_])"
FILE_NAME = re.compile(r"[\w.\-]+\.(?:csv|json|jsonl|xlsx|pdf|html|zip|tsv|txt|png|md|py)\b")
# Proper names a person may read as they are (software the report credits, methods named after people).
ALLOWED_WORDS = {"McNemar", "JavaScript", "PowerPoint", "iPhone", "iPad", "chiVe", "scikit-learn", "umap-learn",
                 "unidic-lite", "ja-ginza", "jinja2", "plotly.js", "python-multipart", "charset-normalizer"}

RULES = [
    ("identifier", re.compile(_A + r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+" + _Z)),   # snake_case
    ("identifier", re.compile(_A + r"[A-Za-z0-9]*[a-z][A-Z][A-Za-z0-9]*" + _Z)),       # camelCase
    ("identifier", re.compile(_A + r"-{0,2}[a-z][a-z0-9]*(?:-[a-z0-9]+)+" + _Z)),   # exact-ties, utf-8-sig
    ("identifier", re.compile(_A + r"[a-z]{3,}\d+" + _Z)),                        # understanding4
    ("internal_id", re.compile(_A + r"N[0-9a-f]{6,}" + _Z)),
    ("internal_id", re.compile(_A + r"[CT]\d{2,3}" + _Z)),
    ("zone_code", re.compile(r"∩")),
    ("zone_code", re.compile(r"(?<![A-Za-z0-9_.\-/])(?:HCS|HC|HS|CS)(?![A-Za-z0-9_./\-+(]|\s*=)")),
    ("long_float", re.compile(r"(?<![\d.])\d+\.\d{4,}(?![\d.])")),
    ("long_float", re.compile(r"(?<![\d.])\d{2,}\.\d{3}(?![\d.])")),  # 91.667: a share or mean, too precise
    ("minus_zero", re.compile(r"(?<![\w.])[-−]0(?:\.0+)?(?![\d.])")),
    ("utc", re.compile(_A + r"UTC" + _Z)),
    ("utc", re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")),
    ("english", re.compile(_A + r"(?:[Pp]re|[Pp]ost|asymptotic|True|False|None|nan|NaN|notes|type)" + _Z)),
    ("zero_p", re.compile(r"(?<![\d.])0\.000(?![\d])")),
    ("weight", re.compile(r"[^\s\d:.]:\s?\d\.\d{2,}")),
    ("pos_tag", re.compile(r"(?:名詞|動詞|形容詞|副詞|助詞|助動詞|接尾辞|記号)-\S")),
    ("markup", re.compile(r"</?(?:b|i|br|span|div|script)\b[^>]*>")),
]


@dataclass(frozen=True)
class Finding:
    where: str
    problem: str
    match: str
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem} 「{self.match}」 in 「{self.text[:120]}」"


# A single zone letter is a finding only as a column or row header (a group may well be called 「C」).
ZONE_LETTER = re.compile(r"^\s*[HCSFPX]\s*$")


def scan_text(text: str, where: str = "", *, id_ok: bool = False, header: bool = False) -> list[Finding]:
    """Findings in one piece of visible text (``id_ok``: the text sits in an id column; ``header``: it is a
    table header, where a lone zone letter counts too)."""
    if text is None:
        return []
    text = str(text)
    cleaned = FILE_NAME.sub(" ", text)
    out = []
    if header and ZONE_LETTER.match(text):
        out.append(Finding(where, "zone_code", text.strip(), text))
    for problem, rx in RULES:
        if id_ok and problem in ("internal_id", "zone_code"):
            continue
        for m in rx.finditer(cleaned):
            if m.group(0) in ALLOWED_WORDS:
                continue
            out.append(Finding(where, problem, m.group(0), text))
    return out


class _Visible(HTMLParser):
    SKIP = {"script", "style", "noscript", "template"}
    VOID = {"br", "img", "input", "hr", "meta", "link", "source", "col", "wbr", "area", "base", "embed",
            "param", "track"}
    READ_ATTRS = ("title", "alt", "placeholder", "aria-label")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []   # (tag, exempt)
        self.skip = 0
        self.pieces: list[tuple[str, bool, bool]] = []   # (text, id_ok, header)
        self.tables: list[dict] = []              # per open table: id columns, current column, in header
        self._cell: list[str] | None = None
        self._cell_id_ok = False
        self._cell_is_th = False

    @property
    def exempt(self) -> bool:
        return any(e for _, e in self.stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.SKIP:
            self.skip += 1
        if tag not in self.VOID:
            self.stack.append((tag, "data-plain-exempt" in a))
        if self.skip or self.exempt:
            return
        for name in self.READ_ATTRS:
            if a.get(name):
                self.pieces.append((a[name], False, False))
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.pieces.append((a["value"], False, False))
        if tag == "table":
            self.tables.append({"id_cols": set(), "col": -1})
        elif tag == "tr" and self.tables:
            self.tables[-1]["col"] = -1
        elif tag in ("td", "th") and self.tables:
            t = self.tables[-1]
            t["col"] += 1
            self._cell, self._cell_is_th = [], tag == "th"
            self._cell_id_ok = t["col"] in t["id_cols"]

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.tables:
            text = " ".join(" ".join(self._cell).split())
            t = self.tables[-1]
            if self._cell_is_th and re.search(r"(?:ID|番号)$", text):
                t["id_cols"].add(t["col"])
            self.pieces.append((text, self._cell_id_ok or (self._cell_is_th and text.endswith("ID")),
                                self._cell_is_th))
            self._cell = None
        if tag == "table" and self.tables:
            self.tables.pop()
        if tag in self.SKIP and self.skip:
            self.skip -= 1
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if self.skip or self.exempt:
            return
        if self._cell is not None:
            self._cell.append(data)
        else:
            self.pieces.append((data, False, False))


def visible_pieces(html: str) -> list[tuple[str, bool, bool]]:
    """(text, in an id column, a table header) for every visible piece of ``html``."""
    p = _Visible()
    p.feed(html)
    p.close()
    return [(" ".join(t.split()), ok, th) for t, ok, th in p.pieces if t.strip()]


def visible_text(html: str) -> str:
    return " ".join(t for t, _, _ in visible_pieces(html))


def scan_html(html: str, where: str = "page") -> list[Finding]:
    out = []
    for text, id_ok, header in visible_pieces(html):
        out += scan_text(text, where, id_ok=id_ok, header=header)
    return out


TECHNICAL_SHEETS = ("技術情報",)


def scan_xlsx(path, where: str | None = None, skip=TECHNICAL_SHEETS) -> list[Finding]:
    """Every sheet a person opens (not 技術情報): headers and cells; numbers as Excel shows them."""
    from openpyxl import load_workbook

    where = where or Path(path).name
    wb = load_workbook(path, read_only=True)
    out = []
    for ws in wb.worksheets:
        if ws.title.startswith(tuple(skip)):
            continue
        out += scan_text(ws.title, f"{where}[{ws.title}]")
        id_cols: set[int] = set()
        for r, row in enumerate(ws.iter_rows(values_only=True)):
            for c, v in enumerate(row):
                if v is None:
                    continue
                cell = f"{where}[{ws.title}]!R{r + 1}C{c + 1}"
                if r == 0 and isinstance(v, str) and re.search(r"(?:ID|番号)$", v.strip()):
                    id_cols.add(c)
                if isinstance(v, bool):
                    out.append(Finding(cell, "english", str(v), str(v)))
                elif isinstance(v, float):
                    if round(v, 3) != v:
                        out.append(Finding(cell, "long_float", repr(v), repr(v)))
                    elif v == 0 and str(v).startswith("-"):
                        out.append(Finding(cell, "minus_zero", repr(v), repr(v)))
                else:
                    out += scan_text(str(v), cell, id_ok=c in id_cols and r > 0, header=r == 0)
    wb.close()
    return out


def report(findings, limit: int = 40) -> str:
    lines = [str(f) for f in findings[:limit]]
    if len(findings) > limit:
        lines.append(f"… and {len(findings) - limit} more")
    return "\n".join(lines)
