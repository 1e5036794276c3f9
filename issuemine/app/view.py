"""The current state of a workshop's analysis: the last finished analysis with the live edits applied.

Edits are never baked into the stored analysis: they are re-applied on every view (and by the report), so
an undo or a re-analysis simply changes what they are applied to.
"""

from __future__ import annotations

import json
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
    # Japanese, "" when current: the notes changed since this analysis (uploads added or removed)
    outdated: str = ""

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
    state = analysis_state(conn, workshop_id)
    return View(job=job, notes=notes, themes=result.themes, assignments=result.assignments,
                placements=placements, edits=edits, messages=messages, info=info,
                outcomes=list(info.get("edits", {}).get("outcomes", [])),
                by_id=list(info.get("edits", {}).get("applied_by_id", [])), base_labels=base_labels,
                outdated=state["message"])


def _theme_result(conn, workshop_id: int, job_id: int):
    """The stored ThemeResult; a Japanese 409 page asking to analyse again if this version cannot read it."""
    from issuemine.app import results as stored
    from issuemine.app.web import PageError

    names = (stored.FORMAT_NAME, stored.JSON_NAME, stored.ARRAYS_NAME, stored.LEGACY_PICKLE_NAME)
    try:
        return stored.load({name: st.result(conn, job_id, name) for name in names})
    except stored.ResultOutdated as exc:
        raise PageError(409, "もう一度分析してください", exc.message, f"/w/{workshop_id}") from None


def analysis_state(conn, workshop_id: int) -> dict:
    """What the workshop page says about the last finished analysis, without loading it.

    ``{"job": row or None, "readable": bool, "outdated": bool, "message": Japanese or ""}``: not readable
    when stored by another version (see app/results.py); outdated when the notes uploads differ from the ones
    the analysis read (an upload added or removed since). Analyses from before the app recorded its inputs
    cannot tell and are not called outdated.
    """
    from issuemine.app import results as stored

    job = st.latest_job(conn, workshop_id, "analysis", status="done")
    state = {"job": job, "readable": True, "outdated": False, "message": ""}
    if job is None:
        return state
    try:
        stored.check({name: st.result(conn, job["id"], name)
                      for name in (stored.FORMAT_NAME, stored.LEGACY_PICKLE_NAME)})
    except stored.ResultOutdated as exc:
        return {**state, "readable": False, "message": exc.message}
    inputs = load_json(st.result(conn, job["id"], "inputs.json"))
    if isinstance(inputs, dict) and isinstance(inputs.get("uploads"), list):
        then, now = set(inputs["uploads"]), set(st.stored_upload_ids(conn, workshop_id, "notes"))
        if then != now:
            parts = [f"{what} {len(ids)} 件" for what, ids in (("追加", now - then), ("取り除き", then - now)) if ids]
            state.update(outdated=True, message=f"前回の分析の後に付箋のファイルが変わりました({'・'.join(parts)})。"
                                                "表示しているのは前回の分析です。もう一度分析してください。")
    return state


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
        result = _theme_result(conn, job["workshop_id"], job["id"])  # versioned JSON + npz (app/results.py)
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
