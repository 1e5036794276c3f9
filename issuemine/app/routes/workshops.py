"""Workshop list, new workshop, a workshop's overview page, and deleting a workshop."""

from __future__ import annotations

import json
import shutil
import sqlite3
import unicodedata

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from issuemine.app import store as st
from issuemine.app.pipeline import workshop_folder
from issuemine.app.view import analysis_state
from issuemine.app.web import (Id, JOB_KIND, PageError, clear_notice, get_conn, render, running_job, set_notice,
                               take_notice, workshop_or_404)

router = APIRouter()
MAX_NAME = 100
THEME_COUNTS = range(2, 61)  # the choices of 「テーマの数(目安)」 besides 自動 (the route accepts up to 200)


@router.get("/")
def index(request: Request, conn=Depends(get_conn)):
    notice = take_notice(request)
    response = render(request, "index.html", workshops=st.list_workshops(conn), error=None, name="", notice=notice)
    if notice is not None:
        clear_notice(response)
    return response


def check_details(conn, name: str, held_on: str, workshop_id: int | None = None) -> tuple[str, str | None, dict]:
    """(name with spaces folded, the day as ISO or None, {field: Japanese message}) for the forms that
    create a workshop or change its name and date (``workshop_id``: the one being changed)."""
    from issuemine.present.dates import DateError, parse_date

    name = " ".join(name.split())
    errors = {}
    if not name:
        errors["name"] = "ワークショップ名を入力してください。"
    elif len(name) > MAX_NAME:
        errors["name"] = f"ワークショップ名は {MAX_NAME} 文字以内にしてください(いま {len(name)} 文字です)。"
    else:
        same = st.workshop_by_name(conn, name)
        if same is not None and same["id"] != workshop_id:
            errors["name"] = SAME_NAME
    day = None
    try:
        parsed = parse_date(held_on)
        day = parsed.isoformat() if parsed else None
    except DateError as exc:
        errors["held_on"] = str(exc)
    return name, day, errors


SAME_NAME = "同じ名前のワークショップがすでにあります。別の名前にしてください。"


@router.post("/workshops")
def create(request: Request, name: str = Form(""), held_on: str = Form(""), conn=Depends(get_conn)):
    name, day, errors = check_details(conn, name, held_on)
    if not errors:
        try:
            workshop_id = st.add_workshop(conn, name, day)
        except sqlite3.IntegrityError:  # created by someone else in the meantime
            errors["name"] = SAME_NAME
        else:
            return RedirectResponse(f"/w/{workshop_id}", status_code=303)
    return render(request, "index.html", status_code=400, workshops=st.list_workshops(conn),
                  error="\n".join(errors.values()), errors=errors, name=name, held_on=held_on)


def _overview(request: Request, conn, workshop_id: int, status_code: int = 200, errors=None, form=None):
    ws = workshop_or_404(conn, workshop_id)
    # discarded previews are not the facilitator's files any more: only stored and waiting ones are listed
    uploads = [dict(u, report=json.loads(u["report"])) for u in st.list_uploads(conn, workshop_id)
               if u["status"] != "discarded"]
    counts = st.upload_note_counts(conn, workshop_id)
    for u in uploads:
        u["n_rows"] = counts.get(u["id"], 0)
    n_notes = sum(u["n_rows"] for u in uploads if u["kind"] == "notes" and u["status"] == "stored")
    notice = take_notice(request)
    response = render(request, "workshop.html", status_code=status_code, ws=ws, uploads=uploads, n_notes=n_notes,
                      notice=notice, errors=errors or {},
                      form=form or {"name": ws["name"], "held_on": ws["held_on"] or ""},
                      analysis=request.app.state.runner.refresh(conn, st.latest_job(conn, workshop_id, "analysis")),
                      state=analysis_state(conn, workshop_id), n_edits=len(st.live_edits(conn, workshop_id)),
                      theme_counts=THEME_COUNTS, max_upload=request.app.state.max_upload_bytes)
    if notice is not None:
        clear_notice(response)
    return response


@router.get("/w/{workshop_id}")
def overview(request: Request, workshop_id: Id, conn=Depends(get_conn)):
    return _overview(request, conn, workshop_id)


