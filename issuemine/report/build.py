"""Assemble everything a report shows, from whichever analysis pieces are installed.

``ReportBuilder(seed=0, mask_pii=False).build(["workshops/sample"])`` reads each workshop, masks personal
information first when asked (so every later output is masked), runs the themes, the diagram placement and
the questionnaire comparison, and returns plain data (DataFrames, plotly figures, info dicts) for the
writers in ``html``, ``xlsx`` and ``pdf``.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass, field

from issuemine.report.workshop import Workshop, find_workshop

VERSION_PACKAGES = ("issuemine", "pandas", "numpy", "scikit-learn", "umap-learn", "fugashi", "unidic-lite",
                    "scipy", "statsmodels", "networkx", "plotly", "openpyxl", "jinja2")


def package_versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in VERSION_PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "未導入"
    return out


# What a report's helper process loads while the main process fits the themes (in the order needed).
HELPER_PRELOAD = ("issuemine.themes.figures.umap_cached:import_umap", "issuemine.report.xlsx:preload")


def report_helper():
    """A ``HelperProcess`` for building and writing a report, started only where it pays off (a cold
    process with a spare core). Use as a context manager around ``build`` and ``write_report``."""
    from issuemine.helper_process import HelperProcess

    return HelperProcess(preload=HELPER_PRELOAD, enabled=None)


@dataclass
class WorkshopData:
    """Everything the report shows about one workshop. ``None`` means the piece was not available."""

    workshop: Workshop
    notes: object  # NOTES DataFrame (masked when asked)
    terms: object = None
    theme_result: object = None
    themes: object = None
    assignments: object = None
    placements: object = None
    zone_counts: object = None
    zone_theme: object = None
    profession_theme: object = None
    survey: object = None
    survey_terms: object = None  # terms of the free-text answers, before vs after
    survey_themes: object = None  # themes the free-text answers mention, before vs after (with a theme model)
    theme_map: object = None  # the theme map's MapRequest, started once the themes are fitted
    figures: dict = field(default_factory=dict)
    edit_messages: list = field(default_factory=list)
    edits: list = field(default_factory=list)  # the facilitator's edit list (issuemine.edits)
    read_summary: str = ""  # what reading the notes file found (ingest's ReadReport), never note text

    @property
    def name(self) -> str:
        return self.workshop.name

    def note_table(self):
        """One row per note: the note, its theme and its place on the diagram (the rows of notes.xlsx)."""
        cols = ["note_id", "workshop", "text", "group", "profession", "round"]
        table = self.notes[[c for c in cols if c in self.notes.columns]].copy()
        if self.assignments is not None:
            a = self.assignments.drop(columns=[c for c in self.assignments.columns
                                               if c in table.columns and c != "note_id"])
            table = table.merge(a, on="note_id", how="left", sort=False)
        if self.placements is not None:
            p = self.placements.drop(columns=[c for c in self.placements.columns
                                              if c in table.columns and c != "note_id"])
            table = table.merge(p, on="note_id", how="left", sort=False)
        for c in ("source_file", "source_sheet", "source_row"):
            # the sheet only when one was read (an .xlsx file)
            if c in self.notes.columns and (c != "source_sheet" or self.notes[c].fillna("").ne("").any()):
                table[c] = self.notes[c].to_numpy()
        return table


@dataclass
class ReportData:
    workshops: list
    comparison: object = None
    seed: int = 0
    mask_pii: bool = False
    versions: dict = field(default_factory=dict)
    parameters: dict = field(default_factory=dict)
    created: object = None  # when the analysis ran (aware UTC datetime, to the minute); see analysis_time


def analysis_time():
    """Now in UTC to the minute, or $SOURCE_DATE_EPOCH when set (the reproducible-builds convention: two
    runs with the same value give byte-identical reports)."""
    import os
    from datetime import datetime, timezone

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    when = datetime.fromtimestamp(int(epoch), tz=timezone.utc) if epoch.isdigit() else datetime.now(timezone.utc)
    return when.replace(second=0, microsecond=0)


class ReportBuilder:
    """Build the data of a committee report.

    Parameters
    ----------
    seed : random seed passed to every stochastic stage.
    mask_pii : replace phone numbers, e-mail addresses and personal names before anything else.
    n_themes : "auto" or a number, passed to the theme model.
    helper : a started ``HelperProcess`` (see ``report_helper``) that computes the theme map's layout
        while the diagram, the survey and the other figures are built here; ``None``: all in this process.
    max_bytes : the largest notes or questionnaire file read (None: ingest's default, 20 MB).
    """

    def __init__(self, seed: int = 0, mask_pii: bool = False, n_themes="auto", helper=None,
                 max_bytes: int | None = None) -> None:
        self.seed = seed
        self.mask_pii = mask_pii
        self.n_themes = n_themes
        self.helper = helper
        self.max_bytes = max_bytes

    def _limit(self) -> dict:
        return {} if self.max_bytes is None else {"max_bytes": self.max_bytes}

    # --- one stage each -------------------------------------------------------------------------------
    def _read(self, ws: Workshop):
        from issuemine.ingest import read_notes

        notes = read_notes(ws.notes, **self._limit())  # as `issuemine analyze` reads it (notes.csv byte-identical)
        read_report = notes.attrs.get("report")
        notes = notes.reset_index(drop=True)
        notes.attrs["read_summary"] = read_report.summary() if hasattr(read_report, "summary") else ""
        if self.mask_pii:
            from issuemine.report.pii import NAME_MASK, PiiMasker

            notes = PiiMasker().mask_frame(notes, ["text"])
            if "participant" in notes.columns:
                # The participant column is a person by definition: mask every non-empty value.
                notes["participant"] = notes["participant"].map(
                    lambda v: NAME_MASK if isinstance(v, str) and v.strip() else v).astype(notes["participant"].dtype)
        return notes

    def _edits(self, ws: Workshop) -> list:
        if ws.edits is None:
            return []
        from issuemine.edits import load_edits

        return load_edits(ws.edits)

    def _terms(self, data: WorkshopData) -> None:
        from issuemine.text import term_table

        data.terms = term_table(data.notes["text"])

    def _themes(self, data: WorkshopData) -> None:
        from issuemine.themes import ThemeModel

        result = ThemeModel(n_themes=self.n_themes, seed=self.seed).fit(data.notes)
        if data.edits:
            from issuemine.edits import apply_theme_edits

            # the facilitator's renames, merges, splits and moves; edits that no longer apply are reported
            result, messages = apply_theme_edits(result, data.edits)
            data.edit_messages += [str(m) for m in messages]
        data.theme_result = result
        data.themes = result.themes
        data.assignments = result.assignments
        from issuemine.themes.figures.map import request_map

        data.theme_map = request_map(result.note_vectors, seed=self.seed, helper=self.helper)

    def _diagram(self, data: WorkshopData) -> None:
        from issuemine.diagram import place_notes
        from issuemine.diagram.tables import zone_counts, zone_theme_table

        data.placements = place_notes(data.notes, vectors=getattr(data.theme_result, "note_vectors", None),
                                      terms=getattr(data.theme_result, "terms", None), edits=data.edits)
        data.edit_messages += [str(m) for m in data.placements.attrs.get("warnings", [])]
        data.zone_counts = zone_counts(data.placements, japanese=True)
        if data.assignments is not None:
            data.zone_theme = zone_theme_table(data.placements, data.assignments, japanese=True)

    def _survey(self, data: WorkshopData) -> None:
        if not data.workshop.questionnaires:
            return
        from issuemine.survey import compare_items, read_answers

        # Respondent ids are codes, not names; free-text answers are masked below.
        result = compare_items(read_answers(*data.workshop.questionnaires, **self._limit()))
        if self.mask_pii and getattr(result, "freetext", None) is not None:
            from issuemine.report.pii import PiiMasker

            result.freetext = PiiMasker().mask_frame(result.freetext, ["text"])
        data.survey = result
        if result.freetext is not None and len(result.freetext):
            from issuemine.survey.freetext import freetext_terms

            data.survey_terms = freetext_terms(result.freetext)
            # code the (masked) answers to this workshop's themes; a result without its fitted stages
            # (made elsewhere) cannot assign new texts, so it is skipped rather than guessed
            if getattr(data.theme_result, "embedder", None) is not None:
                from issuemine.survey.freetext import freetext_themes

                data.survey_themes = freetext_themes(result.freetext, data.theme_result)

    def _figures(self, data: WorkshopData) -> None:
        from issuemine.report.figures import workshop_figures

        data.figures, data.profession_theme = workshop_figures(data, seed=self.seed)

    # --- the whole report -----------------------------------------------------------------------------
    def build_workshop(self, workshop) -> WorkshopData:
        from issuemine import progress

        ws = workshop if isinstance(workshop, Workshop) else find_workshop(workshop)
        progress.report("付箋の読み込み")
        notes = self._read(ws)
        # which files of the folder were used and what reading them found (no note text)
        summary = "\n".join([*ws.messages, notes.attrs.get("read_summary", "")]).strip()
        data = WorkshopData(workshop=ws, notes=notes, read_summary=summary, edits=self._edits(ws))
        progress.report("語の集計", len(notes))
        self._terms(data)
        progress.report("テーマ分け", len(notes))
        self._themes(data)
        progress.report("概念図への配置", len(notes))
        self._diagram(data)
        progress.report("アンケートの比較")
        self._survey(data)
        progress.report("図の作成")
        self._figures(data)
        return data

    def build(self, workshops) -> ReportData:
        datas = [self.build_workshop(w) for w in workshops]
        names = [d.name for d in datas]
        if len(set(names)) != len(names):
            # Two folders with the same name (a/sample, b/sample): number them so tables stay readable.
            for i, d in enumerate(datas, start=1):
                d.workshop = Workshop(name=f"{i}. {d.name}", notes=d.workshop.notes,
                                      questionnaires=d.workshop.questionnaires, edits=d.workshop.edits,
                                      folder=d.workshop.folder, extra=d.workshop.extra,
                                      messages=d.workshop.messages)
        comparison = None
        if len(datas) > 1:
            from issuemine.report.compare import compare_workshops

            comparison = compare_workshops(datas, seed=self.seed)
        return ReportData(workshops=datas, comparison=comparison, seed=self.seed, mask_pii=self.mask_pii,
                          versions=package_versions(), created=analysis_time(),
                          parameters={"seed": self.seed, "n_themes": self.n_themes, "mask_pii": self.mask_pii})

