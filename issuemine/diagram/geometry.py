"""Geometry of the concept diagram and a deterministic, non-overlapping layout of the notes' dots.

The hospital (H, left) and community (C, right) are two large circles that overlap in the middle;
consultation support (S) is a smaller circle in the centre, below, overlapping both — so every one of the seven
regions has its own area. The outside categories F, P, X are boxes to the right. Coordinates are abstract
units; the figure fixes the aspect ratio so a unit is the same length on both axes.

Dots of a region sit on a hexagonal grid clipped to the region (kept a margin away from every boundary and
from the region's count label), nearest to the region's most interior point first; the grid is refined until
the region holds all its notes. Same counts → same positions, and dots never overlap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from issuemine.diagram.zones import CORE, REGION_CODES
from issuemine.shapes import Box


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float


CIRCLES = {
    "H": Circle(-1.0, 0.3, 1.6),
    "C": Circle(1.0, 0.3, 1.6),
    "S": Circle(0.0, -0.85, 1.2),
}
BOXES = {
    "F": Box(3.0, 0.95, 4.9, 2.05),
    "P": Box(3.0, -0.35, 4.9, 0.75),
    "X": Box(3.0, -1.65, 4.9, -0.55),
}
# Where each region's count is written (kept free of dots); the region names are on the areas' titles.
LABEL_AT = {
    "H": (-1.85, 0.9),
    "C": (1.85, 0.9),
    "HC": (0.0, 0.62),
    "HS": (-0.78, -0.72),
    "CS": (0.78, -0.72),
    "HCS": (0.0, -0.2),
    "S": (0.0, -1.75),
}  # the outside boxes carry their count in the title above them
LABEL_HALF = (0.22, 0.08)  # half width / height of a count label's keep-out rectangle
X_RANGE = (-2.75, 5.05)
Y_RANGE = (-2.35, 2.3)

MAX_SPACING = 0.16  # grid step for sparse regions: dots this far apart at most


def inside(code: str, x: np.ndarray, y: np.ndarray, margin: float = 0.0) -> np.ndarray:
    """Boolean mask: points lying in region ``code`` at least ``margin`` away from its boundaries."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if code in BOXES:
        b = BOXES[code]
        return (x >= b.x0 + margin) & (x <= b.x1 - margin) & (y >= b.y0 + margin) & (y <= b.y1 - margin)
    ok = np.ones(x.shape, dtype=bool)
    for z in CORE:
        c = CIRCLES[z]
        d = np.hypot(x - c.cx, y - c.cy)
        ok &= (d <= c.r - margin) if z in code else (d >= c.r + margin)
    return ok


def _bounds(code: str) -> tuple[float, float, float, float]:
    if code in BOXES:
        b = BOXES[code]
        return b.x0, b.y0, b.x1, b.y1
    cs = [CIRCLES[z] for z in code]
    return (max(c.cx - c.r for c in cs), max(c.cy - c.r for c in cs),
            min(c.cx + c.r for c in cs), min(c.cy + c.r for c in cs))


def _hex_grid(bounds, step: float) -> tuple[np.ndarray, np.ndarray]:
    x0, y0, x1, y1 = bounds
    # Anchor the lattice at the origin so a region's grid does not depend on its bounding box.
    rows = np.arange(np.floor(y0 / (step * 0.8660254)), np.ceil(y1 / (step * 0.8660254)) + 1)
    cols = np.arange(np.floor(x0 / step) - 1, np.ceil(x1 / step) + 1)
    gx, gy = np.meshgrid(cols, rows)
    xs = (gx + 0.5 * (gy % 2)) * step
    ys = gy * step * 0.8660254
    return xs.ravel(), ys.ravel()


def _free_of_label(code: str, x: np.ndarray, y: np.ndarray, pad: float) -> np.ndarray:
    if code not in LABEL_AT:
        return np.ones(x.shape, dtype=bool)
    lx, ly = LABEL_AT[code]
    return (np.abs(x - lx) > LABEL_HALF[0] + pad) | (np.abs(y - ly) > LABEL_HALF[1] + pad)


def slots(code: str, step: float) -> tuple[np.ndarray, np.ndarray]:
    """Candidate dot centres of a region at grid ``step``, most interior first."""
    xs, ys = _hex_grid(_bounds(code), step)
    margin = 0.6 * step
    keep = inside(code, xs, ys, margin) & _free_of_label(code, xs, ys, margin)
    xs, ys = xs[keep], ys[keep]
    if len(xs) == 0:
        return xs, ys
    # Fill from the region's most interior slot outwards, so a few notes form a compact cluster.
    depth = _depth(code, xs, ys)
    ax, ay = xs[np.argmax(depth)], ys[np.argmax(depth)]
    order = np.lexsort((xs, ys, np.round(np.hypot(xs - ax, ys - ay), 9)))
    return xs[order], ys[order]


def _depth(code: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Distance to the nearest boundary of the region (and of its label), for points inside it."""
    if code in BOXES:
        b = BOXES[code]
        d = np.minimum.reduce([x - b.x0, b.x1 - x, y - b.y0, b.y1 - y])
    else:
        parts = []
        for z in CORE:
            c = CIRCLES[z]
            r = np.hypot(x - c.cx, y - c.cy)
            parts.append(c.r - r if z in code else r - c.r)
        d = np.minimum.reduce(parts)
    if code not in LABEL_AT:
        return d
    lx, ly = LABEL_AT[code]
    return np.minimum(d, np.maximum(np.abs(x - lx) - LABEL_HALF[0], np.abs(y - ly) - LABEL_HALF[1]))


def layout(zones: list[str], groups: list | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, y, radius) of one dot per note, in the notes' order; radius in the diagram's units.

    With ``groups`` (e.g. the theme of each note) the dots of a region are dealt out by angle around the
    region's cluster in group order, so each theme forms one sector instead of being scattered.
    """
    zones = list(zones)
    n = len(zones)
    x = np.zeros(n)
    y = np.zeros(n)
    radius = np.zeros(n)
    for code in REGION_CODES:
        idx = [i for i, z in enumerate(zones) if z == code]
        if not idx:
            continue
        step = MAX_SPACING
        sx, sy = slots(code, step)
        while len(sx) < len(idx):
            # Capacity grows as 1/step²: jump close to the needed step, then refine in small steps.
            step *= min(0.97, 0.98 * np.sqrt(max(len(sx), 1) / len(idx)))
            sx, sy = slots(code, step)
        sx, sy = sx[: len(idx)], sy[: len(idx)]
        if groups is not None and len(idx) > 1:
            angle = np.round(np.arctan2(sy - sy.mean(), sx - sx.mean()), 9)
            by_angle = np.lexsort((sx, sy, angle))
            sx, sy = sx[by_angle], sy[by_angle]
            idx = sorted(idx, key=lambda i: (str(groups[i]), i))
        x[idx] = sx
        y[idx] = sy
        radius[idx] = 0.38 * step
    return x, y, radius
