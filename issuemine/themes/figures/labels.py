"""Text labels that do not overlap: a greedy placement around their points, in screen pixels.

Each label is tried at its point and then at offsets around it (right, left, above, below, diagonals, in
growing rings); the first position whose box overlaps no placed label, no other point's marker and stays
inside the plot is kept. Labels are placed in the order given (most important first); a label with no free
position within ``max_rings`` is dropped (its point keeps its hover text). Deterministic.

Box sizes are estimated from the text: full-width characters are one em, others 0.62 em (Noto Sans CJK's
Latin is narrower), plus padding — an over-estimate, so boxes that do not overlap here do not on screen.
"""

from __future__ import annotations

import unicodedata

from issuemine.shapes import Box


def text_width(text: str, font_px: float) -> float:
    """Estimated width in pixels of one line of ``text``."""
    return font_px * sum(1.0 if unicodedata.east_asian_width(c) in "WFA" else 0.62 for c in text)


def label_box(cx: float, cy: float, text: str, font_px: float, pad: float = 2.0) -> Box:
    w = text_width(text, font_px) / 2 + pad
    h = font_px * 0.65 + pad
    return Box(cx - w, cy - h, cx + w, cy + h)


def place_labels(points, texts, font_px: float, area: tuple[float, float], radii=None,
                 centred: bool = False, max_rings: int = 6, pad: float = 2.0):
    """Label centres in pixels for ``points`` (pixels, y down), or ``None`` for a dropped label.

    ``radii``: marker radius of each point (its marker is kept free of labels, its own too unless
    ``centred``, where the first try is the label on its point); ``area``: (width, height) of the plot.
    """
    n = len(points)
    radii = list(radii) if radii is not None else [0.0] * n
    markers = [Box(x - r, y - r, x + r, y + r) for (x, y), r in zip(points, radii)]
    placed: list[Box] = []
    out = []
    for i, ((x, y), text) in enumerate(zip(points, texts)):
        half_w = text_width(text, font_px) / 2 + pad
        half_h = font_px * 0.65 + pad
        r = radii[i] + 2.0
        tries = [(0.0, 0.0)] if centred else []
        for ring in range(1, max_rings + 1):
            gx, gy = (half_w + r) * ring ** 0.8, (half_h + r) * ring ** 0.8
            tries += [(gx, 0.0), (-gx, 0.0), (0.0, -gy), (0.0, gy), (gx, -gy), (-gx, -gy), (gx, gy), (-gx, gy)]
        chosen = None
        for dx, dy in tries:
            box = label_box(x + dx, y + dy, text, font_px, pad)
            if box.x0 < 0 or box.y0 < 0 or box.x1 > area[0] or box.y1 > area[1]:
                continue
            if any(box.overlaps(b) for b in placed):
                continue
            if any(box.overlaps(m) for j, m in enumerate(markers) if j != i or not centred):
                continue
            chosen = (x + dx, y + dy)
            placed.append(box)
            break
        out.append(chosen)
    return out


class PixelFrame:
    """Data ↔ pixel coordinates of a plot with fixed axis ranges (y grows upward in data, downward in px)."""

    def __init__(self, x_range, y_range, width: float, height: float) -> None:
        self.x0, self.x1 = x_range
        self.y0, self.y1 = y_range
        self.width, self.height = width, height

    def to_px(self, x: float, y: float) -> tuple[float, float]:
        return ((x - self.x0) / (self.x1 - self.x0) * self.width,
                (self.y1 - y) / (self.y1 - self.y0) * self.height)

    def to_data(self, px: float, py: float) -> tuple[float, float]:
        return (self.x0 + px / self.width * (self.x1 - self.x0),
                self.y1 - py / self.height * (self.y1 - self.y0))
