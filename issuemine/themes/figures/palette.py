"""Theme colours and marker symbols that stay distinguishable for many themes.

Ten colours cycle into look-alikes past ten themes (three blues at 23). Thirteen strong, separated colours
times three marker shapes give 39 distinct colour-and-shape pairs; theme k gets the pair k, so the theme map
and the concept diagram draw the same theme the same way. The map also labels each theme directly.
"""

from __future__ import annotations

COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
          "#7f7f7f", "#bcbd22", "#393b79", "#843c39", "#0b6e4f")
SYMBOLS = ("circle", "square", "diamond", "triangle-up")


def theme_style(k: int) -> tuple[str, str]:
    """(colour, plotly marker symbol) of the k-th theme (0-based)."""
    return COLORS[k % len(COLORS)], SYMBOLS[(k // len(COLORS)) % len(SYMBOLS)]
