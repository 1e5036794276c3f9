"""The public tables, written down once.

Every public function takes and returns pandas DataFrames with these columns (extra columns allowed,
the listed ones in this order first). docs/schemas.md is generated from this module
(``python -m issuemine.schema > docs/schemas.md``), so the two cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # pandas dtype name: "string", "Int64", "float64", "boolean"
    description: str


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def empty(self):
        """An empty DataFrame with this table's columns and dtypes."""
        import pandas as pd

        return pd.DataFrame({c.name: pd.Series(dtype=c.dtype) for c in self.columns})

    def conform(self, df):
        """Return ``df`` with this table's columns first, in order, cast to their dtypes.

        Raises ``KeyError`` naming the missing columns: a programming error, not a user one.
        """
        missing = [n for n in self.names if n not in df.columns]
        if missing:
            raise KeyError(f"{self.name}: missing columns {missing}")
        extra = [c for c in df.columns if c not in self.names]
        out = df[self.names + extra].copy()
        for c in self.columns:
            out[c.name] = out[c.name].astype(c.dtype)
        return out


NOTES = Table(
    "notes",
    "One row per sticky note as read from a workshop file (ingest). Input order is kept.",
    (
        Column("note_id", "string", "Stable id: the same file gives the same ids (hash of text, group, "
               "profession and the occurrence number of that triple)."),
        Column("workshop", "string", "Workshop name (defaults to the file's stem)."),
        Column("text", "string", "The note exactly as written (never normalised)."),
        Column("group", "string", "Group / table (グループ・班・テーブル), empty if not given."),
        Column("profession", "string", "Writer's profession (職種), empty if not given."),
        Column("round", "string", "Round of the group work (回・ラウンド), empty if not given."),
        Column("participant", "string", "Participant (参加者・氏名), empty if not given."),
        Column("source_file", "string", "File name the note came from."),
        Column("source_sheet", "string", "Worksheet the note was read from (.xlsx), empty for text files."),
        Column("source_row", "Int64", "1-based row in that file as a spreadsheet shows it (header = row 1)."),
        Column("duplicate_of", "string", "note_id of an identical earlier note in the same group, else empty."),
        Column("near_duplicate_of", "string", "note_id of a near-identical earlier note in the same group "
               "(normalised character-bigram similarity), else empty."),
    ),
)

THEMES = Table(
    "themes",
    "One row per theme of an analysis (themes).",
    (
        Column("theme_id", "string", "Stable within an analysis: T01, T02, … by decreasing size; "
               "codebook themes keep their codebook id."),
        Column("label", "string", "Short Japanese label from the most distinctive terms; unique."),
        Column("heading", "string", "KJ-style heading the theme is gathered under."),
        Column("size", "Int64", "Number of notes."),
        Column("key_terms", "string", "Key terms with weights, 'term:weight' joined by ' / '."),
        Column("representative_notes", "string", "Three most representative notes, joined by ' / '."),
        Column("stability", "float64", "Mean best-match Jaccard over resampled re-runs, 0–1."),
        Column("source", "string", "Where the theme came from: codebook (guided mode), discovered, or edited "
               "(split off by a facilitator's edit). Japanese names in THEME_SOURCES_JA."),
    ),
)

# The values of THEMES.source and how a Japanese reader sees them.
THEME_SOURCES_JA = {"codebook": "コードブック", "discovered": "新規", "edited": "手直し"}

ASSIGNMENTS = Table(
    "assignments",
    "Theme of each note (themes); joined to NOTES on note_id.",
    (
        Column("note_id", "string", "As in NOTES."),
        Column("theme_id", "string", "As in THEMES."),
        Column("theme_label", "string", "The theme's label."),
        Column("heading", "string", "The theme's heading."),
        Column("theme_confidence", "float64", "0–1; low means weakly assigned."),
        Column("theme_weak", "boolean", "True when the assignment is weak and worth a review."),
    ),
)

PLACEMENTS = Table(
    "placements",
    "Place of each note on the concept diagram (diagram); joined to NOTES on note_id.",
    (
        Column("note_id", "string", "As in NOTES."),
        Column("zones", "string", "Zone letters in the order H, C, S without separator (H, C, S, HC, HS, CS, "
               "HCS) or exactly one of F, P, X."),
        Column("region", "string", "Japanese name of the region, e.g. 病院∩地域."),
        Column("zone_confidence", "float64", "0–1."),
        Column("zone_reason", "string", "The lexicon terms that decided it, or how it was inferred."),
        Column("zone_inferred", "boolean", "True when placed from neighbours (no lexicon evidence)."),
    ),
)

ANSWERS = Table(
    "answers",
    "Questionnaire answers in long form (survey): one row per respondent × phase × item.",
    (
        Column("respondent", "string", "Respondent id; empty when the forms were anonymous."),
        Column("phase", "string", "pre or post."),
        Column("item", "string", "Item (question) name as in the file's header."),
        Column("label", "string", "The answer as written, e.g. わかる."),
        Column("value", "Int64", "Numeric code on the item's scale (higher = more positive)."),
        Column("scale", "string", "Scale id from corpora/scales.tsv."),
        Column("source_file", "string", "File name."),
        Column("source_row", "Int64", "1-based row in that file (header = row 1)."),
    ),
)

