"""The FastAPI application factory: ``create_app(data_dir, token=None)``.

Security model: the server binds 127.0.0.1 by default (``issuemine serve`` refuses any other address
without a token) and answers only to the names it is known by (``gate.HostPolicy``: DNS rebinding). With a token every page except the login form and static files needs it, given once
(``?token=``, the login form or an ``X-Issuemine-Token`` header) and then kept in a SameSite=Strict
cookie. State-changing requests whose Origin is another site are refused (cross-site form posts).
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from issuemine.app import jobs
from issuemine.app.gate import Gate, HostPolicy
from issuemine.app.store import Store
from issuemine.app.web import BodyTooLarge, PageError, back_from, error_page, local_path, make_env, mb, render

STATIC = Path(__file__).resolve().parent / "static"
COOKIE = "issuemine_token"
DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024


def create_app(data_dir: str | Path, token: str | None = None, *,
               max_upload_bytes: int = DEFAULT_MAX_UPLOAD, report_pdf: bool = True,
               host: str = "127.0.0.1", allowed_hosts: Iterable[str] = ()) -> FastAPI:
    """Build the app over the store in ``data_dir`` (created if missing).

    ``report_pdf``: print report.pdf when Chromium is installed (False: HTML and xlsx only, faster).
    ``host`` is the address the server is bound to; requests must name it, a loopback name or one of
    ``allowed_hosts`` in their Host header.
    """
    from issuemine.app.routes import ROUTERS

    app = FastAPI(title="issuemine", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = Store(data_dir)
    app.state.templates = make_env()
    app.state.token = token or None
    app.state.max_upload_bytes = max_upload_bytes
    app.state.report_pdf = report_pdf
    app.state.runner = jobs.JobRunner(app.state.store)
    app.state.runner.recover()

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/static-plotly/plotly.min.js", include_in_schema=False)
    def plotly_js():
        # Served from the installed plotly package: the same version that draws the figures, no CDN.
        import plotly

        path = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
        return FileResponse(path, media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/login", include_in_schema=False)
    def login_form(request: Request, next: str = "/"):
        return render(request, "login.html", next=local_path(next), failed=False)

    @app.post("/login", include_in_schema=False)
    def login(request: Request, token: str = Form(""), next: str = Form("/")):
        if app.state.token and hmac.compare_digest(token.encode(), app.state.token.encode()):
            resp = RedirectResponse(local_path(next), status_code=303)
            resp.set_cookie(COOKIE, token, httponly=True, samesite="strict")
            return resp
        return render(request, "login.html", status_code=401, next=local_path(next), failed=True)

    @app.middleware("http")
    async def guard(request: Request, call_next):
        path = request.url.path
        if request.method not in ("GET", "HEAD") and not _same_origin(request):
            return error_page(request, 403, "別のサイトからの送信は受け付けません",
                              "このページのフォームから操作してください。")
        secret = app.state.token
        if secret and not (path.startswith("/static") or path == "/login"):
            given = (request.cookies.get(COOKIE) or request.headers.get("x-issuemine-token")
                     or request.query_params.get("token") or "")
            if not hmac.compare_digest(given.encode(), secret.encode()):
                if request.method == "GET" and "hx-request" not in request.headers:
                    return RedirectResponse(f"/login?next={_quote(path)}", status_code=303)
                return error_page(request, 401, "アクセスキーが必要です",
                                  "このサーバーはアクセスキーで保護されています。ログインし直してください。",
                                  back="/login")
            if request.query_params.get("token") and request.method == "GET":
                resp = RedirectResponse(path, status_code=303)
                resp.set_cookie(COOKIE, given, httponly=True, samesite="strict")
                return resp
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, exc: BodyTooLarge):
        return error_page(request, 413, "ファイルが大きすぎます",
                          f"アップロードできるのは {mb(exc.limit)} までです。ファイルを分けるか、"
                          "不要な列やシートを削ってからもう一度アップロードしてください。", back=_back(request))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if isinstance(exc, PageError):
            return error_page(request, exc.status_code, exc.title, str(exc.detail), back=exc.back)
        title, message = HTTP_PAGES.get(exc.status_code, HTTP_PAGES[400])
        return error_page(request, exc.status_code, title, message, back=_back(request))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        if any(_where(e) == "path" for e in exc.errors()):
            # A number or name in the address that cannot name anything (/w/abc, /w/99999999999999999999).
            return error_page(request, 404, *HTTP_PAGES[404])
        return error_page(request, 422, "入力が正しくありません",
                          "送信された内容の一部が足りないか、形式が正しくありません。"
                          "ページを開き直して、もう一度操作してください。", back=_back(request))

    for router in ROUTERS:
        app.include_router(router)
    # Added last, so outermost: the Host check and the body limit come before the token guard and any route.
    app.add_middleware(Gate, hosts=HostPolicy.for_binding(host, allowed_hosts), max_body=max_upload_bytes,
                       log_dir=app.state.store.data_dir / "logs")
    return app


HTTP_PAGES = {
    400: ("送信内容を読み取れません", "ページを開き直して、もう一度操作してください。"),
    404: ("ページが見つかりません", "アドレスが正しくないか、削除されたものです。一覧からやり直してください。"),
    405: ("この操作はできません", "アドレスを確認して、一覧からやり直してください。"),
}


def _where(error) -> str:
    loc = error.get("loc") or ("",)
    return str(loc[0])


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin:
        return True  # browsers send Origin on cross-site posts; tools and same-origin GET forms may not
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc == host


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")


def _back(request: Request) -> str:
    return back_from(request.headers.get("referer"))
