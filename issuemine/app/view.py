"""The current state of a workshop's analysis: the last finished analysis with the live edits applied.

Edits are never baked into the stored analysis: they are re-applied on every view (and by the report), so
an undo or a re-analysis simply changes what they are applied to.
"""

from __future__ import annotations

import json
import pickle
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from issuemine.app import store as st


@dataclass
class View:
    job: object
    notes: object          # NOTES DataFrame as analysed
    themes: object         # THEMES after edits
    assignments: object    # ASSIGNMENTS after edits
    placements: object     # PLACEMENTS after zone overrides
    edits: list
    # Japanese sentences for the edits not applied (themes, then zones): shown under 「適用できなかった手直し」
    messages: list = field(default_factory=list)
    info: dict = field(default_factory=dict)  # the theme model's info: mode, why this many themes, …
    # one dict per theme edit, in list order (issuemine.edits.apply_theme_edits): status, themes it went to
    outcomes: list = field(default_factory=list)
    by_id: list = field(default_factory=list)  # old edits (no recorded notes) applied by theme id, a warning each
    base_labels: dict = field(default_factory=dict)  # theme id → name before the edits (for the history)

    @property
    def theme_names(self) -> dict:
        """Every theme id a facilitator's edit may mention → its name (current names win)."""
        return {**self.base_labels, **dict(zip(self.themes["theme_id"], self.themes["label"]))}

    @property
    def note_texts(self) -> dict:
        return dict(zip(self.notes["note_id"], self.notes["text"]))

    @property
    def note_ids(self) -> set:
        return set(self.notes["note_id"])

    @property
    def theme_ids(self) -> set:
        return set(self.themes["theme_id"])

    def table(self):
        """One row per note: text, profession, group, theme and zones (for the pages)."""
        t = self.notes[["note_id", "text", "group", "profession"]].merge(
            self.assignments[["note_id", "theme_id", "theme_label", "theme_confidence", "theme_weak"]],
            on="note_id", how="left", sort=False)
        return t.merge(self.placements[["note_id", "zones", "region", "zone_confidence", "zone_reason",
                                        "zone_inferred"]], on="note_id", how="left", sort=False)


def current_view(conn, workshop_id: int) -> View | None:
    """None when the workshop has no finished analysis."""
    job = st.latest_job(conn, workshop_id, "analysis", status="done")
    if job is None:
        return None

    import pandas as pd

    from issuemine.diagram.place import apply_zone_edits
    from issuemine.edits import apply_theme_edits
    notes, result, placements = _loaded(conn, job)
    edits = st.live_edits(conn, workshop_id)
    base_labels = dict(zip(result.themes["theme_id"], result.themes["label"]))
    result, messages = apply_theme_edits(result, edits)
    messages = [str(m) for m in messages] + [str(m) for m in apply_zone_edits(placements, edits)]
    info = dict(result.info)
    return View(job=job, notes=notes, themes=result.themes, assignments=result.assignments,
                placements=placements, edits=edits, messages=messages, info=info,
                outcomes=list(info.get("edits", {}).get("outcomes", [])),
                by_id=list(info.get("edits", {}).get("applied_by_id", [])), base_labels=base_labels)


# A finished analysis never changes: the last few read are kept, so an edit on the board does not parse the
# notes and placements again (90 ms of the 300 ms an edit may take for 737 notes). Keyed by the database
# file, the job and its finish time; the caller gets its own copy of what it may change (placements).
_LOADED: OrderedDict = OrderedDict()
_LOADED_KEEP = 4
_LOADED_LOCK = threading.Lock()


def _loaded(conn, job):
    """(notes, theme result, placements) of a finished analysis job, read once."""
    import pandas as pd

    key = (conn.execute("PRAGMA database_list").fetchone()[2], job["id"], job["finished_at"])
    with _LOADED_LOCK:
        hit = _LOADED.get(key)
        if hit is not None:
            _LOADED.move_to_end(key)
    if hit is None:
        notes = pd.read_json(_io(st.result(conn, job["id"], "notes")), orient="records", dtype=False)
        result = pickle.loads(st.result(conn, job["id"], "theme_result"))  # our own bytes, written by our worker
        placements = pd.read_json(_io(st.result(conn, job["id"], "placements")), orient="records", dtype=False)
        for frame in (notes, placements):
            frame["note_id"] = frame["note_id"].astype(str)
        hit = (notes, result, placements)
        with _LOADED_LOCK:
            _LOADED[key] = hit
            while len(_LOADED) > _LOADED_KEEP:
                _LOADED.popitem(last=False)
    notes, result, placements = hit
    # apply_theme_edits returns a new result and leaves its input alone; apply_zone_edits changes placements
    return notes.copy(), result, placements.copy()


def _io(payload: bytes):
    import io

    return io.StringIO(payload.decode("utf-8"))


def load_json(payload: bytes | None):
    return None if payload is None else json.loads(payload)
