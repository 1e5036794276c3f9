"""Workshop list, new workshop, and a workshop's overview page."""

from __future__ import annotations

import json
import sqlite3

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from issuemine.app import store as st
from issuemine.app.web import get_conn, render, workshop_or_404

router = APIRouter()
MAX_NAME = 100


@router.get("/")
def index(request: Request, conn=Depends(get_conn)):
    return render(request, "index.html", workshops=st.list_workshops(conn), error=None, name="")


@router.post("/workshops")
def create(request: Request, name: str = Form(""), conn=Depends(get_conn)):
    name = " ".join(name.split())
    error = None
    if not name:
        error = "ワークショップ名を入力してください。"
    elif len(name) > MAX_NAME:
        error = f"ワークショップ名は {MAX_NAME} 文字以内にしてください。"
    elif st.workshop_by_name(conn, name) is not None:
        error = "同じ名前のワークショップがすでにあります。別の名前にしてください。"
    if error is None:
        try:
            workshop_id = st.add_workshop(conn, name)
        except sqlite3.IntegrityError:  # created by someone else in the meantime
            error = "同じ名前のワークショップがすでにあります。別の名前にしてください。"
        else:
            return RedirectResponse(f"/w/{workshop_id}", status_code=303)
    return render(request, "index.html", status_code=400, workshops=st.list_workshops(conn), error=error,
                  name=name)


@router.get("/w/{workshop_id}")
def overview(request: Request, workshop_id: int, conn=Depends(get_conn)):
    ws = workshop_or_404(conn, workshop_id)
    uploads = [dict(u, report=json.loads(u["report"])) for u in st.list_uploads(conn, workshop_id)]
    counts = dict(conn.execute("SELECT r.upload_id, COUNT(*) FROM notes r JOIN uploads u ON u.id = r.upload_id "
                               "WHERE u.workshop_id = ? GROUP BY r.upload_id", (workshop_id,)).fetchall())
    for u in uploads:
        u["n_rows"] = counts.get(u["id"], 0)
    n_notes = sum(u["n_rows"] for u in uploads if u["kind"] == "notes" and u["status"] == "stored")
    return render(request, "workshop.html", ws=ws, uploads=uploads, n_notes=n_notes,
                  analysis=request.app.state.runner.refresh(conn, st.latest_job(conn, workshop_id, "analysis")),
                  n_edits=len(st.live_edits(conn, workshop_id)),
                  max_upload=request.app.state.max_upload_bytes)
