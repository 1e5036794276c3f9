"""Questionnaire files → long answers (schema ANSWERS): shapes, columns, labels, respondents.

Three shapes are recognised: one file with a phase column (研修前/研修後, 前/後, pre/post …), two files
(pre, post), or wide (項目_前 / 項目_後 columns, one row per respondent). Columns are told apart by their
header: the respondent id (ID, 回答者ID, 番号 …), the phase, free text (自由記述, 感想, コメント …),
attributes that are not answers (職種, 所属 …); every other column is an item whose answers must be labels
of a scale in corpora/scales.tsv, or its numeric codes.

Respondent ids are kept as written (NFKC, trimmed, "12.0" from a float cell as "12") and paired by
``respondent_key``: an id of digits only by its number, so "001" before and "1" after are one person
(Excel drops leading zeros, people type ids both ways); any other id ("A01", "a-1") exactly. Two
different written ids with one key in one phase ("01" and "1") are an error, never one person.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path

from issuemine.errors import ConfigError, InputError
from issuemine.survey.scales import Scale, Scales, load_scales, parse_number
from issuemine.survey.table import read_table

PHASE_JA = {"pre": "研修前", "post": "研修後"}

_ID_HEADERS = {"id", "回答者", "回答者id", "回答者番号", "番号", "respondent", "respondentid", "respondent_id",
               "no", "no.", "受講者id", "受講者番号", "参加者id", "参加者番号", "id番号"}
_PHASE_HEADERS = {"時期", "phase", "前後", "時点", "調査時期", "実施時期", "区分", "timing", "time", "pre/post"}
_FREE_WORDS = ("自由記述", "感想", "コメント", "意見", "記述", "備考", "comment", "free", "remark")
_ATTR_HEADERS = {"職種", "所属", "性別", "年齢", "年代", "経験年数", "氏名", "名前", "日付", "記入日", "回答日",
                 "回答日時", "タイムスタンプ", "timestamp", "施設", "施設名", "勤務先", "地域", "区", "職位"}
_PHASE_VALUES = {
    "pre": ("前", "研修前", "事前", "受講前", "実施前", "介入前", "pre", "before", "研修前アンケート"),
    "post": ("後", "研修後", "事後", "受講後", "実施後", "介入後", "post", "after", "研修後アンケート"),
}
_PHASE_OF = {v: k for k, vs in _PHASE_VALUES.items() for v in vs}
_MISSING = {"", "無回答", "未回答", "未記入", "na", "n/a", "-", "ー", "―", "—", "−", "・"}
_WIDE_WORDS = r"研修前|研修後|事前|事後|受講前|受講後|前|後|pre|post|before|after"
_WIDE_SUFFIX = re.compile(rf"^(?P<stem>.+?)[\s_\-・:()]*\(?(?P<ph>{_WIDE_WORDS})\)?$", re.IGNORECASE)
_WIDE_PREFIX = re.compile(rf"^\(?(?P<ph>{_WIDE_WORDS})\)?[\s_\-・:)]+(?P<stem>.+)$", re.IGNORECASE)
_LONG_LABEL = 20  # longer answers are not quoted in errors: they may be free text about families


@lru_cache(maxsize=4096)  # answers repeat a handful of labels thousands of times
def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lower()


def _phase_of(text: str) -> str | None:
    return _PHASE_OF.get(_key(text))


# ASCII digits only (NFKC has already turned full-width digits into ASCII): other scripts' digits, signs,
# decimals other than ".0", thousands separators and 1E+03 are not taken as numbers, because reading them
# as one could merge ids that were meant to differ.
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_FLOAT_CELL = re.compile(r"([0-9]+)\.0+", re.ASCII)  # "12.0": a whole-number cell read as a float


def _respondent(text: str) -> str:
    """A respondent id as written: NFKC (full-width → half-width), trimmed; "12.0" as "12"."""
    s = unicodedata.normalize("NFKC", str(text)).strip()
    m = _FLOAT_CELL.fullmatch(s)
    return m.group(1) if m else s


@lru_cache(maxsize=65536)  # one call per answer in compare; ids repeat once per item
def respondent_key(respondent: str) -> str:
    """The key respondents are paired by: an id of digits only by its number ("001", "１", " 1 ", "1.0"
    → "1"), any other id as written after NFKC and trimming ("A01" ≠ "a01" ≠ "A1"); "" stays "" (anonymous).

    Leading zeros are the one difference ignored, because spreadsheets drop them and people type ids both
    ways; letters, hyphens or case are left alone since they may be what tells two people apart.
    """
    s = _respondent(respondent)
    if _DIGITS.fullmatch(s):
        return s.lstrip("0") or "0"  # not int(): int() refuses over 4300 digits, and "0" must stay "0"
    return s


def _is_missing(text: str) -> bool:
    return _key(text) in _MISSING


@dataclass
class _Cell:
    respondent: str
    phase: str
    item: str
    label: str
    file: Path
    row: int
    column: str


@dataclass(frozen=True)
class Carried:
    """Free text and reading notes riding on ``answers.attrs["survey"]``.

    pandas deep-copies ``attrs`` on nearly every operation; this holder is immutable and hands itself
    back instead of being copied, so a large questionnaire's free text does not slow every filter.
    """

    info: dict
    freetext: tuple

    def __deepcopy__(self, memo):
        return self

    def __copy__(self):
        return self


def carried(answers) -> Carried:
    """What read_answers attached to ``answers`` (empty when built another way)."""
    c = answers.attrs.get("survey")
    return c if isinstance(c, Carried) else Carried({}, ())


@dataclass
class SurveyData:
    """What a questionnaire holds: answers (ANSWERS), free text and how the files were read."""

    answers: object
    freetext: object
    info: dict = field(default_factory=dict)


@dataclass
class _Columns:
    respondent: str | None = None
    phase: str | None = None
    freetext: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)


def _classify(df, file: Path) -> _Columns:
    cols = _Columns()
    for c in df.columns:
        k = _key(c)
        if cols.respondent is None and k in _ID_HEADERS:
            cols.respondent = c
        elif cols.phase is None and (k in _PHASE_HEADERS or _all_phases(df[c])):
            cols.phase = c
        elif any(w in k for w in _FREE_WORDS):
            cols.freetext.append(c)
        elif k in _ATTR_HEADERS or k.startswith("unnamed:") or not k:
            cols.ignored.append(c)
        else:
            cols.items.append(c)
    # Items are matched across files (and pre/post columns paired) by their compared form: two columns
    # of one file with the same form could not be told apart.
    seen: dict[str, str] = {}
    for c in cols.items + cols.freetext:
        k = _key(c)
        if k in seen:
            raise InputError(f"列「{seen[k]}」と列「{c}」は同じ見出しとみなされ、区別できません"
                             "(全角・半角、大文字・小文字、空白の違いは区別しません)。", file=file, column=c,
                             hint="どちらかの見出しを別の名前に変えてください")
        seen[k] = c
    return cols


def _all_phases(series) -> bool:
    values = [v for v in series if str(v).strip()]
    return bool(values) and all(_phase_of(v) for v in values) and len({_phase_of(v) for v in values}) == 2


def _check_duplicates(keys: list[tuple[str, str, int]], file: Path, column: str | None) -> None:
    """keys: (respondent as written, phase, row). One respondent answering twice in one phase is an error,
    and so are two written ids that pair as one ("01" and "1"): they may be two people."""
    seen: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for resp, phase, row in keys:
        if resp:
            seen.setdefault((respondent_key(resp), phase), []).append((row, resp))
    for (key, phase), found in seen.items():
        if len(found) < 2:
            continue
        rows = [r for r, _ in found]
        written = sorted({w for _, w in found}, key=lambda w: min(r for r, x in found if x == w))
        if len(written) == 1:
            listed = "、".join(str(r) for r in rows)
            what = f"が{PHASE_JA[phase]}に2回以上回答しています" if phase in PHASE_JA else "の行が複数あります"
            raise InputError(
                f"回答者「{written[0]}」{what}({listed}行目)。",
                file=file, row=rows[1], column=column,
                hint="重複した行を削除するか、回答者IDを直してください")
        listed = "と".join(f"「{w}」({'、'.join(str(r) for r, x in found if x == w)}行目)" for w in written)
        where = f"{PHASE_JA[phase]}の" if phase in PHASE_JA else ""
        raise InputError(
            f"{where}回答者ID{listed}は、数字だけのIDとして先頭の0を除くと同じ番号「{key}」になります。"
            "別の人か同じ人の重複か判断できないため、研修前後の対応づけができません。",
            file=file, row=rows[1], column=column,
            hint="別の人なら重ならない番号に、同じ人なら重複した行を削除してください。"
                 "数字だけのIDは「001」と「1」を同じ人として研修前後を対応づけます")


def _long_cells(df, rows, file: Path, cols: _Columns, phase_fixed: str | None) -> list[_Cell]:
    cells: list[_Cell] = []
    keys = []
    col = {c: [str(v) for v in df[c]] for c in df.columns}  # per-cell df.at is 100x slower
    for i, row in enumerate(rows):
        resp = _respondent(col[cols.respondent][i]) if cols.respondent else ""
        if phase_fixed is not None:
            phase = phase_fixed
        else:
            raw = col[cols.phase][i]
            phase = _phase_of(raw)
            if phase is None:
                known = "、".join(_PHASE_VALUES["pre"][:4] + _PHASE_VALUES["post"][:4])
                what = "時期が空欄です" if not raw.strip() else f"時期{_quote(raw.strip())}を読み取れません"
                raise InputError(f"{what}。使える値: {known}", file=file, row=row, column=cols.phase)
        keys.append((resp, phase, row))
        for item in cols.items + cols.freetext:
            cells.append(_Cell(resp, phase, item, col[item][i].strip(), file, row, item))
    _check_duplicates(keys, file, cols.respondent)
    return cells


def _wide_pairs(items: list[str]) -> dict[str, dict[str, str]] | None:
    """{stem: {"pre": column, "post": column}} when the item columns are item_前/item_後 pairs."""
    found: dict[str, dict[str, str]] = {}
    for c in items:
        n = unicodedata.normalize("NFKC", c).strip()
        m = _WIDE_SUFFIX.match(n) or _WIDE_PREFIX.match(n)
        if m and _phase_of(m.group("ph")):
            found.setdefault(m.group("stem").strip(), {})[_phase_of(m.group("ph"))] = c
    if not any(len(v) == 2 for v in found.values()):
        return None
    return found


def _wide_cells(df, rows, file: Path, cols: _Columns, pairs) -> tuple[list[_Cell], list[str]]:
    for stem, side in pairs.items():
        if len(side) < 2:
            have = next(iter(side.values()))
            missing = "post" if "pre" in side else "pre"
            raise InputError(f"項目「{stem}」の{PHASE_JA[missing]}の列がありません。", file=file, column=have,
                             hint="横持ち形式では「項目_前」「項目_後」の2列をそろえてください")
    paired_cols = {c for side in pairs.values() for c in side.values()}
    stray = [c for c in cols.items if c not in paired_cols]
    if stray:
        raise InputError("研修前・研修後のどちらの列か読み取れません。", file=file, column=stray[0],
                         hint="横持ち形式では見出しを「項目_前」「項目_後」の形にしてください")
    cells: list[_Cell] = []
    keys = []
    col = {c: [str(v) for v in df[c]] for c in df.columns}
    for i, row in enumerate(rows):
        resp = _respondent(col[cols.respondent][i]) if cols.respondent else f"行{row}"
        keys.append((resp, "wide", row))  # one row holds both phases
        for stem, side in pairs.items():
            for phase in ("pre", "post"):
                c = side[phase]
                cells.append(_Cell(resp, phase, stem, col[c][i].strip(), file, row, c))
        for c in cols.freetext:
            m = _WIDE_SUFFIX.match(unicodedata.normalize("NFKC", c).strip())
            phase = _phase_of(m.group("ph")) if m else "post"  # an undated comment is written afterwards
            cells.append(_Cell(resp, phase, c, col[c][i].strip(), file, row, c))
    _check_duplicates(keys, file, cols.respondent)
    return cells, list(pairs)


def _quote(label: str) -> str:
    if len(label) > _LONG_LABEL:
        return f"({len(label)}文字の文字列)"
    return f"「{label}」"


def _unknown_label_error(cell: _Cell, best: Scale) -> InputError:
    long = len(cell.label) > _LONG_LABEL
    hint = ("自由記述の列なら、見出しに「自由記述」「感想」「コメント」のいずれかを含めてください" if long
            else "新しいラベルは corpora/scales.tsv に追加できます")
    return InputError(f"回答{_quote(cell.label)}は尺度のラベルにありません。使えるラベル: {best.known_labels()}",
                      file=cell.file, row=cell.row, column=cell.column, hint=hint)


def _assign_scales(cells: list[_Cell], items: list[str], scales: Scales, scale: str | None):
    """{item: Scale} and the items whose scale was inferred from numbers alone."""
    by_item: dict[str, list[_Cell]] = {it: [] for it in items}
    for c in cells:
        if c.item in by_item and not _is_missing(c.label):
            by_item[c.item].append(c)
    chosen: dict[str, Scale] = {}
    numeric_only = []
    for item, its in by_item.items():
        if scale is not None:
            sc = scales[scale]
        elif its and all(parse_number(c.label) is not None for c in its):
            numeric_only.append(item)
            continue
        else:
            sc = scales.detect(sorted({c.label for c in its}))
            if sc is None:  # name the first answer that fits no scale, against the closest scale
                best = max(scales, key=lambda s: sum(s.code(c.label) is not None for c in its))
                bad = next(c for c in its if best.code(c.label) is None)
                raise _unknown_label_error(bad, best)
        bad = next((c for c in its if sc.code(c.label) is None), None)
        if bad is not None:
            raise _unknown_label_error(bad, sc)
        chosen[item] = sc
    used = {s.scale_id for s in chosen.values()}
    for item in numeric_only:
        its = by_item[item]
        labels = sorted({c.label for c in its})
        sc = scales[next(iter(used))] if len(used) == 1 else None
        if sc is None or any(sc.code(a) is None for a in labels):
            sc = scales.detect(labels)
        if sc is None:
            largest = max(scales, key=lambda s: len(s.labels))
            bad = next(c for c in its if largest.code(c.label) is None)
            raise _unknown_label_error(bad, largest)
        chosen[item] = sc
    return chosen, numeric_only


def read_survey(path, path2=None, *, scale: str | None = None, scales: Scales | str | Path | None = None,
                max_bytes: int | None = None) -> SurveyData:
    """Read one or two questionnaire files into answers, free text and a description of the reading.

    ``info["read_warnings"]`` holds what reading the files found (Japanese, never an answer's text)."""
    import pandas as pd

    from issuemine.schema import ANSWERS

    scales = scales if isinstance(scales, Scales) else load_scales(scales)
    if scale is not None and scale not in scales:
        raise ConfigError(f"尺度「{scale}」は定義されていません。定義済み: {'、'.join(scales.ids())}",
                          file=scales.source)
    path = Path(path)
    read_warnings: list[str] = []
    df, rows, enc = read_table(path, max_bytes, read_warnings)
    cols = _classify(df, path)
    info: dict = {"files": [path.name], "encodings": [enc], "respondent_column": cols.respondent or "",
                  "freetext_columns": list(cols.freetext), "ignored_columns": list(cols.ignored),
                  "read_warnings": read_warnings}
    if path2 is not None:
        path2 = Path(path2)
        df2, rows2, enc2 = read_table(path2, max_bytes, read_warnings)
        cols2 = _classify(df2, path2)
        df2 = df2.rename(columns=_match_items(cols, cols2, path, path2))
        cols2.items = list(cols.items)
        cells = _long_cells(df, rows, path, cols, "pre") + _long_cells(df2, rows2, path2, cols2, "post")
        items = list(cols.items)
        info.update(shape="two_files", shape_ja="研修前・研修後の2ファイル", phase_column="")
        info["files"].append(path2.name)
        info["encodings"].append(enc2)
        info["freetext_columns"] = sorted(set(cols.freetext) | set(cols2.freetext))
        info["ignored_columns"] = sorted(set(cols.ignored) | set(cols2.ignored))
        info["respondent_column"] = cols.respondent or cols2.respondent or ""
        if bool(cols.respondent) != bool(cols2.respondent):
            info["respondent_note"] = "回答者IDの列が片方のファイルにしかありません。"
    elif cols.phase is not None:
        cells = _long_cells(df, rows, path, cols, None)
        items = list(cols.items)
        info.update(shape="long", shape_ja="時期の列をもつ1ファイル(縦持ち)", phase_column=cols.phase)
    else:
        pairs = _wide_pairs(cols.items)
        if pairs is None:
            raise InputError("研修前・研修後を区別できません。", file=path,
                             hint="「時期」列(研修前/研修後)を加えるか、研修前と研修後を2つのファイルに分けるか、"
                                  "見出しを「項目_前」「項目_後」にしてください")
        cells, items = _wide_cells(df, rows, path, cols, pairs)
        info.update(shape="wide", shape_ja="項目_前/項目_後の列をもつ1ファイル(横持ち)", phase_column="")
        if not cols.respondent:
            info["respondent_note"] = "回答者IDの列がないため、横持ちの各行を同じ回答者の前後として対応づけました。"
    answered = {c.item for c in cells if not _is_missing(c.label)}
    info["items_without_answers"] = [it for it in items if it not in answered]  # e.g. an empty column
    items = [it for it in items if it in answered]
    if not items:
        raise InputError("回答の項目(尺度で答える列)が見つかりません。", file=path)
    phases = {c.phase for c in cells if c.item in items and not _is_missing(c.label)}
    for ph in ("pre", "post"):
        if ph not in phases:
            raise InputError(f"{PHASE_JA[ph]}の回答がありません。", file=path2 if (ph == "post" and path2) else path)
    chosen, inferred = _assign_scales(cells, items, scales, scale)
    records = []
    free = []
    for c in cells:
        if _is_missing(c.label):
            continue
        if c.item in chosen:
            sc = chosen[c.item]
            records.append((c.respondent, c.phase, c.item, c.label, sc.code(c.label), sc.scale_id,
                            c.file.name, c.row))
        else:
            free.append((c.respondent, c.phase, c.item, c.label, c.file.name, c.row))
    answers = ANSWERS.conform(pd.DataFrame(records, columns=ANSWERS.names)) if records else ANSWERS.empty()
    freetext = pd.DataFrame(free, columns=["respondent", "phase", "column", "text", "source_file", "source_row"])
    info.update(items={it: chosen[it].scale_id for it in items},
                scale_inferred_from_numbers=[it for it in items if it in inferred],
                scales_file=Path(scales.source).name)
    answers.attrs["survey"] = Carried(info, tuple(free))
    return SurveyData(answers=answers, freetext=freetext, info=info)


def _match_items(cols, cols2, path: Path, path2: Path) -> dict[str, str]:
    """Check both files ask the same items; the renaming that gives the post file the pre file's headers."""
    pre = {_key(c): c for c in cols.items}
    post = {_key(c): c for c in cols2.items}
    for k, c in pre.items():
        if k not in post:
            raise InputError(f"研修後のファイルに項目「{c}」の列がありません。", file=path2, column=c,
                             hint="研修前と研修後で項目の見出しをそろえてください")
    for k, c in post.items():
        if k not in pre:
            raise InputError(f"研修前のファイルに項目「{c}」の列がありません。", file=path, column=c,
                             hint="研修前と研修後で項目の見出しをそろえてください")
    # the post file may spell a header with other widths/spaces: read it under the pre file's name
    return {post[k]: pre[k] for k in pre}


def read_answers(path, path2=None, *, scale: str | None = None, scales=None, max_bytes: int | None = None):
    """Answers of one or two questionnaire files as a DataFrame conforming to schema.ANSWERS.

    The free text and the reading notes ride along in ``answers.attrs["survey"]`` so that
    ``compare_items(read_answers(...))`` reports them; ``read_survey`` returns them explicitly.
    """
    return read_survey(path, path2, scale=scale, scales=scales, max_bytes=max_bytes).answers
