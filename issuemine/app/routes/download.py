"""The report: build it in the background (same seed and theme count as the last analysis), then download."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from issuemine.app import store as st
from issuemine.app.pipeline import workshop_folder
from issuemine.app.web import PageError, ensure_job_can_start, get_conn, render, workshop_or_404

router = APIRouter()
MEDIA = {".html": "text/html; charset=utf-8", ".pdf": "application/pdf", ".csv": "text/csv; charset=utf-8",
         ".json": "application/json",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
DESCRIBE = {"index.html": "レポート(HTML、オフラインで開けます)", "report.pdf": "レポート(PDF、A4)",
            "notes.xlsx": "付箋の一覧(Excel)"}


def report_files(conn, job) -> list[str]:
    payload = st.result(conn, job["id"], "files") if job is not None else None
    return json.loads(payload) if payload else []


@router.get("/w/{workshop_id}/download")
def download_page(request: Request, workshop_id: int, conn=Depends(get_conn)):
    ws = workshop_or_404(conn, workshop_id)
    done = st.latest_job(conn, workshop_id, "report", status="done")
    files = report_files(conn, done)
    order = {name: i for i, name in enumerate(DESCRIBE)}
    files = sorted(files, key=lambda f: (order.get(f, len(order)), f))
    job = request.app.state.runner.refresh(conn, st.latest_job(conn, workshop_id, "report"))
    return render(request, "download.html", ws=ws, job=job, done=done, files=files, describe=DESCRIBE,
                  n_notes=len(st.records(conn, workshop_id, "notes")))


@router.post("/w/{workshop_id}/report")
def start_report(request: Request, workshop_id: int, conn=Depends(get_conn)):
    workshop_or_404(conn, workshop_id)
    back = f"/w/{workshop_id}/download"
    ensure_job_can_start(request, conn, workshop_id, "report", back)
    analysis = st.latest_job(conn, workshop_id, "analysis", status="done")
    params = json.loads(analysis["params"]) if analysis is not None else {"seed": 0, "n_themes": "auto"}
    request.app.state.runner.start(workshop_id, "report", {**params, "pdf": request.app.state.report_pdf})
    return RedirectResponse(back, status_code=303)


@router.get("/w/{workshop_id}/download/{job_id}/{name}")
def download(request: Request, workshop_id: int, job_id: int, name: str, conn=Depends(get_conn)):
    workshop_or_404(conn, workshop_id)
    job = st.get_job(conn, job_id)
    # Only names the job recorded are served: no path from the URL reaches the file system.
    if job is None or job["workshop_id"] != workshop_id or job["kind"] != "report" or job["status"] != "done" \
            or name not in report_files(conn, job):
        raise PageError(404, "ファイルが見つかりません", "レポートを作り直してください。", f"/w/{workshop_id}/download")
    path = workshop_folder(request.app.state.store, job_id) / "report" / name
    if not path.is_file():
        raise PageError(404, "ファイルが見つかりません", "レポートを作り直してください。", f"/w/{workshop_id}/download")
    suffix = path.suffix.lower()
    return FileResponse(path, media_type=MEDIA.get(suffix, "application/octet-stream"), filename=name,
                        content_disposition_type="attachment")


@router.get("/w/{workshop_id}/notes.edits.jsonl")
def edit_list(workshop_id: int, conn=Depends(get_conn)):
    """The live edit list in the format ``issuemine report`` reads beside a notes file."""
    from issuemine.edits import validate_edit

    workshop_or_404(conn, workshop_id)
    body = "".join(json.dumps(validate_edit(op), ensure_ascii=False, sort_keys=True) + "\n"
                   for op in st.live_edits(conn, workshop_id))
    return Response(body.encode("utf-8"), media_type="application/x-ndjson; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="notes.edits.jsonl"'})
