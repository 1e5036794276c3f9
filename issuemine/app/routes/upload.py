"""Uploading notes: stream with a size limit, check the type by content, keep the original, preview, store.

Flow: POST the file → the original is kept on disk and a preview is shown (detected encoding, columns,
mapping, row-level errors, the first rows) → the facilitator changes the mapping if needed → confirm
stores the parsed notes in one transaction. Nothing is parsed from the browser's idea of the file type.
"""

from __future__ import annotations

import hashlib
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
    sheets = parsing.sheet_choice(data, fmt)  # offered in the preview even when the chosen sheet fails
    try:
        records, report = parsing.read_notes_upload(data, filename, fmt, options, workshop)
    except IssuemineError as exc:
        return None, {"error": error_dict(exc), "sheet_choice": sheets}
    report["sheet_choice"] = sheets
    report["n_notes"] = len(records)
    report["preview"] = [{k: r.get(k) for k in ("source_row", *parsing.ROLES)} for r in records[:PREVIEW_ROWS]]
    return records, report


# -- the same notes twice ----------------------------------------------------------------------------
NEAR_SHARE = 0.9  # an upload whose notes are at least this share already stored asks before it is stored


def stored_texts(conn, workshop_id: int) -> dict[str, list[str]]:
    """Every stored note of the workshop as the duplicate rules compare it → the files it came from."""
    from issuemine.ingest.duplicates import comparable_text

    out: dict[str, list[str]] = {}
    rows = conn.execute("SELECT u.filename, r.record FROM notes r JOIN uploads u ON u.id = r.upload_id "
                        "WHERE u.workshop_id = ? AND u.kind = 'notes' AND u.status = 'stored' ORDER BY u.id, r.ord",
                        (workshop_id,))
    for filename, record in rows:
        files = out.setdefault(comparable_text(json.loads(record).get("text") or ""), [])
        if filename not in files:
            files.append(filename)
    return out


def overlap(records: list[dict] | None, existing: dict[str, list[str]]) -> dict | None:
    """How many of an upload's notes are already in the workshop (same text after normalisation)."""
    from collections import Counter

    from issuemine.ingest.duplicates import comparable_text

    if not records or not existing:
        return None
    texts = [comparable_text(r.get("text") or "") for r in records]
    same = [t for t in texts if t in existing]
    files = Counter(f for t in same for f in existing[t])
    share = len(same) / len(texts)
    return {"n_same": len(same), "n": len(texts), "share": round(share, 4), "warn": share >= NEAR_SHARE,
            "files": [f for f, _ in files.most_common(3)]}


def _same_file_error(workshop_id: int, filename: str, same) -> PageError:
    from issuemine.present.dates import datetime_ja

    waiting = same["status"] == "preview"
    return PageError(409, "同じファイルがすでにあります",
                     f"「{filename}」は、このワークショップに{datetime_ja(same['created_at'])}にアップロードした"
                     f"「{same['filename']}」と中身がまったく同じです。"
                     + ("そちらがまだ確認待ちです。そのページで保存するか取り消してください。" if waiting else
                        "同じ付箋を二重に数えないよう、受け付けませんでした。"),
                     f"/w/{workshop_id}/uploads/{same['id']}" if waiting else f"/w/{workshop_id}")


@router.post("/w/{workshop_id}/notes")
async def upload_notes(request: Request, workshop_id: Id):
    store = request.app.state.store
    ws = await in_db(store, workshop_or_404, workshop_id)
    filename, data, fmt = await form_file(await receive_form(request, workshop_id), "file", workshop_id)
    same = await in_db(store, st.same_file_upload, workshop_id, "notes", hashlib.sha256(data).hexdigest())
    if same is not None:  # refused before anything is kept
        raise _same_file_error(workshop_id, filename, same)
    digest = await run_in_threadpool(store.save_original, data)
    options = {"mapping": {}, "header": True, "encoding": ""}
    records, report = await run_in_threadpool(_parse, data, filename, fmt, options, ws["name"])
    report["overlap"] = overlap(records, await in_db(store, stored_texts, workshop_id))
    try:
        upload_id = await in_db(store, st.add_upload, workshop_id, "notes", filename, fmt, digest, len(data),
                                options, report, True)  # refuse_same
    except st.SameFile as exc:  # the same file arrived meanwhile (two tabs, a double click)
        raise _same_file_error(workshop_id, filename, exc.upload) from None
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
            "encoding": encoding, "sheet": str(form.get("sheet", "")).strip()[:200]}


