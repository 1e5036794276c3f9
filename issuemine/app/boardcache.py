"""Boards cached per analysis and edit list, and the state of the undo / redo bar.

Building a view (unpickling the analysis, applying every edit) and its board takes 0.1–0.2 s for 737
notes; an edit needs the board before and after it. The board before is almost always the one the page was
drawn from, so the last few boards are kept, keyed by what they are made of: the finished analysis job and
the exact list of live edits. Any edit, undo, redo or re-analysis changes the key; nothing is invalidated
by hand.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

from issuemine.app import store as st

KEEP = 8
_LOCK = threading.Lock()


def _cache(app) -> OrderedDict:
    cache = getattr(app.state, "board_cache", None)
    if cache is None:
        cache = app.state.board_cache = OrderedDict()
    return cache


def board_for(app, conn, workshop_id: int, kind: str):
    """``(view, board)`` of the workshop's current state, or ``(None, None)`` before the first analysis."""
    from issuemine.app.board import Board
    from issuemine.app.view import current_view

    job = st.latest_job(conn, workshop_id, "analysis", status="done")
    if job is None:
        return None, None
    edits = json.dumps(st.live_edits(conn, workshop_id), ensure_ascii=False, sort_keys=True)
    # the stored uploads too: adding or removing one marks the analysis out of date (view.analysis_state)
    uploads = tuple(st.stored_upload_ids(conn, workshop_id, "notes"))
    key = (workshop_id, job["id"], job["finished_at"], edits, uploads, kind)
    cache = _cache(app)
    with _LOCK:
        hit = cache.get(key)
        if hit is not None:
            cache.move_to_end(key)
            return hit
    view = current_view(conn, workshop_id)
    if view is None:
        return None, None
    board = Board.themes(view) if kind == "themes" else Board.diagram(view)
    with _LOCK:
        cache[key] = (view, board)
        while len(cache) > KEEP:
            cache.popitem(last=False)
    return view, board


def undo_state(conn, workshop_id: int, view) -> dict:
    """What the undo and redo buttons would do, in words ("" when there is nothing to undo / redo).

    ``view``: the current view, whose theme names and note texts the words use (None: no words, just
    whether there is anything)."""
    from issuemine.present.edits import describe_edit

    def words(row) -> str:
        if view is None:
            return "yes"
        return describe_edit(json.loads(row["op"]), view.theme_names, view.note_texts)

    history = st.edit_history(conn, workshop_id)  # newest first
    live = [h for h in history if h["undone_at"] is None]
    last_live = live[0] if live else None
    top = last_live["id"] if last_live else 0
    redoable = sorted((h for h in history if h["undone_at"] is not None and h["id"] > top),
                      key=lambda h: (h["undone_at"], -h["id"]), reverse=True)
    return {"undo": words(last_live) if last_live else "",
            "redo": words(redoable[0]) if redoable else "",
            "count": len(live), "total": len(history)}
