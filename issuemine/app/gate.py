"""The app's outermost layer (pure ASGI): what every request passes before any route sees it.

1. The Host allow-list. A page on another site can make the facilitator's browser talk to the
   tokenless 127.0.0.1 server by pointing its own name at 127.0.0.1 (DNS rebinding): the browser then
   sends ``Host: evil.example`` and treats the answers as same-origin. Only the names the server is
   known by are served: the bound address, localhost / 127.0.0.1 / [::1], and the names given with
   ``--allowed-host``; anything else (or no Host at all) gets a Japanese 400 page and nothing else runs.
2. The body-size limit, enforced while the body streams in: a declared ``Content-Length`` over the limit
   is refused before a byte of the body is read; a chunked (or lying) body is counted as it arrives and
   cut off at the first chunk past the limit. The 413 answer carries ``Connection: close`` so the server
   stops reading the rest instead of draining it.
3. The last resort: an exception no route handled becomes a Japanese 500 page. Only its type and stack
   frames go to ``DATA/logs/server.log`` — never its text, which may quote a note.

HEAD (monitoring tools, link checkers, some browsers before a download) is answered as the GET of the same
address without its body: the same status and headers, ``Content-Length`` included (RFC 9110 §9.3.2). A path
that has no GET answers 405 as before.
"""

from __future__ import annotations

import ipaddress
import socket
import traceback
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request

from issuemine.app.web import BodyTooLarge, back_from, error_page, mb

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
WILDCARDS = ("0.0.0.0", "::", "")


def host_name(value: str) -> str | None:
    """The name part of a Host header (no port, no brackets, lower case, no trailing dot); None if malformed."""
    value = value.strip().lower()
    if value.startswith("["):  # [::1]:8000
        end = value.find("]")
        if end < 0:
            return None
        name, rest = value[1:end], value[end + 1:]
        if rest and not (rest.startswith(":") and _is_port(rest[1:])):
            return None
    else:
        name, sep, port = value.partition(":")
        if sep and not _is_port(port):
            return None
    name = name.rstrip(".")
    return name or None


def _is_port(text: str) -> bool:
    return text == "" or (text.isascii() and text.isdigit() and len(text) <= 5)  # RFC 3986: port = *DIGIT


def _normal(name: str) -> str:
    name = name.strip().lower().strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(name).compressed
    except ValueError:
        return name


@dataclass(frozen=True)
class HostPolicy:
    """Which Host names this server answers to."""

    names: frozenset[str]
    any_ip_literal: bool = False  # bound to a wildcard address: every address of this machine may be used

    @classmethod
    def for_binding(cls, bound: str | None = "127.0.0.1", extra=()) -> "HostPolicy":
        """The policy of a server bound to ``bound`` that also answers to the names in ``extra``.

        A wildcard binding (0.0.0.0, ::) is reached by any of the machine's addresses, so IP literals are
        accepted (a DNS-rebinding page cannot make the browser send an IP literal it does not browse) and
        the machine's own host name; other names still need ``--allowed-host``.
        """
        names = {_normal(n) for n in (*LOOPBACK_NAMES, *extra) if n and n.strip()}
        wildcard = (bound or "") in WILDCARDS
        if wildcard:
            names.add(_normal(socket.gethostname()))
        elif bound:
            names.add(_normal(bound))
        return cls(frozenset(names), any_ip_literal=wildcard)

    def allows(self, header: str | None) -> bool:
        if not header:
            return False
        name = host_name(header)
        if name is None:
            return False
        name = _normal(name)
        if name in self.names:
            return True
        if self.any_ip_literal:
            try:
                ipaddress.ip_address(name)
            except ValueError:
                return False
            return True
        return False


def _header(scope, key: bytes) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == key:
            return value.decode("latin-1")
    return None


def _wrong_host_message(scope, host: str | None) -> str:
    name = host_name(host or "")
    port = (scope.get("server") or (None, None))[1]
    where = f"http://127.0.0.1:{port}/" if port else "起動したときに表示されたアドレス"
    text = (f"このサーバーは「{name[:100]}」という名前では開けません" if name
            else "このサーバーは、この開き方では使えません")
    text += f"(ほかのサイトからの操作を防ぐためです)。{where} で開いてください。"
    if name:
        text += f"この名前で開く必要があるときは、issuemine serve に --allowed-host {name[:100]} を付けて起動し直してください。"
    return text


