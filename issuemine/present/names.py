"""Names for people: zones and regions of the concept diagram, phases, test methods, job states.

Zone names come from the zone model (``issuemine.diagram.zones.ZONE_NAMES``); only the way an overlap is
said is decided here: 「病院と地域の重なり」 rather than the letters HC or 「病院∩地域」.
"""

from __future__ import annotations

from issuemine.diagram.zones import CORE, REGION_CODES, REGIONS, ZONE_NAMES

PHASES = {"pre": "研修前", "post": "研修後"}


def _overlap(code: str) -> str:
    names = [ZONE_NAMES[z] for z in code]
    if len(names) == 2:
        return f"{names[0]}と{names[1]}の重なり"
    return "・".join(names) + "の重なり"


REGION_NAMES = {code: (_overlap(code) if len(code) > 1 and code[0] in CORE else ZONE_NAMES[code])
                for code in REGION_CODES}
# The 「病院∩地域」 spelling stored in tables (schema.PLACEMENTS.region) → the plain name.
_BY_STORED = {REGIONS[c]: REGION_NAMES[c] for c in REGION_CODES}

# Test methods as stored in survey_items.csv (wilcoxon_method / mannwhitney_method) and elsewhere.
METHODS = {
    "exact": "正確検定",
    "exact-conditional": "正確検定(同順位を含む並べ替え)",
    "asymptotic": "正規近似",
    "normal": "正規近似",
    "wilcoxon": "Wilcoxon の符号付順位検定",
    "mannwhitney": "Mann–Whitney の U 検定",
    "mcnemar": "McNemar の正確検定",
    "fisher": "Fisher の正確検定",
    "chi2": "カイ二乗検定",
    "holm": "Holm 法",
}

JOB_STATES = {"done": "完了", "running": "実行中", "queued": "待機中", "failed": "失敗", "interrupted": "中断"}
UPLOAD_STATES = {"preview": "確認待ち", "stored": "保存済み", "discarded": "取り消し"}

ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8(BOM付き)", "cp932": "シフトJIS(CP932)",
             "shift_jis": "シフトJIS", "euc-jp": "EUC-JP", "utf-16": "UTF-16", "utf-16-le": "UTF-16",
             "utf-16-be": "UTF-16", "xlsx": "Excel", "ascii": "ASCII"}


FORMATS = {"csv": "CSV", "tsv": "TSV", "xlsx": "Excel", "txt": "テキスト"}


def format_name(fmt) -> str:
    return FORMATS.get(str(fmt).lower(), str(fmt)) if fmt else ""


def zone_name(code) -> str:
    """Plain name of a placement: "HC" → 「病院と地域の重なり」, 「病院∩地域」 → the same, "F" → 「家族・本人」.
    Anything else is returned as given (already a name)."""
    if code is None:
        return ""
    text = str(code)
    if text in REGION_NAMES:
        return REGION_NAMES[text]
    return _BY_STORED.get(text, text)


def plain_zones(text) -> str:
    """Text that names regions the stored way (「退院調整(病院∩地域)」) with the plain names instead."""
    if text is None:
        return ""
    out = str(text)
    for stored in sorted(_BY_STORED, key=len, reverse=True):
        if "∩" in stored:
            out = out.replace(stored, _BY_STORED[stored])
    return out


def zone_choices() -> list[tuple[str, str]]:
    """(code, plain name) for every placement in display order (a select box)."""
    return [(c, REGION_NAMES[c]) for c in REGION_CODES]


def phase_name(phase) -> str:
    return PHASES.get(str(phase), str(phase)) if phase is not None else ""


def method_name(method) -> str:
    """A test or p-value method in Japanese; empty for no method."""
    if method is None or method == "" or method != method:
        return ""
    return METHODS.get(str(method), str(method))


def encoding_name(enc) -> str:
    if not enc:
        return ""
    return ENCODINGS.get(str(enc).lower(), str(enc))


def job_state(status) -> str:
    return JOB_STATES.get(str(status), "未実行")
