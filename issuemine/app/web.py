"""Shared web plumbing: templates, the per-request connection, workshop lookup, error pages, body limit."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated
from urllib.parse import quote, unquote

from fastapi import HTTPException, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from issuemine.app import store as st
from issuemine.present.jinja import register as register_present
from issuemine.present.names import zone_choices

TEMPLATES = Path(__file__).resolve().parent / "templates"

ZONE_CHOICES = zone_choices()  # (code, plain name) from the presentation layer


# A row number in a URL (/w/{workshop_id}, uploads, jobs). SQLite stores integers in 64 bits: a larger
# number must be refused while the URL is parsed (→ 404 "not found"), before it reaches a query.
MAX_ID = 2**63 - 1
Id = Annotated[int, PathParam(ge=1, le=MAX_ID)]


def make_env() -> Environment:
    # autoescape=True for every template: note text is rendered in many places and must always be escaped.
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True)
    register_present(env)  # p, pct, jst, zone, phase, method, effect, stability, keywords … (docs/present.md)
    env.globals["ZONE_CHOICES"] = ZONE_CHOICES
    env.filters["fromjson"] = json.loads
    env.filters["safe_json"] = safe_json
    from issuemine.app.board import group_id

    env.globals["group_id"] = group_id
    return env


def safe_json(text: str) -> Markup:
    """A JSON document made safe to sit inside a <script> element (no <, >, & or ' left raw)."""
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                  .replace("'", "\\u0027"))


def options_by_selected(choices: list[tuple[str, str]]) -> dict[str, Markup]:
    """``<option>`` lists for a select repeated on every row, one per selected value, built once.

    A page of 700 notes × 30 themes would otherwise loop 21,000 times in the template.
    """
    from markupsafe import escape

    out = {}
    for chosen, _ in choices:
        out[chosen] = Markup("".join(
            f'<option value="{escape(v)}"{" selected" if v == chosen else ""}>{escape(label)}</option>'
            for v, label in choices))
    return out


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    env: Environment = request.app.state.templates
    html = env.get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status_code)


def local_path(path: str) -> str:
    """Only same-site paths as redirect or "back" targets (no open redirect)."""
    return path if path.startswith("/") and not path.startswith("//") else "/"


def back_from(referer: str | None) -> str:
    """Where an error page's "back" link goes: the page the user came from on this site, else the list."""
    from urllib.parse import urlsplit

    return local_path(urlsplit(referer).path) if referer else "/"


def error_page(request: Request, status_code: int, title: str, message: str, back: str | None = "/"):
    return render(request, "error.html", status_code=status_code, title=title, message=message, back=back)


class PageError(HTTPException):
    """An error shown to the user as a Japanese page (status, title, message, where to go back)."""

    def __init__(self, status_code: int, title: str, message: str, back: str | None = "/") -> None:
        super().__init__(status_code=status_code, detail=message)
        self.title = title
        self.back = back


def get_conn(request: Request):
    """FastAPI dependency: one connection per request, closed afterwards."""
    conn = request.app.state.store.connect()
    try:
        yield conn
    finally:
        conn.close()


async def in_db(store, fn, *args):
    """Run ``fn(conn, *args)`` on a fresh connection in the thread pool.

    Async routes must not wait for SQLite's write lock on the event loop: that would stall every other
    request (and every upload's streaming) while another writer holds the lock.
    """
    def call():
        with store.session() as conn:
            return fn(conn, *args)

    return await run_in_threadpool(call)


def workshop_or_404(conn, workshop_id: int):
    row = st.get_workshop(conn, workshop_id)
    if row is None:
        raise PageError(404, "ワークショップが見つかりません", f"番号 {workshop_id} のワークショップはありません。")
    return row


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


async def read_body_limited(request: Request, limit: int) -> bytes:
    """The request body, counted while it streams in; raises BodyTooLarge past ``limit`` bytes.

    The app's gate (``gate.Gate``) already refuses a declared oversize body before reading and cuts a
    streamed one off at its own limit; this keeps a route's own, possibly smaller, limit the same way.
    """
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def form_from_body(request: Request, body: bytes):
    """Parse a multipart/urlencoded form from an already-read body."""
    sent = False

    async def receive():
        nonlocal sent
        if sent:
            return {"type": "http.request", "body": b"", "more_body": False}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    replay = Request(request.scope, receive)
    return await replay.form(max_files=2, max_fields=50)


def mb(nbytes: int) -> str:
    from issuemine.present.numbers import size_mb

    return size_mb(nbytes)


JOB_BUSY = {"analysis": "分析は実行中です", "report": "レポートを作成中です"}


def ensure_job_can_start(request: Request, conn, workshop_id: int, kind: str, back: str) -> None:
    """Refuse (with the page the user sees) a job on a workshop without notes, or while one of its kind runs."""
    if not st.records(conn, workshop_id, "notes"):
        raise PageError(400, "付箋がありません", "先に付箋のファイルをアップロードして保存してください。", back)
    last = request.app.state.runner.refresh(conn, st.latest_job(conn, workshop_id, kind))
    if last is not None and last["status"] in ("queued", "running"):
        raise PageError(409, JOB_BUSY[kind], "終わるまでお待ちください。進み具合はこのワークショップのページに出ます。", back)


JOB_KIND = {"analysis": "分析", "report": "レポート作成"}


def running_job(request: Request, conn, workshop_id: int):
    """The workshop's first job still queued or running (jobs whose worker vanished are closed first), or None."""
    runner = request.app.state.runner
    for job in st.unfinished_jobs(conn, workshop_id):
        job = runner.refresh(conn, job)
        if job["status"] in ("queued", "running"):
            return job
    return None


# -- one-shot notices across a redirect (e.g. "deleted") ----------------------------------------------
NOTICE_COOKIE = "issuemine_notice"
MAX_NOTICE = 500


def set_notice(response: Response, text: str) -> None:
    """Show ``text`` once on the next page that calls ``take_notice`` (a short-lived cookie, not the URL,
    so a crafted link cannot make the app display a message of its choosing)."""
    response.set_cookie(NOTICE_COOKIE, quote(text[:MAX_NOTICE], safe=""), max_age=60, httponly=True,
                        samesite="strict")


def take_notice(request: Request) -> str | None:
    raw = request.cookies.get(NOTICE_COOKIE)
    return unquote(raw)[:MAX_NOTICE] if raw else None


def clear_notice(response: Response) -> None:
    response.delete_cookie(NOTICE_COOKIE, httponly=True, samesite="strict")


# -- downloads ------------------------------------------------------------------------------------
ASCII_NAME = re.compile(r"[A-Za-z0-9._-]+")


def attachment(filename: str, fallback: str) -> str:
    """A Content-Disposition header: ``filename*`` (RFC 5987, UTF-8) carries the Japanese name for current
    browsers, ``filename`` an ASCII ``fallback`` for clients that do not read ``filename*``."""
    if not ASCII_NAME.fullmatch(fallback):
        raise ValueError(fallback)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
