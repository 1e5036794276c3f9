"""Analysis jobs with progress, the themes table, and the facilitator's edits with undo."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from issuemine.app import store as st
from issuemine.app.view import current_view
from issuemine.app.web import (Id, PageError, ensure_job_can_start, get_conn, in_db, options_by_selected, render,
                               workshop_or_404)
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


def view_or_409(conn, workshop_id: int):
    view = current_view(conn, workshop_id)
    if view is None:
        raise PageError(409, "まだ分析していません", "付箋を保存して「分析を実行」を押してください。", f"/w/{workshop_id}")
    return view


@router.get("/w/{workshop_id}/themes")
def themes_page(request: Request, workshop_id: Id, conn=Depends(get_conn)):
    ws = workshop_or_404(conn, workshop_id)
    view = view_or_409(conn, workshop_id)
    themes = view.themes.to_dict("records")
    move_options = options_by_selected([(t["theme_id"], str(t["label"])) for t in themes])
    return render(request, "themes.html", ws=ws, view=view, themes=themes, move_options=move_options,
                  notes=view.table().to_dict("records"), history=st.edit_history(conn, workshop_id),
                  running=st.latest_job(conn, workshop_id, "analysis"))


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

    if op == "rename":
        label = " ".join(str(form.get("label", "")).split())
        if not label:
            raise ValueError("新しいテーマ名を入力してください。")
        if len(label) > MAX_LABEL:
            raise ValueError(f"テーマ名は {MAX_LABEL} 文字以内にしてください。")
        return {"op": "rename", "theme": theme(form.get("theme")), "label": label}
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
        return {"op": "split", "theme": src, "notes": chosen}
    if op == "move":
        return {"op": "move", "note": note(form.get("note")), "theme": theme(form.get("theme"))}
    if op == "zone":
        from issuemine.diagram import canonical_zones

        try:
            zones = canonical_zones(str(form.get("zones", "")))
        except ValueError:
            raise ValueError("概念図の領域を一覧から選んでください。") from None
        return {"op": "zone", "note": note(form.get("note")), "zones": zones}
    raise ValueError("不明な操作です。")


@router.post("/w/{workshop_id}/edits")
async def add_edit(request: Request, workshop_id: Id):
    form = await request.form()
    op = await in_db(request.app.state.store, _add_edit, workshop_id, form)
    page = "diagram" if op["op"] == "zone" else "themes"
    anchor = f"#note-{op['note']}" if "note" in op else ""
    return RedirectResponse(f"/w/{workshop_id}/{page}{anchor}", status_code=303)


def _add_edit(conn, workshop_id: int, form) -> dict:
    page = "diagram" if form.get("op") == "zone" else "themes"
    workshop_or_404(conn, workshop_id)
    view = view_or_409(conn, workshop_id)
    try:
        op = build_edit(form, view)
    except ValueError as exc:
        raise PageError(400, "この手直しはできません", str(exc), f"/w/{workshop_id}/{page}") from None
    # the notes the themes hold now go with the edit, so it follows them after a re-analysis
    op = record_members(op, view.assignments)
    st.add_edit(conn, workshop_id, op)
    return op


@router.post("/w/{workshop_id}/undo")
def undo(workshop_id: Id, page: str = Form(""), conn=Depends(get_conn)):
    page = "diagram" if page == "diagram" else "themes"
    workshop_or_404(conn, workshop_id)
    if st.undo_edit(conn, workshop_id) is None:
        raise PageError(409, "元に戻す手直しがありません", "手直しはまだありません。", f"/w/{workshop_id}/{page}")
    return RedirectResponse(f"/w/{workshop_id}/{page}", status_code=303)
