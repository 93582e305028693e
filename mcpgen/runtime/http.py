"""How a server reaches clients over HTTP: MCP at /mcp, /healthz, OAuth metadata; host, origin and token checks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from contextlib import AsyncExitStack
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.authentication import AuthCredentials, AuthenticationBackend, AuthenticationError, BaseUser
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from .auth import ANONYMOUS, METADATA_PATH, open_to_all, scopes_supported
from .options import MAX_BODY
from .server import Server
from .sessions import Sessions
from .streamable import Streamable

log = logging.getLogger(__name__)
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
# Browser-based clients developers debug with: MCP Inspector's web UI (its default port).
DEBUG_ORIGINS = ("http://localhost:6274", "http://127.0.0.1:6274")
# The web pages that call a public connector from the browser: ChatGPT (both of its addresses), the API Playground.
CHATGPT_ORIGINS = ("https://chatgpt.com", "https://chat.openai.com", "https://platform.openai.com")
MCP_HEADERS = [
    "Authorization",
    "Content-Type",
    "Last-Event-ID",
    "Mcp-Protocol-Version",
    "Mcp-Session-Id",
    "Mcp-Method",
    "Mcp-Name",
]
Background = Callable[[], Coroutine[Any, Any, None]]  # a task that runs while serving (hot reload)


def public_mcp_url(public_url: str) -> str:
    """The URL to paste into ChatGPT: the public URL's origin with /mcp."""
    return public_url.rstrip("/").removesuffix("/mcp") + "/mcp"


def public_host(public_url: str) -> str:
    """The Host header requests through the public URL carry: abc123.ngrok-free.app (with a port if it has one)."""
    return urlsplit(public_url).netloc


def http_app(
    server: Server,
    allowed_hosts: Sequence[str] = (),
    allow_origins: Sequence[str] = (),
    background: Background | None = None,
    sessions: Sessions | None = None,
    *,
    chatgpt_origins: bool = True,
    max_body: int = MAX_BODY,
) -> ASGIApp:
    """MCP at /mcp (both protocol eras), /healthz and the OAuth metadata; `background` runs while serving.

    DNS-rebinding protection: /mcp answers only requests for local hosts and `allowed_hosts` (a tunnel's), from
    no browser origin but theirs, `allow_origins` and, once there are `allowed_hosts` (the server is public),
    ChatGPT's unless `chatgpt_origins` is False. CORS lets those origins (and MCP Inspector's web UI) call it
    from a browser. Callers of /mcp are checked by `server.authenticator`, whatever it is at the time of the
    request. A request body over `max_body` bytes gets a 413.
    """
    if server.connector.auth.type != "none" and server.authenticator is None:  # never serve auth unchecked
        raise RuntimeError("a connector with auth needs server.authenticator before http_app")
    endpoint = Streamable(server, sessions or Sessions(), max_body)
    guarded = AuthenticationMiddleware(
        endpoint, backend=_Tokens(server), on_error=lambda _, exc: _challenge(server, exc)
    )
    hosts = [*LOCAL_HOSTS, *allowed_hosts]
    origins = [*DEBUG_ORIGINS, *allow_origins, *(CHATGPT_ORIGINS if chatgpt_origins and allowed_hosts else ())]
    app = _App(
        server,
        mcp=endpoint,
        guarded=guarded,
        others=_others(server),
        hosts=hosts,
        origins=origins,
        background=background,
    )
    return CORSMiddleware(
        app,
        allow_origins=origins,
        allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
        allow_headers=MCP_HEADERS,
        expose_headers=["Mcp-Session-Id", "Mcp-Protocol-Version", "WWW-Authenticate"],
    )