@router.post("/w/{workshop_id}/uploads/{upload_id}/options")
async def change_options(request: Request, workshop_id: Id, upload_id: Id):
    """Re-read the kept original with another mapping, header mode or encoding."""
    store = request.app.state.store
    ws, up = await in_db(store, _workshop_and_upload, workshop_id, upload_id)
    if up["status"] != "preview":
        raise PageError(409, "保存済みです", "このファイルはすでに保存されています。", f"/w/{workshop_id}")
    options = _options_from_form(await request.form())
    if options["sheet"] and options["sheet"] != json.loads(up["report"]).get("sheet"):
        options["mapping"] = {}  # another sheet has other columns: read it with the automatic mapping first
    data = await run_in_threadpool(store.read_original, up["sha256"])
    records, report = await run_in_threadpool(_parse, data, up["filename"], up["fmt"], options, ws["name"])
    report["overlap"] = overlap(records, await in_db(store, stored_texts, workshop_id))
    await in_db(store, st.update_preview, upload_id, options, report)
    return RedirectResponse(f"/w/{workshop_id}/uploads/{upload_id}", status_code=303)


@router.post("/w/{workshop_id}/uploads/{upload_id}/confirm")
async def confirm(request: Request, workshop_id: Id, upload_id: Id):
    store = request.app.state.store
    ws, up = await in_db(store, _workshop_and_upload, workshop_id, upload_id)
    if up["status"] != "preview":
        raise PageError(409, "保存済みです", "このファイルはすでに保存されているか、取り消されています。",
                        f"/w/{workshop_id}")
    force = (await request.form()).get("force") == "1"  # 「それでも保存する」 after the overlap warning
    options = json.loads(up["options"])
    data = await run_in_threadpool(store.read_original, up["sha256"])
    records, report = await run_in_threadpool(_parse, data, up["filename"], up["fmt"], options, ws["name"])
    report["overlap"] = overlap(records, await in_db(store, stored_texts, workshop_id))
    if report["overlap"] and report["overlap"]["warn"] and not force:
        # mostly notes the workshop already has: the facilitator chooses (store anyway / cancel) first
        return _preview_page(request, ws, up, options, report, status_code=409)
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


# -- removing one upload -------------------------------------------------------------------------------
def _removal(conn, workshop_id: int, upload_id: int) -> dict:
    """What removing an upload takes away: its notes, and the live edits that refer to them."""
    from issuemine.app.pipeline import note_ids_by_upload
    from issuemine.edits import note_ids_of

    ws = workshop_or_404(conn, workshop_id)
    up = _upload_or_404(conn, workshop_id, upload_id)
    if up["status"] != "stored":
        raise PageError(409, "取り除けません", "保存したファイルだけを取り除けます。確認待ちのファイルは「取り消す」を"
                        "使ってください。", f"/w/{workshop_id}")
    ids = note_ids_by_upload(conn, workshop_id)
    gone = set(ids.get(upload_id, []))
    n_edits = sum(1 for e in st.live_edits(conn, workshop_id) if note_ids_of(e) & gone)
    return {"ws": ws, "up": up, "n_notes": len(gone), "n_left": sum(len(v) for v in ids.values()) - len(gone),
            "n_edits": n_edits}


@router.get("/w/{workshop_id}/uploads/{upload_id}/remove")
def confirm_remove(request: Request, workshop_id: Id, upload_id: Id, conn=Depends(get_conn)):
    return render(request, "remove_upload.html", **_removal(conn, workshop_id, upload_id))


@router.post("/w/{workshop_id}/uploads/{upload_id}/remove")
def remove(request: Request, workshop_id: Id, upload_id: Id, conn=Depends(get_conn)):
    """Remove one stored notes upload: its notes leave the workshop; the original file goes by the rule of
    workshop deletion (kept while another upload row uses the same bytes); analyses are then out of date."""
    from issuemine.app.web import set_notice

    what = _removal(conn, workshop_id, upload_id)
    removed = st.remove_upload(conn, workshop_id, upload_id)
    if removed is None:  # removed by someone else in the meantime
        _upload_or_404(conn, workshop_id, upload_id)
    notice = f"「{removed.filename}」の付箋 {what['n_notes']:,} 枚を取り除きました。もう一度分析してください。"
    if what["n_edits"]:
        notice += (f"この付箋にかかわる手直しが {what['n_edits']} 件あります。分析し直した後、付箋の半分以上が"
                   "なくなった手直しは「適用できなかった手直し」に表示されます。")
    try:
        request.app.state.store.remove_unreferenced_originals([removed.digest])
    except OSError:
        notice += "ただし、元のファイルを削除できませんでした(データフォルダーの originals を確認してください)。"
    response = RedirectResponse(f"/w/{workshop_id}", status_code=303)
    set_notice(response, notice)
    return response
