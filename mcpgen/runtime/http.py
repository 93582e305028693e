"""How a server reaches clients over HTTP: MCP at /mcp, /healthz, OAuth metadata; host, origin and token checks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import anyio
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.authentication import AuthCredentials, AuthenticationBackend, AuthenticationError, BaseUser
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .auth import ANONYMOUS, METADATA_PATH, open_to_all, scopes_supported
from .server import Server

LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
# Browser-based clients developers debug with: MCP Inspector's web UI (its default port).
DEBUG_ORIGINS = ("http://localhost:6274", "http://127.0.0.1:6274")
MCP_HEADERS = ["Authorization", "Content-Type", "Last-Event-ID", "Mcp-Protocol-Version", "Mcp-Session-Id"]
Background = Callable[[], Coroutine[Any, Any, None]]  # a task that runs while serving (hot reload)


def public_mcp_url(public_url: str) -> str:
    """The URL to paste into ChatGPT: the public URL's origin with /mcp."""
    return public_url.rstrip("/").removesuffix("/mcp") + "/mcp"


def public_host(public_url: str) -> str:
    """The Host header requests through the public URL carry: abc123.ngrok-free.app (with a port if it has one)."""
    return urlsplit(public_url).netloc


def security(allowed_hosts: Sequence[str] = ()) -> TransportSecuritySettings:
    """DNS-rebinding protection: local hosts plus the ones named (a tunnel's host), nothing else."""
    hosts = [*LOCAL_HOSTS, *allowed_hosts]
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[pattern for host in hosts for pattern in (host, f"{host}:*")],
        allowed_origins=[
            f"{scheme}://{host}{port}" for host in hosts for scheme in ("http", "https") for port in ("", ":*")
        ],
    )


def http_app(
    server: Server,
    allowed_hosts: Sequence[str] = (),
    allow_origins: Sequence[str] = (),
    background: Background | None = None,
) -> Starlette:
    """MCP at /mcp (both protocol eras), /healthz and the OAuth metadata; `background` runs while serving.

    CORS lets MCP Inspector's web UI (and `allow_origins`) call it from a browser, and nothing else. Callers of
    /mcp are checked by `server.authenticator`, whatever it is at the time of the request.
    """

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

    if server.connector.auth.type != "none" and server.authenticator is None:  # never serve auth unchecked
        raise RuntimeError("a connector with auth needs server.authenticator before http_app")
    routes = [Route("/healthz", healthz, methods=["GET"])]
    routes += [Route(path, metadata, methods=["GET"]) for path in (METADATA_PATH, METADATA_PATH + "/mcp")]
    app = server.mcp.streamable_http_app(
        streamable_http_path="/mcp",
        transport_security=security(allowed_hosts),
        custom_starlette_routes=routes,
    )
    app.add_middleware(
        AuthenticationMiddleware, backend=_Tokens(server), on_error=lambda conn, exc: _challenge(server, exc)
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=[*DEBUG_ORIGINS, *allow_origins],
        allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
        allow_headers=MCP_HEADERS,
        expose_headers=["Mcp-Session-Id", "Mcp-Protocol-Version", "WWW-Authenticate"],
    )
    if background is not None:
        serving = app.router.lifespan_context  # runs the session manager, which opens the store

        @asynccontextmanager
        async def lifespan(app: Starlette) -> AsyncIterator[Any]:
            async with serving(app) as state, anyio.create_task_group() as tasks:
                tasks.start_soon(background)
                yield state
                tasks.cancel_scope.cancel()

        app.router.lifespan_context = lifespan
    return app


class _Tokens(AuthenticationBackend):
    """Checks the token of /mcp requests: bearer always; OAuth when given, or always when no tool is open.

    The identity a token proves becomes the request's user, so the tool call does not verify it again.
    """

    def __init__(self, server: Server) -> None:
        self.server = server

    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, BaseUser] | None:
        """None (no check) off /mcp and without auth; the identity; or AuthenticationError with the reason."""
        authenticator = self.server.authenticator
        if authenticator is None or conn.scope["path"] != "/mcp" or conn.scope.get("method") == "OPTIONS":
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