class _App:
    """/mcp straight to its endpoint, behind the host, origin (and, with auth, token) checks; the rest: Starlette.

    An origin passes when its host is one of `hosts`, or when it is exactly one of `origins`.
    """

    def __init__(
        self,
        server: Server,
        *,
        mcp: ASGIApp,
        guarded: ASGIApp,
        others: ASGIApp,
        hosts: list[str],
        origins: list[str],
        background: Background | None,
    ) -> None:
        self.server, self.mcp, self.guarded, self.others, self.background = server, mcp, guarded, others, background
        self.hosts = {_hostname(host) for host in hosts}
        self.origins = set(origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in ("/mcp", "/mcp/"):
            refusal = self._refusal(scope)
            if refusal is None:  # tokens are checked while the server has an authenticator (a reload may add one)
                await (self.guarded if self.server.authenticator is not None else self.mcp)(scope, receive, send)
            else:
                await Response(refusal[1], refusal[0])(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        else:
            await self.others(scope, receive, send)

    def _refusal(self, scope: Scope) -> tuple[int, str] | None:
        """421 for a Host this server is not, 403 for a browser page of another site (DNS rebinding)."""
        host = origin = None
        for name, value in scope["headers"]:
            if name == b"host":
                host = value.decode("latin-1")
            elif name == b"origin":
                origin = value.decode("latin-1")
        if host is None or _hostname(host) not in self.hosts:
            return 421, "Invalid Host header"
        if origin is not None and origin not in self.origins:
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or _hostname(parts.netloc) not in self.hosts:
                return 403, "Invalid Origin header"
        return None

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        """Opens the store for as long as the server serves, and runs the background task meanwhile."""
        await receive()  # lifespan.startup
        async with AsyncExitStack() as stack:
            try:
                await stack.enter_async_context(self.server.running())
            except Exception as exc:
                log.exception("the server cannot start")
                await send({"type": "lifespan.startup.failed", "message": str(exc)})
                return
            self.server.changes.open()
            task = asyncio.ensure_future(self.background()) if self.background is not None else None
            await send({"type": "lifespan.startup.complete"})
            await receive()  # lifespan.shutdown
            self.server.changes.close()
            if task is not None:
                task.cancel()
        await send({"type": "lifespan.shutdown.complete"})


def _hostname(host: str) -> str:
    """`abc.example:8443` → `abc.example`, `[::1]:80` → `[::1]`, lower case."""
    host = host.strip().lower()
    if host.startswith("["):
        return host.partition("]")[0] + "]"
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def _others(server: Server) -> Starlette:
    """/healthz, and the protected resource metadata of OAuth (RFC 9728) under both of its paths."""

    async def healthz(request: Request) -> JSONResponse:
        connector = server.connector
        return JSONResponse(
            {"status": "ok", "name": connector.name, "version": connector.version, "tools": len(connector.tools)}
        )

    async def metadata(request: Request) -> JSONResponse:
        connector, authenticator = server.connector, server.authenticator
        if connector.auth.type != "oauth" or authenticator is None:
            return JSONResponse({"error": "this server does not use OAuth"}, status_code=404)
        definitions = (tool.definition for tool in connector.tools.values())
        return JSONResponse(authenticator.metadata(scopes_supported(connector.auth, definitions)))

    routes = [Route("/healthz", healthz, methods=["GET"])]
    routes += [Route(path, metadata, methods=["GET"]) for path in (METADATA_PATH, METADATA_PATH + "/mcp")]
    return Starlette(routes=routes)


class _Tokens(AuthenticationBackend):
    """Checks the token of /mcp requests: bearer always; OAuth when given, or always when no tool is open.

    The identity a token proves becomes the request's user, so the tool call does not verify it again.
    """

    def __init__(self, server: Server) -> None:
        self.server = server

    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, BaseUser] | None:
        """None (no check) without auth and for preflights; the identity; or AuthenticationError with the reason."""
        authenticator = self.server.authenticator
        if authenticator is None or conn.scope.get("method") == "OPTIONS":
            return None
        header = conn.headers.get("authorization")
        if authenticator.settings.type == "bearer":
            if not authenticator.bearer_accepts(header):
                raise AuthenticationError("a valid bearer token is needed")
            return AuthCredentials(), ANONYMOUS  # a shared token says nothing about who calls
        identity = await authenticator.verify(header)
        if identity.problem:
            raise AuthenticationError(identity.problem)
        tools = self.server.connector.tools.values()
        if identity.subject is None and not any(open_to_all(tool.schemes) for tool in tools):
            raise AuthenticationError("this server needs the user to sign in")
        return AuthCredentials(sorted(identity.scopes)), identity


def _challenge(server: Server, exc: Exception) -> Response:
    """401 with the WWW-Authenticate header that tells the client where to get a token."""
    authenticator, reason = server.authenticator, str(exc)
    assert authenticator is not None
    scopes = authenticator.settings.scopes
    return JSONResponse(
        {"error": "invalid_token", "error_description": reason},
        status_code=401,
        headers={"WWW-Authenticate": authenticator.challenge("invalid_token", reason, scopes)},
    )
