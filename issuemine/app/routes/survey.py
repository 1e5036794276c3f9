"""The pre/post questionnaire: upload (one file, or the pre and post files), then the item comparison."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from issuemine.app import parsing
from issuemine.app import store as st
from issuemine.app.pipeline import latest_survey_uploads
from issuemine.app.routes.upload import error_dict, form_file, keep_originals, receive_form
from issuemine.app.web import Id, PageError, get_conn, in_db, render, workshop_or_404
from issuemine.errors import IssuemineError

router = APIRouter()


@router.post("/w/{workshop_id}/survey")
async def upload_survey(request: Request, workshop_id: Id):
    store = request.app.state.store
    await in_db(store, workshop_or_404, workshop_id)
    form = await receive_form(request, workshop_id)
    files = [await form_file(form, "file", workshop_id), await form_file(form, "file2", workshop_id, required=False)]
    files = [f for f in files if f is not None]
    for _, _, fmt in files:
        if fmt not in ("csv", "tsv", "xlsx"):
            raise PageError(415, "このファイルは読み込めません", "アンケートは CSV・TSV・Excel(.xlsx)で用意してください。",
                            f"/w/{workshop_id}/survey")
    digests = [await run_in_threadpool(store.save_original, data) for _, data, _ in files]
    try:
        records, summary = await run_in_threadpool(parsing.read_survey_upload, files)
        error = None
    except IssuemineError as exc:
        records, summary, error = None, {"error": error_dict(exc)}, exc
    if error is not None:
        await in_db(store, _record_failed, workshop_id, files, digests, summary)
        await keep_originals(store, [data for _, data, _ in files])
        raise PageError(400, "アンケートを読み込めませんでした", str(error), f"/w/{workshop_id}/survey")
    await in_db(store, _store, workshop_id, files, digests, records, summary)
    await keep_originals(store, [data for _, data, _ in files])
    return RedirectResponse(f"/w/{workshop_id}/survey", status_code=303)


def _add(conn, workshop_id, files, digests, summary) -> list[int]:
    return [st.add_upload(conn, workshop_id, "survey", name, fmt, digest, len(data),
                          {"part": i, "parts": len(files)}, summary if i == 1 else {})
            for i, ((name, data, fmt), digest) in enumerate(zip(files, digests), start=1)]


def _record_failed(conn, workshop_id, files, digests, summary) -> None:
    """The originals are kept and listed, marked discarded: the user sees what was refused."""
    for upload_id in _add(conn, workshop_id, files, digests, summary):
        st.discard_upload(conn, upload_id)


def _store(conn, workshop_id, files, digests, records, summary) -> None:
    ids = _add(conn, workshop_id, files, digests, summary)
    # One transaction: the answers land, earlier questionnaires are retired, the new files are marked stored.
    with st.transaction(conn):
        conn.execute("UPDATE uploads SET status = 'discarded' WHERE workshop_id = ? AND kind = 'survey' "
                     "AND status = 'stored'", (workshop_id,))
        conn.executemany("INSERT INTO answers(upload_id, ord, record) VALUES (?, ?, ?)",
                         [(ids[0], i, json.dumps(r, ensure_ascii=False)) for i, r in enumerate(records)])
        conn.executemany("UPDATE uploads SET status = 'stored' WHERE id = ?", [(i,) for i in ids])


@router.get("/w/{workshop_id}/survey")
def survey_page(request: Request, workshop_id: Id, conn=Depends(get_conn)):
    ws = workshop_or_404(conn, workshop_id)
    uploads = latest_survey_uploads(conn, workshop_id)
    summary = json.loads(uploads[0]["report"]) if uploads else None
    return render(request, "survey.html", ws=ws, uploads=uploads, summary=summary,
                  max_upload=request.app.state.max_upload_bytes)
