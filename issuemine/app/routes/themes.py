"""Analysis jobs with progress, the theme board, and the facilitator's edits with undo and redo.

Edits come from forms (no JavaScript: the answer is a redirect back to the page) or from the board's htmx
requests (``HX-Request``): then the answer carries only what changed — the affected cards, the undo bar and
a short confirmation — as out-of-band swaps, and the page keeps its scroll position.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from issuemine.app import store as st
from issuemine.app.board import PAGE, Board, Query, changed_cards
from issuemine.app.boardcache import board_for, undo_state
from issuemine.app.web import Id, PageError, ensure_job_can_start, get_conn, in_db, render, workshop_or_404
from issuemine.edits import record_members

router = APIRouter()
MAX_LABEL = 60


@router.post("/w/{workshop_id}/analyze")
def analyze(request: Request, workshop_id: Id, seed: str = Form("0"), themes: str = Form("auto"),
            conn=Depends(get_conn)):
    workshop_or_404(conn, workshop_id)
    back = f"/w/{workshop_id}"
    ensure_job_can_start(request, conn, workshop_id, "analysis", back)
    seed, n_themes = seed.strip() or "0", themes.strip() or "auto"
    if not seed.isdigit() or int(seed) > 2**31 - 1:
        raise PageError(400, "乱数シードが正しくありません", "0 以上の整数を入力してください。", back)
    if n_themes != "auto" and not (n_themes.isdigit() and 1 <= int(n_themes) <= 200):
        raise PageError(400, "テーマ数が正しくありません", "auto か 1〜200 の整数を入力してください。", back)
    request.app.state.runner.start(workshop_id, "analysis", {"seed": int(seed), "n_themes": n_themes})
    return RedirectResponse(back, status_code=303)


@router.get("/w/{workshop_id}/jobs/{job_id}")
def job_status(request: Request, workshop_id: Id, job_id: Id, conn=Depends(get_conn)):
    """The progress block (polled by htmx every second while the job runs)."""
    ws = workshop_or_404(conn, workshop_id)
    job = request.app.state.runner.refresh(conn, st.get_job(conn, job_id))
    if job is None or job["workshop_id"] != workshop_id:
        raise PageError(404, "処理が見つかりません", "一覧からやり直してください。", f"/w/{workshop_id}")
    return render(request, "_job.html", ws=ws, job=job, kind=job["kind"])


def view_or_409(conn, workshop_id: Id):
    from issuemine.app.view import current_view

    view = current_view(conn, workshop_id)
    if view is None:
        raise PageError(409, "まだ分析していません", "付箋を保存して「分析を実行」を押してください。", f"/w/{workshop_id}")
    return view


def board_or_409(request: Request, conn, workshop_id: Id, kind: str):
    view, board = board_for(request.app, conn, workshop_id, kind)
    if view is None:
        raise PageError(409, "まだ分析していません", "付箋を保存して「分析を実行」を押してください。", f"/w/{workshop_id}")
    return view, board


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


@router.get("/w/{workshop_id}/themes")
def themes_page(request: Request, workshop_id: Id, conn=Depends(get_conn)):
    ws = workshop_or_404(conn, workshop_id)
    view, board = board_or_409(request, conn, workshop_id, "themes")
    query = Query.from_params(request.query_params)
    return render(request, "themes.html", ws=ws, view=view, board=board, query=query,
                  groups=board.groups(query), undo=undo_state(conn, workshop_id, view),
                  running=st.latest_job(conn, workshop_id, "analysis"))


@router.get("/w/{workshop_id}/themes/board")
@router.get("/w/{workshop_id}/diagram/board")
def board_fragment(request: Request, workshop_id: Id, conn=Depends(get_conn)):
    """The board alone, for the search box and the filters (htmx swaps it into #board)."""
    ws = workshop_or_404(conn, workshop_id)
    kind = _kind(request)
    _, board = board_or_409(request, conn, workshop_id, kind)
    query = Query.from_params(request.query_params)
    response = render(request, "_board.html", ws=ws, board=board, query=query, groups=board.groups(query))
    from urllib.parse import urlencode

    qs = urlencode(query.params())
    response.headers["HX-Replace-Url"] = f"/w/{workshop_id}/{kind}" + (f"?{qs}" if qs else "")
    return response


@router.get("/w/{workshop_id}/themes/cards/{key}/notes")
@router.get("/w/{workshop_id}/diagram/cards/{key}/notes")
def more_notes(request: Request, workshop_id: Id, key: str, offset: int = 0, conn=Depends(get_conn)):
    """The next notes of one card (もっと見る), as list items that replace the button."""
    ws = workshop_or_404(conn, workshop_id)
    kind = _kind(request)
    _, board = board_or_409(request, conn, workshop_id, kind)
    if key not in board.by_key:
        raise PageError(404, "テーマが見つかりません", "ページを読み直してください。", f"/w/{workshop_id}/{kind}")
    query = Query.from_params(request.query_params)
    card = board.card(key, Query(**{**query.__dict__, "opened": query.opened | {key}}), offset=max(0, offset))
    return render(request, "_note_items.html", ws=ws, board=board, card=card, query=query,
                  offset=max(0, offset) + len(card.notes))


def _kind(request: Request) -> str:
    """"themes" or "diagram": the board a path belongs to (/w/<id>/<kind>/…)."""
    return "diagram" if request.url.path.split("/")[3] == "diagram" else "themes"


def build_edit(form, view) -> dict:
    """The edit op described by a submitted form, validated against the current view (Japanese errors)."""
    op = str(form.get("op", ""))
    themes, notes = view.theme_ids, view.note_ids

    def theme(value) -> str:
        value = str(value or "")
        if value not in themes:
            raise ValueError("指定したテーマがありません(再分析で変わった可能性があります)。ページを読み直してください。")
        return value

    def note(value) -> str:
        value = str(value or "")
        if value not in notes:
            raise ValueError("指定した付箋がありません。ページを読み直してください。")
        return value

    def label_of(value, required: bool) -> str:
        label = " ".join(str(value or "").split())
        if not label and required:
            raise ValueError("新しいテーマ名を入力してください。")
        if len(label) > MAX_LABEL:
            raise ValueError(f"テーマ名は {MAX_LABEL} 文字以内にしてください。")
        return label

    def chosen_notes() -> list[str]:
        chosen = list(dict.fromkeys(note(n) for n in [*form.getlist("notes"), form.get("note")] if n))
        if not chosen:
            raise ValueError("付箋を選んでください(付箋をクリックするか、チェックを入れます)。")
        return chosen

    def one_or_many(ids: list[str]) -> dict:
        return {"note": ids[0]} if len(ids) == 1 else {"notes": ids}

    if op == "rename":
        return {"op": "rename", "theme": theme(form.get("theme")), "label": label_of(form.get("label"), True)}
    if op == "merge":
        chosen = list(dict.fromkeys(theme(t) for t in form.getlist("themes") if str(t)))
        if len(chosen) < 2:
            raise ValueError("統合するテーマを2つ以上選んでください。")
        return {"op": "merge", "themes": chosen}
    if op == "split":
        chosen = list(dict.fromkeys(note(n) for n in form.getlist("notes")))
        if not chosen:
            raise ValueError("分ける付箋にチェックを入れてください。")
        of = view.assignments.set_index("note_id")["theme_id"]
        source = {str(of[n]) for n in chosen}
        if len(source) != 1:
            raise ValueError("分割では、同じテーマの付箋だけを選んでください。")
        (src,) = source
        if len(chosen) >= int((of == src).sum()):
            raise ValueError("テーマの付箋をすべて選ぶと分割になりません。一部だけを選んでください。")
        edit = {"op": "split", "theme": src, "notes": chosen}
        label = label_of(form.get("label"), False)
        return {**edit, "label": label} if label else edit
    if op == "move":
        target = theme(form.get("theme"))
        of = view.assignments.set_index("note_id")["theme_id"]
        ids = [n for n in chosen_notes() if str(of[n]) != target]
        if not ids:
            raise ValueError("選んだ付箋は、もうそのテーマにあります。")
        return {"op": "move", **one_or_many(ids), "theme": target}
    if op == "zone":
        from issuemine.diagram import canonical_zones

        try:
            zones = canonical_zones(str(form.get("zones", "")))
        except ValueError:
            raise ValueError("概念図の領域を一覧から選んでください。") from None
        return {"op": "zone", **one_or_many(chosen_notes()), "zones": zones}
    raise ValueError("不明な操作です。")


@router.post("/w/{workshop_id}/edits")
async def add_edit(request: Request, workshop_id: Id):
    form = await request.form()
    page = "diagram" if form.get("op") == "zone" else "themes"
    return await in_db(request.app.state.store, _respond, request, workshop_id, page, form, "edit")


@router.post("/w/{workshop_id}/undo")
async def undo(request: Request, workshop_id: Id):
    form = await request.form()
    page = "diagram" if form.get("page") == "diagram" else "themes"
    return await in_db(request.app.state.store, _respond, request, workshop_id, page, form, "undo")


@router.post("/w/{workshop_id}/redo")
async def redo(request: Request, workshop_id: Id):
    form = await request.form()
    page = "diagram" if form.get("page") == "diagram" else "themes"
    return await in_db(request.app.state.store, _respond, request, workshop_id, page, form, "redo")


def _respond(conn, request: Request, workshop_id: Id, page: str, form, action: str):
    """Apply the edit, undo or redo; answer with a redirect (plain form) or the changed cards (htmx)."""
    from issuemine.present.edits import describe_edit, done_sentence

    ws = workshop_or_404(conn, workshop_id)
    back = f"/w/{workshop_id}/{page}"
    if action != "edit" and not undo_state(conn, workshop_id, None)[action]:
        title = "元に戻す手直しがありません" if action == "undo" else "やり直す手直しがありません"
        raise PageError(409, title, "手直しの記録を確かめてください。", back)
    view, before = board_or_409(request, conn, workshop_id, page)
    if action == "edit":
        try:
            op = build_edit(form, view)
        except ValueError as exc:
            raise PageError(400, "この手直しはできません", str(exc), back) from None
        if op["op"] == "merge" and not op.get("label"):  # dragged onto a theme: it keeps its name
            op["label"] = dict(zip(view.themes["theme_id"].astype(str), view.themes["label"]))[op["themes"][0]]
        # the notes the themes hold now go with the edit, so it follows them after a re-analysis
        op = record_members(op, view.assignments)
        st.add_edit(conn, workshop_id, op)
        message = done_sentence(describe_edit(op, view.theme_names, view.note_texts))
    else:
        op = (st.undo_edit if action == "undo" else st.redo_edit)(conn, workshop_id)
        if op is None:
            title = "元に戻す手直しがありません" if action == "undo" else "やり直す手直しがありません"
            raise PageError(409, title, "手直しの記録を確かめてください。", back)
    if not is_htmx(request):
        anchor = f"#note-{op['note']}" if action == "edit" and "note" in op else ""
        return RedirectResponse(back + anchor, status_code=303)
    view_after, after = board_or_409(request, conn, workshop_id, page)
    if action != "edit":  # the names the facilitator sees once the edit is gone (undo) or not yet back (redo)
        prefix = "元に戻しました: " if action == "undo" else "やり直しました: "
        shown = view_after if action == "undo" else view
        message = prefix + describe_edit(op, shown.theme_names, shown.note_texts)
    query = Query.from_params(form)
    changed, removed, added, regroup = changed_cards(before, after, query)
    html = request.app.state.templates.get_template("_board_update.html").render(
        request=request, ws=ws, board=after, query=query, changed=changed, removed=removed, added=added,
        regroup=regroup, groups=after.groups(query) if regroup else None, message=message, action=action,
        undo=undo_state(conn, workshop_id, view_after), page=page,
        themes_now=view_after.themes)
    return HTMLResponse(html)


@router.get("/w/{workshop_id}/edit-history")
def edit_history(request: Request, workshop_id: Id, page: str = "themes", conn=Depends(get_conn)):
    """The audit trail of edits (loaded when the facilitator opens it)."""
    ws = workshop_or_404(conn, workshop_id)
    view = view_or_409(conn, workshop_id)
    return render(request, "_edits.html", ws=ws, view=view, history=st.edit_history(conn, workshop_id),
                  page="diagram" if page == "diagram" else "themes", in_board=True)


__all__ = ["router", "view_or_409", "board_or_409", "build_edit", "PAGE"]