SURVEY_ITEMS = Table(
    "survey_items",
    "One row per questionnaire item, before vs after (survey; `survey_items.csv`). Phases: _pre = 研修前, "
    "_post = 研修後. A test that does not apply to the item (paired vs unpaired) leaves its columns empty.",
    (
        Column("item", "string", "Item (question) name as in the file's header."),
        Column("scale", "string", "Scale id from corpora/scales.tsv."),
        Column("paired", "bool", "True when respondents were matched (paired tests), False for anonymous forms."),
        Column("n_pairs", "Int64", "Respondents answering the item in both phases (matched by respondent_key)."),
        Column("n_pre", "Int64", "Answers before."),
        Column("n_post", "Int64", "Answers after."),
        Column("n_only_pre", "Int64", "Respondents answering before only."),
        Column("n_only_post", "Int64", "Respondents answering after only."),
        Column("median_pre", "float64", "Median before (all answers of the phase)."),
        Column("q1_pre", "float64", "25th percentile before (R's type 7)."),
        Column("q3_pre", "float64", "75th percentile before."),
        Column("iqr_pre", "float64", "q3_pre − q1_pre."),
        Column("median_post", "float64", "Median after."),
        Column("q1_post", "float64", "25th percentile after."),
        Column("q3_post", "float64", "75th percentile after."),
        Column("iqr_post", "float64", "q3_post − q1_post."),
        Column("mean_pre", "float64", "Mean code before."),
        Column("mean_post", "float64", "Mean code after."),
        Column("pct_positive_pre", "float64", "% of answers in the scale's positive (top two) categories before, 0–100."),
        Column("pct_positive_post", "float64", "The same after."),
        Column("pct_top_pre", "float64", "% of answers in the top category before (ceiling check)."),
        Column("wilcoxon_v", "float64", "Wilcoxon signed-rank V: sum of the ranks of positive differences (paired)."),
        Column("wilcoxon_n", "Int64", "N: pairs with a non-zero difference (zeros dropped, as R's wilcox.test)."),
        Column("n_zero_diff", "Int64", "Pairs with the same answer before and after."),
        Column("wilcoxon_p", "float64", "Two-sided p of the signed-rank test (method in wilcoxon_method)."),
        Column("wilcoxon_method", "string", "exact, exact-conditional (ties/zeros kept, N < 50) or asymptotic."),
        Column("wilcoxon_p_normal", "float64", "Normal-approximation p (tie-corrected, no continuity correction), "
               "for comparison with R / SPSS."),
        Column("z", "float64", "Z of the rank test (signed: positive = higher after)."),
        Column("r", "float64", "Effect size r = Z/√N (signed)."),
        Column("r_n", "Int64", "The N of r: wilcoxon_n (paired) or both phases' answers (unpaired)."),
        Column("rank_biserial", "float64", "Matched-pairs (or unpaired) rank-biserial correlation."),
        Column("mcnemar_b", "Int64", "Pairs going from positive to not positive."),
        Column("mcnemar_c", "Int64", "Pairs going from not positive to positive."),
        Column("mcnemar_p", "float64", "Exact McNemar (binomial) p for the positive share (paired)."),
        Column("mannwhitney_u", "float64", "Mann–Whitney U of the after answers (unpaired)."),
        Column("mannwhitney_p", "float64", "Two-sided p of Mann–Whitney (method in mannwhitney_method)."),
        Column("mannwhitney_method", "string", "exact, exact-conditional or asymptotic."),
        Column("mannwhitney_p_normal", "float64", "Normal-approximation p of Mann–Whitney (tie-corrected)."),
        Column("fisher_p", "float64", "Fisher's exact p for the positive share (unpaired)."),
        Column("p", "float64", "The main test's p: wilcoxon_p when paired, else mannwhitney_p."),
        Column("p_holm", "float64", "p after Holm's correction across the items."),
        Column("p_holm_positive", "float64", "McNemar / Fisher p after Holm's correction across the items."),
        Column("significant", "bool", "p_holm < alpha (0.05 unless set)."),
        Column("direction", "string", "上昇 / 低下 / 変化なし (the sign of the effect)."),
        Column("warning", "string", "Japanese warnings (ceiling, too few non-zero pairs, unpaired fallback …), "
               "empty when none."),
    ),
)

TABLES = (NOTES, THEMES, ASSIGNMENTS, PLACEMENTS, ANSWERS, SURVEY_ITEMS)


def to_markdown() -> str:
    lines = ["# Table schemas", "", "Generated from `issuemine/schema.py`; do not edit by hand.", ""]
    for t in TABLES:
        lines += [f"## `{t.name}`", "", t.description, "", "| column | dtype | meaning |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.dtype} | {c.description} |" for c in t.columns]
        lines.append("")
    from issuemine.edits.listfile import markdown as edit_list_markdown  # the one file that is not a table

    lines.append(edit_list_markdown())
    return "\n".join(lines)


if __name__ == "__main__":
    print(to_markdown())
