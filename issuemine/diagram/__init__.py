"""The concept diagram 「相談支援事業を中心とする小児在宅支援の概念図」: zones, lexicon, placement, figure, tables.

``place_notes`` puts every note on the hospital (H) / community (C) / consultation-support (S) diagram or
outside it (F 家族・本人, P 制度・政策, X 未分類); see docs/diagram.md.
"""

from issuemine.diagram.lexicon import ZoneLexicon
from issuemine.diagram.zones import REGION_CODES, REGIONS, ZONE_NAMES, canonical_zones

__all__ = ["REGIONS", "REGION_CODES", "ZONE_NAMES", "ZoneLexicon", "ZonePlacer", "canonical_zones",
           "place_notes"]


def __getattr__(name):
    # place.py needs numpy and pandas; import them only when placement is actually used.
    if name in ("place_notes", "ZonePlacer"):
        from issuemine.diagram import place

        return getattr(place, name)
    raise AttributeError(name)
