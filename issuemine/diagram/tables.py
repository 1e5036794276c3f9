"""Count tables of the concept diagram.

Two readings, side by side: *membership* (an H∩C note counts for 病院 and for 地域 — how 「ほとんどの課題が病院と
地域に集中」 is read) and *exclusive* regions (each note once). Shares are of all notes, so membership shares
of the core zones can add up to more than 100 %.
"""

from __future__ import annotations

import pandas as pd

from issuemine.diagram.zones import REGION_CODES, REGIONS, ZONES

COLUMNS_JA = {
    "code": "記号", "region": "領域", "exclusive": "件数", "exclusive_share": "割合",
    "membership": "延べ件数", "membership_share": "延べ割合", "theme_id": "テーマID", "theme_label": "テーマ",
    "total": "計",
}


def zone_counts(placements: pd.DataFrame, *, japanese: bool = False) -> pd.DataFrame:
    """One row per region (H, C, S, HC, HS, CS, HCS, F, P, X).

    Columns: ``code, region, exclusive, exclusive_share`` (each note once) and, on the rows of the single
    zones H, C, S, F, P, X, ``membership, membership_share`` (every note counted for each of its zones;
    missing on the overlap rows). ``japanese=True`` gives the Japanese column headings.
    """
    zones = placements["zones"].astype(str)
    total = len(zones)
    exclusive = zones.value_counts()
    rows = []
    for code in REGION_CODES:
        n = int(exclusive.get(code, 0))
        row = {"code": code, "region": REGIONS[code], "exclusive": n,
               "exclusive_share": n / total if total else 0.0,
               "membership": pd.NA, "membership_share": float("nan")}
        if code in ZONES:
            m = sum(code in z for z in zones)
            row["membership"] = m
            row["membership_share"] = m / total if total else 0.0
        rows.append(row)
    out = pd.DataFrame(rows)
    out["membership"] = out["membership"].astype("Int64")
    return out.rename(columns=COLUMNS_JA) if japanese else out


def zone_theme_table(placements: pd.DataFrame, assignments: pd.DataFrame, *, by: str = "zone",
                     japanese: bool = False) -> pd.DataFrame:
    """Themes × zones: one row per theme (in theme_id order), the count of its notes in each zone.

    ``by="zone"`` counts membership in H, C, S, F, P, X (an H∩C note counts in both columns);
    ``by="region"`` counts the exclusive regions (columns named in Japanese, 病院∩地域 …). ``total`` is the
    theme's number of notes.
    """
    if by not in ("zone", "region"):
        raise ValueError("by must be 'zone' or 'region'")
    df = placements[["note_id", "zones"]].merge(
        assignments[["note_id", "theme_id", "theme_label"]], on="note_id", how="inner", validate="1:1")
    df["zones"] = df["zones"].astype(str)
    keys = ["theme_id", "theme_label"]
    if by == "zone":
        cols = list(ZONES)
        for z in cols:
            df[z] = df["zones"].map(lambda s, z=z: int(z in s))
    else:
        cols = [REGIONS[c] for c in REGION_CODES]
        for c in REGION_CODES:
            df[REGIONS[c]] = (df["zones"] == c).astype(int)
    out = df.groupby(keys, sort=True)[cols].sum()
    out["total"] = df.groupby(keys, sort=True).size()
    out = out.reset_index().astype({c: "int64" for c in cols + ["total"]})
    out.columns.name = None
    return out.rename(columns=COLUMNS_JA) if japanese else out