@router.post("/w/{workshop_id}/settings")
def settings(request: Request, workshop_id: Id, name: str = Form(""), held_on: str = Form(""),
             conn=Depends(get_conn)):
    """The workshop's name and the day it was held (shown on the report's cover and page headers)."""
    workshop_or_404(conn, workshop_id)
    name, day, errors = check_details(conn, name, held_on, workshop_id)
    if not errors:
        try:
            if not st.update_workshop(conn, workshop_id, name, day):
                workshop_or_404(conn, workshop_id)  # deleted meanwhile: 404
        except sqlite3.IntegrityError:  # another workshop took the name in the meantime
            errors["name"] = SAME_NAME
    if errors:
        return _overview(request, conn, workshop_id, status_code=400, errors=errors,
                         form={"name": name, "held_on": held_on})
    response = RedirectResponse(f"/w/{workshop_id}", status_code=303)
    set_notice(response, "ワークショップ名と開催日を保存しました。すでに作ったレポートは、作り直すと新しい名前と開催日になります。")
    return response


# -- deleting a workshop -------------------------------------------------------------------------------
def _same_name(typed: str, name: str) -> bool:
    """The typed confirmation matches the name, forgiving full-width/half-width and spacing (IME input)."""
    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", text).split())

    return bool(typed.strip()) and norm(typed) == norm(name)


def _delete_page(request: Request, conn, ws, status_code: int = 200, error: str | None = None):
    return render(request, "delete.html", status_code=status_code, ws=ws, error=error,
                  counts=st.workshop_counts(conn, ws["id"]), busy=running_job(request, conn, ws["id"]))


def _busy_error(workshop_id: int, job) -> PageError:
    return PageError(409, "実行中の処理があるため削除できません",
                     f"このワークショップの{JOB_KIND[job['kind']]}が実行中です。終わってから、もう一度削除してください。"
                     "進み具合はワークショップのページに出ます。", f"/w/{workshop_id}")


def _remove_files(store: st.Store, deleted: st.DeletedWorkshop) -> bool:
    """Remove the deleted workshop's job folders and the originals no other workshop uses; False if some
    could not be removed (the rows are gone either way: the files are then only unreachable leftovers)."""
    ok = True
    for job_id in deleted.job_ids:
        folder = workshop_folder(store, job_id)
        try:
            shutil.rmtree(folder)
        except FileNotFoundError:
            pass  # a job that failed before writing anything has no folder
        except OSError:
            ok = False
    try:
        store.remove_unreferenced_originals(deleted.digests)
    except OSError:
        ok = False
    return ok


@router.get("/w/{workshop_id}/delete")
def confirm_delete(request: Request, workshop_id: Id, conn=Depends(get_conn)):
    return _delete_page(request, conn, workshop_or_404(conn, workshop_id))


@router.post("/w/{workshop_id}/delete")
def delete(request: Request, workshop_id: Id, confirm_name: str = Form(""), conn=Depends(get_conn)):
    ws = workshop_or_404(conn, workshop_id)
    if not _same_name(confirm_name, ws["name"]):
        return _delete_page(request, conn, ws, status_code=400,
                            error="確認のためのワークショップ名が一致しません。表示されている名前をそのまま入力してください。")
    busy = running_job(request, conn, workshop_id)  # also closes jobs whose worker is gone
    if busy is not None:
        raise _busy_error(workshop_id, busy)
    try:
        # the rows go in one transaction, which checks for running jobs again under the write lock
        deleted = st.delete_workshop(conn, workshop_id)
    except st.JobStillRunning as exc:
        raise _busy_error(workshop_id, exc.job) from None
    if deleted is None:  # deleted by someone else in the meantime
        workshop_or_404(conn, workshop_id)
    notice = f"ワークショップ「{deleted.name}」を削除しました。"
    # files only after the commit: a failed transaction must leave every file its rows point to
    if not _remove_files(request.app.state.store, deleted):
        notice += "ただし、一部のファイルを削除できませんでした(データフォルダーの jobs と originals を確認してください)。"
    response = RedirectResponse("/", status_code=303)
    set_notice(response, notice)
    return response
