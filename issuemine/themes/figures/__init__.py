"""Figures and tables of a theme analysis (plotly; imported only when a figure is asked for).

    theme_map_figure(notes, result, seed=0)            # 2-D map (UMAP), coloured by theme
    cooccurrence_figure(notes, tokenizer=None, top_edges=60)   # term network (Jaccard, communities)
    profession_theme_table(notes, result)              # counts + Fisher / χ² with adjusted residuals
"""

from issuemine.themes.figures.crosstab import profession_theme_table
from issuemine.themes.figures.map import map_coordinates, theme_map_figure
from issuemine.themes.figures.network import cooccurrence_figure, cooccurrence_graph

__all__ = [
           "cooccurrence_figure",
           "cooccurrence_graph",
           "map_coordinates",
           "profession_theme_table",
           "theme_map_figure",
]
