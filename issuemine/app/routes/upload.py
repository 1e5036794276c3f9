"""Uploading notes: stream with a size limit, check the type by content, keep the original, preview, store.

Flow: POST the file → the original is kept on disk and a preview is shown (detected encoding, columns,
mapping, row-level errors, the first rows) → the facilitator changes the mapping if needed → confirm
stores the parsed notes in one transaction. Nothing is parsed from the browser's idea of the file type.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from issuemine.app import parsing
from issuemine.app import store as st
from issuemine.app.sniff import sniff
from issuemine.app.web import (Id, PageError, form_from_body, get_conn, in_db, read_body_limited, render,
                               workshop_or_404)
from issuemine.errors import IssuemineError

router = APIRouter()
PREVIEW_ROWS = 20
ENCODINGS = [("", "自動判定"), ("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8(BOM付き)"), ("cp932", "シフトJIS(CP932)"),
             ("euc-jp", "EUC-JP"), ("utf-16", "UTF-16")]


def error_dict(exc: IssuemineError) -> dict:
    return {"message": exc.message, "where": exc.where(), "file": exc.file and exc.file.rsplit("/", 1)[-1],
            "row": exc.row, "column": exc.column, "hint": exc.hint, "text": str(exc)}


async def receive_form(request: Request, workshop_id: int):
    """The submitted multipart form, read within the size limit (413 page past it)."""
    body = await read_body_limited(request, request.app.state.max_upload_bytes)
    back = f"/w/{workshop_id}"
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise PageError(400, "ファイルが送られていません", "ファイルを選んでから「アップロード」を押してください。", back)
    try:
        return await form_from_body(request, body)
    except Exception:  # noqa: BLE001 — malformed multipart from a broken client
        raise PageError(400, "送信内容を読み取れません", "もう一度ファイルを選んでアップロードしてください。", back) from None


async def form_file(form, field: str, workshop_id: int, required: bool = True):
    """(filename, bytes, format) of one file field, its type checked by content; None if optional and empty."""
    back = f"/w/{workshop_id}"
    upload = form.get(field)
    if not isinstance(upload, UploadFile) or not upload.filename:
        if not required:
            return None
        raise PageError(400, "ファイルが選ばれていません", "ファイルを選んでから「アップロード」を押してください。", back)
    data = await upload.read()
    filename = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
    try:
        fmt = sniff(data, filename)
    except IssuemineError as exc:
        raise PageError(415, "このファイルは読み込めません", str(exc), back) from None
    return filename, data, fmt


async def keep_originals(store, datas: list[bytes]) -> None:
    """Write the originals again now that upload rows reference them (a no-op when they are there).

    A workshop deleted while this upload was being parsed may have removed a shared original that no row
    referenced yet (Store.remove_unreferenced_originals); from now on the rows keep it.
    """
    for data in datas:
        await run_in_threadpool(store.save_original, data)


def _parse(data: bytes, filename: str, fmt: str, options: dict, workshop: str):
    """(records, report with preview rows and any error)."""
    try:
        records, report = parsing.read_notes_upload(data, filename, fmt, options, workshop)
    except IssuemineError as exc:
        return None, {"error": error_dict(exc)}
    report["n_notes"] = len(records)
    report["preview"] = [{k: r.get(k) for k in ("source_row", *parsing.ROLES)} for r in records[:PREVIEW_ROWS]]
    return records, report


@router.post("/w/{workshop_id}/notes")
async def upload_notes(request: Request, workshop_id: Id):
    store = request.app.state.store
    ws = await in_db(store, workshop_or_404, workshop_id)
    filename, data, fmt = await form_file(await receive_form(request, workshop_id), "file", workshop_id)
    digest = await run_in_threadpool(store.save_original, data)
    options = {"mapping": {}, "header": True, "encoding": ""}
    _, report = await run_in_threadpool(_parse, data, filename, fmt, options, ws["name"])
    upload_id = await in_db(store, st.add_upload, workshop_id, "notes", filename, fmt, digest, len(data), options,
                            report)
    await keep_originals(store, [data])
    return RedirectResponse(f"/w/{workshop_id}/uploads/{upload_id}", status_code=303)


def _workshop_and_upload(conn, workshop_id: int, upload_id: int):
    return workshop_or_404(conn, workshop_id), _upload_or_404(conn, workshop_id, upload_id)


def _upload_or_404(conn, workshop_id: int, upload_id: int):
    up = st.get_upload(conn, upload_id)
    if up is None or up["workshop_id"] != workshop_id or up["kind"] != "notes":
        raise PageError(404, "アップロードが見つかりません", "一覧からやり直してください。", f"/w/{workshop_id}")
    return up


@router.get("/w/{workshop_id}/uploads/{upload_id}")
def preview(request: Request, workshop_id: Id, upload_id: Id, conn=Depends(get_conn)):
    ws = workshop_or_404(conn, workshop_id)
    up = _upload_or_404(conn, workshop_id, upload_id)
    return _preview_page(request, ws, up, json.loads(up["options"]), json.loads(up["report"]))


def _preview_page(request, ws, up, options, report, status_code=200):
    return render(request, "preview.html", status_code=status_code, ws=ws, up=up, options=options, report=report,
                  roles=parsing.ROLES, role_labels=parsing.ROLE_LABELS, encodings=ENCODINGS)


def _options_from_form(form) -> dict:
    mapping = {role: str(form.get(f"map_{role}", "")).strip() for role in parsing.ROLES}
    encoding = str(form.get("encoding", ""))
    if encoding not in {e for e, _ in ENCODINGS}:
        encoding = ""
    return {"mapping": {k: v for k, v in mapping.items() if v}, "header": form.get("header") == "1",
            "encoding": encoding}


@router.post("/w/{workshop_id}/uploads/{upload_id}/options")
async def change_options(request: Request, workshop_id: Id, upload_id: Id):
    """Re-read the kept original with another mapping, header mode or encoding."""
    store = request.app.state.store
    ws, up = await in_db(store, _workshop_and_upload, workshop_id, upload_id)
    if up["status"] != "preview":
        raise PageError(409, "保存済みです", "このファイルはすでに保存されています。", f"/w/{workshop_id}")
    options = _options_from_form(await request.form())
    data = await run_in_threadpool(store.read_original, up["sha256"])
    _, report = await run_in_threadpool(_parse, data, up["filename"], up["fmt"], options, ws["name"])
    await in_db(store, st.update_preview, upload_id, options, report)
    return RedirectResponse(f"/w/{workshop_id}/uploads/{upload_id}", status_code=303)


@router.post("/w/{workshop_id}/uploads/{upload_id}/confirm")
async def confirm(request: Request, workshop_id: Id, upload_id: Id):
    store = request.app.state.store
    ws, up = await in_db(store, _workshop_and_upload, workshop_id, upload_id)
    if up["status"] != "preview":
        raise PageError(409, "保存済みです", "このファイルはすでに保存されているか、取り消されています。",
                        f"/w/{workshop_id}")
    options = json.loads(up["options"])
    data = await run_in_threadpool(store.read_original, up["sha256"])
    records, report = await run_in_threadpool(_parse, data, up["filename"], up["fmt"], options, ws["name"])
    if records is None:
        return _preview_page(request, ws, up, options, report, status_code=400)
    if not records:
        report["error"] = {"text": "保存できる付箋が1枚もありません(空の行だけでした)。", "message": "", "where": ""}
        return _preview_page(request, ws, up, options, report, status_code=400)
    try:
        await in_db(store, st.store_records, upload_id, "notes", records, options, report)
    except LookupError:
        raise PageError(409, "保存済みです", "このファイルはすでに保存されています。", f"/w/{workshop_id}") from None
    return RedirectResponse(f"/w/{workshop_id}", status_code=303)


@router.post("/w/{workshop_id}/uploads/{upload_id}/discard")
def discard(request: Request, workshop_id: Id, upload_id: Id, conn=Depends(get_conn)):
    workshop_or_404(conn, workshop_id)
    up = _upload_or_404(conn, workshop_id, upload_id)
    if up["status"] == "preview":
        st.discard_upload(conn, upload_id)
    return RedirectResponse(f"/w/{workshop_id}", status_code=303)
