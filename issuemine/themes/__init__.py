"""Themes: group workshop notes into labelled themes a facilitator can trust and fix (issue 3).

    from issuemine.themes import ThemeModel, ThemeResult
    result = ThemeModel(n_themes="auto", seed=0).fit(notes)

Stages (swappable, scikit-learn style): vectorize.HybridVectorizer → reduce.BlockReducer →
cluster.KMeansClusterer → label (c-TF-IDF labels), plus codebook (guided mode), headings, stability.
Figures live in issuemine.themes.figures. See docs/themes.md.
"""

from issuemine.themes.model import ThemeModel, ThemeResult

__all__ = ["ThemeModel", "ThemeResult"]
