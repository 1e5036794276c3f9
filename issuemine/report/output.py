"""Write a built report to a folder: index.html, notes.xlsx, the CSV/JSON tables and, if asked, report.pdf.

One workshop: everything directly in DIR. Several: index.html and notes.xlsx (one sheet per meeting) in DIR,
each meeting's tables in DIR/<meeting>/, and the comparison tables in DIR. Files are written to a temporary
folder beside DIR and moved in at the end, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path


def _safe_name(name: str) -> str:
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", name).strip("._") or "workshop"


def _write_csv(df, path: Path) -> None:
    from issuemine.ingest import write_csv

    write_csv(df, path)


def write_workshop_tables(data, folder: Path) -> list[Path]:
    """The CSV/JSON tables of one workshop (those of ``analyze`` and ``survey``) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []

    def csv(df, name):
        if df is not None:
            _write_csv(df, folder / name)
            written.append(folder / name)

    if data.theme_result is not None:
        # Exactly what `issuemine analyze` writes (notes.csv, themes.csv, analysis.json).
        from issuemine.cli.commands.analyze import build_outputs

        files = build_outputs(data.notes, data.theme_result, data.edits, placements=data.placements)
        for name, body in sorted(files.items()):
            (folder / name).write_bytes(body)
            written.append(folder / name)
    else:
        csv(data.note_table(), "notes.csv")
    csv(data.terms, "terms.csv")
    if data.survey is not None:
        # Exactly what `issuemine survey` writes (survey_items.csv, survey.json).
        from issuemine.survey.output import build_outputs

        files = build_outputs(data.survey, terms=data.survey_terms, themes=data.survey_themes)
        for name, body in sorted(files.items()):
            (folder / name).write_bytes(body)
            written.append(folder / name)
    return written


def workbook_sheets(report) -> dict:
    """notes.xlsx: the sheets a person reads (Japanese headers, names, rounded values and words; ids in the
    last columns) and, after them, the 技術情報 sheets with the machine tables as in the CSV files."""
    from issuemine.present import tables
    from issuemine.report.html import notes_file_name

    single = len(report.workshops) == 1
    people, technical = {}, {}
    for i, d in enumerate(report.workshops, start=1):
        title = "付箋" if single else _safe_name(d.name)[:28]
        people[title] = tables.notes_for_people(d.note_table(), workshop=d.name, source_file=notes_file_name(d.workshop))
        technical[tables.TECHNICAL if single else f"{tables.TECHNICAL}{i}"] = d.note_table()
        if d.themes is not None and single:
            people["テーマ"] = tables.themes_for_people(d.themes)
            technical[f"{tables.TECHNICAL}(テーマ)"] = d.themes
        if d.survey is not None and single:
            people["アンケート"] = tables.survey_for_people(d.survey.items, (d.survey.info or {}).get("scales"),
                                                        detail=True)
            technical[f"{tables.TECHNICAL}(アンケート)"] = d.survey.items
    return {**people, **technical}


def write_report(report, out: str | Path, pdf: bool = False, helper=None) -> list[Path]:
    """Write every output of ``report`` (a ``ReportData``) into ``out``; return the files written.

    ``helper``: a running ``HelperProcess`` writes notes.xlsx while this process writes the rest.
    """
    from issuemine.report.html import write_html
    from issuemine.report.xlsx import write_workbook

    out = Path(out)
    if out.exists() and not out.is_dir():
        from issuemine.errors import IssuemineError

        raise IssuemineError("出力先がフォルダではなくファイルです。", file=out, hint="--out にはフォルダを指定してください")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".issuemine-", dir=out.parent))
    try:
        single = len(report.workshops) == 1
        sheets = workbook_sheets(report)
        for d in report.workshops:
            write_workshop_tables(d, tmp if single else tmp / _safe_name(d.name))
        workbook = None
        if helper is not None and helper.running:
            workbook = helper.submit("issuemine.report.xlsx:write_workbook", sheets, tmp / "notes.xlsx")
        else:
            write_workbook(sheets, tmp / "notes.xlsx")
        comp = report.comparison
        if comp is not None:
            if comp.theme_counts is not None:
                _write_csv(comp.theme_counts.reset_index(), tmp / "compare_theme_counts.csv")
                _write_csv(comp.theme_shares.reset_index(), tmp / "compare_theme_shares.csv")
                _write_csv(comp.new_themes, tmp / "compare_new_themes.csv")
            if comp.region_counts is not None:
                _write_csv(comp.region_counts.reset_index(), tmp / "compare_region_counts.csv")
                _write_csv(comp.region_shares.reset_index(), tmp / "compare_region_shares.csv")
        html = write_html(report, tmp / "index.html")
        if workbook is not None:
            from issuemine.helper_process import HelperUnavailable

            try:
                workbook.result()
            except HelperUnavailable:  # written here instead (a real error then shows with its message)
                write_workbook(sheets, tmp / "notes.xlsx")
        if pdf:
            from issuemine.report.html import page_header
            from issuemine.report.pdf import PdfPrinter

            PdfPrinter(header=page_header(report)).print(html, tmp / "report.pdf")
        # Move into place: replace only the files this report writes, keep anything else the user put there.
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for src in sorted(tmp.rglob("*")):
            if src.is_file():
                dst = out / src.relative_to(tmp)
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(src), str(dst))
                written.append(dst)
        return written
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