def _is_too_large(exc: BaseException) -> bool:
    """BodyTooLarge, possibly inside the exception groups of the middleware in between."""
    if isinstance(exc, BodyTooLarge):
        return True
    return isinstance(exc, BaseExceptionGroup) and any(_is_too_large(e) for e in exc.exceptions)


def _headers_only(send):
    """``send`` for a HEAD request: the GET's status and headers, every body chunk emptied."""
    async def head_send(message):
        if message["type"] == "http.response.body":
            message = {"type": "http.response.body", "body": b"", "more_body": message.get("more_body", False)}
        await send(message)

    return head_send


class Gate:
    """ASGI middleware: Host allow-list, then the body limit, then the app; a Japanese page for what escapes."""

    def __init__(self, app, hosts: HostPolicy, max_body: int, log_dir: Path | None = None) -> None:
        self.app = app
        self.hosts = hosts
        self.max_body = max_body
        self.log_dir = log_dir

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope.get("method") == "HEAD":
            scope, send = {**scope, "method": "GET"}, _headers_only(send)
        host = _header(scope, b"host")
        if not self.hosts.allows(host):
            await self._page(scope, send, 400, "このアドレスでは開けません", _wrong_host_message(scope, host),
                             back=None, close=True)
            return
        limit = self.max_body
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.strip().isdigit() or int(declared) > limit):
            # Refused before reading: not one byte of the body is taken in.
            await self._too_large(scope, send)
            return

        state = {"read": 0, "over": False, "started": False}

        async def limited_receive():
            if state["over"]:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                state["read"] += len(message.get("body", b""))
                if state["read"] > limit:
                    # Cut off: to the app the client has gone (it stops reading and stores nothing); the
                    # gate answers 413. (An exception raised here would reach the gate wrapped in
                    # exception groups by the middleware in between.)
                    state["over"] = True
                    return {"type": "http.disconnect"}
            return message

        async def tracked_send(message):
            if message["type"] == "http.response.start":
                state["started"] = True
                if state["over"]:  # stop the server from reading (draining) the rest of the body
                    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"connection"]
                    message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        try:
            await self.app(scope, limited_receive, tracked_send)
        except Exception as exc:  # noqa: BLE001 — the last resort; the type and frames are logged
            if state["started"]:
                if not state["over"]:
                    self._log(scope, exc)
            elif state["over"] or _is_too_large(exc):
                await self._too_large(scope, send)
            else:
                self._log(scope, exc)
                await self._page(scope, send, 500, "問題が発生しました",
                                 "処理の途中で問題が発生したため、完了できませんでした。入力した内容は保存されていない"
                                 "ことがあります。ワークショップのページを開き直して確かめ、もう一度操作してください。"
                                 "くり返し起きるときは、データフォルダーの logs/server.log を担当者に渡してください"
                                 "(付箋の内容は書かれていません)。", back="/")
        else:
            if state["over"] and not state["started"]:
                await self._too_large(scope, send)

    async def _too_large(self, scope, send) -> None:
        await self._page(scope, send, 413, "ファイルが大きすぎます",
                         f"アップロードできるのは {mb(self.max_body)} までです。ファイルを分けるか、"
                         "不要な列やシートを削ってからもう一度アップロードしてください。",
                         back=back_from(_header(scope, b"referer")), close=True)

    async def _page(self, scope, send, status: int, title: str, message: str, back: str | None,
                    close: bool = False) -> None:
        async def no_body():
            return {"type": "http.disconnect"}

        request = Request(scope, no_body)
        response = error_page(request, status, title, message, back=back)
        if close:
            response.headers["connection"] = "close"
        await response(scope, no_body, send)

    def _log(self, scope, exc: BaseException) -> None:
        """Type, route and stack frames of an unexpected error: never ``str(exc)`` (it may quote a note)."""
        if self.log_dir is None:
            return
        try:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            route = scope.get("route")
            where = getattr(route, "path", None) or "?"
            with open(self.log_dir / "server.log", "a", encoding="utf-8") as log:
                log.write(f"{scope.get('method', '?')} {where}: {type(exc).__name__}\n")
                log.write("".join(traceback.format_tb(exc.__traceback__)))
        except OSError:
            pass
