"""The report: build it in the background (same seed and theme count as the last analysis), then download
its files one by one or as one zip."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from issuemine.app import store as st
from issuemine.app.pipeline import folder_name, workshop_folder
from issuemine.present.files import PURPOSES
from issuemine.app.web import (Id, ASCII_NAME, PageError, attachment, ensure_job_can_start, get_conn, render,
                               workshop_or_404)

router = APIRouter()
MEDIA = {".html": "text/html; charset=utf-8", ".pdf": "application/pdf", ".csv": "text/csv; charset=utf-8",
         ".json": "application/json",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
DESCRIBE = PURPOSES  # what each file is for, in Japanese (issuemine.present.files)


def report_files(conn, job) -> list[str]:
    payload = st.result(conn, job["id"], "files") if job is not None else None
    return json.loads(payload) if payload else []


@router.get("/w/{workshop_id}/download")
def download_page(request: Request, workshop_id: Id, conn=Depends(get_conn)):
    ws = workshop_or_404(conn, workshop_id)
    done = st.latest_job(conn, workshop_id, "report", status="done")
    files = report_files(conn, done)
    order = {name: i for i, name in enumerate(DESCRIBE)}
    files = sorted(files, key=lambda f: (order.get(f, len(order)), f))
    job = request.app.state.runner.refresh(conn, st.latest_job(conn, workshop_id, "report"))
    masked = bool(json.loads(done["params"] or "{}").get("mask_pii")) if done is not None else False
    return render(request, "download.html", ws=ws, job=job, done=done, files=files, describe=DESCRIBE,
                  n_notes=len(st.records(conn, workshop_id, "notes")), masked=masked)


@router.post("/w/{workshop_id}/report")
def start_report(request: Request, workshop_id: Id, mask_pii: str = Form(""), conn=Depends(get_conn)):
    workshop_or_404(conn, workshop_id)
    back = f"/w/{workshop_id}/download"
    ensure_job_can_start(request, conn, workshop_id, "report", back)
    analysis = st.latest_job(conn, workshop_id, "analysis", status="done")
    params = json.loads(analysis["params"]) if analysis is not None else {"seed": 0, "n_themes": "auto"}
    request.app.state.runner.start(workshop_id, "report", {**params, "pdf": request.app.state.report_pdf,
                                                           "mask_pii": mask_pii in ("1", "on", "true")})
    return RedirectResponse(back, status_code=303)


@router.get("/w/{workshop_id}/download/{job_id}/{name}")
def download(request: Request, workshop_id: Id, job_id: Id, name: str, conn=Depends(get_conn)):
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
def edit_list(workshop_id: Id, conn=Depends(get_conn)):
    """The live edit list in the format ``issuemine report`` reads beside a notes file."""
    from issuemine.edits import validate_edit

    workshop_or_404(conn, workshop_id)
    body = "".join(json.dumps(validate_edit(op), ensure_ascii=False, sort_keys=True) + "\n"
                   for op in st.live_edits(conn, workshop_id))
    return Response(body.encode("utf-8"), media_type="application/x-ndjson; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="notes.edits.jsonl"'})


# -- the whole report as one zip -------------------------------------------------------------------------
EDIT_LIST = "notes.edits.jsonl"
# Fixed entry metadata, so the same report always gives the same zip bytes: 1980-01-01 is the earliest
# time a zip entry can hold, 0644 regular files made on "Unix".
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
ZIP_MODE = 0o100644 << 16
ZIP_UNIX = 3


def report_members(store, ws, job, names: list[str]) -> dict[str, Path]:
    """Entry name → file: the report job's recorded files, plus the edit list the report was built with
    (the job's snapshot, not today's edits, so the zip matches the report)."""
    report = workshop_folder(store, job["id"]) / "report"
    members = {name: report / name for name in names}
    members.setdefault(EDIT_LIST, workshop_folder(store, job["id"]) / folder_name(ws["name"]) / EDIT_LIST)
    return members


def deterministic_zip(members: dict[str, bytes]) -> bytes:
    """A zip of ``members`` whose bytes depend only on their names and contents (sorted, fixed metadata)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = ZIP_UNIX
            info.external_attr = ZIP_MODE
            zf.writestr(info, members[name], compresslevel=9)
    return buf.getvalue()


def zip_names(ws) -> tuple[str, str]:
    """(file name, ASCII fallback) of a workshop's report zip, e.g. 墨田区_第1回_report.zip / workshop-3_report.zip."""
    base = "_".join(folder_name(ws["name"]).split())
    fallback = base if ASCII_NAME.fullmatch(base) else f"workshop-{ws['id']}"
    return f"{base}_report.zip", f"{fallback}_report.zip"


@router.get("/w/{workshop_id}/report.zip")
def report_zip(request: Request, workshop_id: Id, conn=Depends(get_conn)):
    """Everything the latest finished report produced, as one zip (built in memory: a report is a few MB)."""
    ws = workshop_or_404(conn, workshop_id)
    back = f"/w/{workshop_id}/download"
    job = st.latest_job(conn, workshop_id, "report", status="done")
    if job is None:
        raise PageError(404, "レポートがまだありません", "「レポートを作成」を押し、完了してからダウンロードしてください。", back)
    members = report_members(request.app.state.store, ws, job, report_files(conn, job))
    if not all(path.is_file() for path in members.values()):
        raise PageError(404, "ファイルが見つかりません", "レポートを作り直してください。", back)
    data = deterministic_zip({name: path.read_bytes() for name, path in members.items()})
    filename, fallback = zip_names(ws)
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": attachment(filename, fallback)})
