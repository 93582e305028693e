"""How a Connector reaches clients: Streamable HTTP at /mcp (Starlette + uvicorn) or stdio."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import anyio
import uvicorn
from mcp.server.stdio import stdio_server
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from mcpgen.auth import ANONYMOUS, IDENTITY, METADATA_PATH, advertised, all_scopes
from mcpgen.reload import watch
from mcpgen.server import Connector

LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
# Browser-based clients developers debug with: MCP Inspector's web UI (its default port).
DEBUG_ORIGINS = ("http://localhost:6274", "http://127.0.0.1:6274")
MCP_HEADERS = ["Authorization", "Content-Type", "Last-Event-ID", "Mcp-Protocol-Version", "Mcp-Session-Id"]


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
    connector: Connector,
    allowed_hosts: Sequence[str] = (),
    *,
    reload: bool = False,
    allow_origins: Sequence[str] = (),
) -> Starlette:
    """The ASGI app: MCP at /mcp (both protocol eras) and a health check at /healthz; `reload` watches the spec.

    CORS lets MCP Inspector's web UI (and `allow_origins`) call it from a browser, and nothing else. With an
    `auth:` section, /mcp checks tokens as `connector.protect` set up.
    """

    async def healthz(request: Request) -> JSONResponse:
        spec = connector.loaded.spec
        return JSONResponse({"status": "ok", "name": spec.name, "version": spec.version, "tools": len(connector.tools)})

    if connector.resource is None:  # never serve a spec with auth unchecked
        raise RuntimeError("connector.protect(public /mcp URL) must come before http_app")
    routes = [Route("/healthz", healthz, methods=["GET"])]
    routes += [Route(path, _metadata(connector), methods=["GET"]) for path in (METADATA_PATH, METADATA_PATH + "/mcp")]
    app = connector.server.streamable_http_app(
        streamable_http_path="/mcp",
        transport_security=security(allowed_hosts),
        custom_starlette_routes=routes,
    )
    app.add_middleware(_Guard, connector=connector)  # lets everything through while the spec has no auth
    app.add_middleware(
        CORSMiddleware,
        allow_origins=[*DEBUG_ORIGINS, *allow_origins],
        allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
        allow_headers=MCP_HEADERS,
        expose_headers=["Mcp-Session-Id", "Mcp-Protocol-Version", "WWW-Authenticate"],
    )
    if reload:
        serving = app.router.lifespan_context  # runs the session manager, which opens the store

        @asynccontextmanager
        async def lifespan(app: Starlette) -> AsyncIterator[Any]:
            async with serving(app) as state, anyio.create_task_group() as tasks:
                tasks.start_soon(watch, connector)
                yield state
                tasks.cancel_scope.cancel()

        app.router.lifespan_context = lifespan
    return app


def _metadata(connector: Connector) -> Any:
    async def metadata(request: Request) -> JSONResponse:
        spec, authenticator = connector.loaded.spec, connector.authenticator
        if spec.auth.type != "oauth" or authenticator is None:
            return JSONResponse({"error": "this server does not use OAuth"}, status_code=404)
        return JSONResponse(authenticator.metadata(all_scopes(spec.tools, spec.auth)))

    return metadata


class _Guard:
    """Checks the token of every /mcp request: bearer always; OAuth when given, or always when no tool is open.

    The identity a token proves is left in the request's state, so the tool call does not verify it again.
    """

    def __init__(self, app: ASGIApp, connector: Connector) -> None:
        self.app, self.connector = app, connector

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        authenticator = self.connector.authenticator
        if scope["type"] != "http" or scope["method"] == "OPTIONS" or scope["path"] != "/mcp" or authenticator is None:
            await self.app(scope, receive, send)
            return
        header = Headers(scope=scope).get("authorization")
        spec = self.connector.loaded.spec
        identity, refused = ANONYMOUS, ""
        if spec.auth.type == "bearer":
            refused = "" if authenticator.bearer_accepts(header) else "a valid bearer token is needed"
        else:
            identity = await authenticator.verify(header)
            refused = identity.problem
            if identity.subject is None and not refused and not self._open_tools():
                refused = "this server needs the user to sign in"
        if not refused:
            scope.setdefault("state", {})[IDENTITY] = identity
            await self.app(scope, receive, send)
            return
        response = JSONResponse(
            {"error": "invalid_token", "error_description": refused},
            status_code=401,
            headers={"WWW-Authenticate": authenticator.challenge("invalid_token", refused, spec.auth.scopes or None)},
        )
        await response(scope, receive, send)

    def _open_tools(self) -> bool:
        """Whether some tool may be called without signing in (then initialize and tools/list need no token)."""
        return any({"type": "noauth"} in (advertised(d.tool) or []) for d in self.connector.tools.values())


def serve_http(
    connector: Connector,
    host: str,
    port: int,
    allowed_hosts: Sequence[str] = (),
    *,
    reload: bool = False,
    allow_origins: Sequence[str] = (),
) -> None:
    app = http_app(connector, allowed_hosts, reload=reload, allow_origins=allow_origins)
    config = uvicorn.Config(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=3)
    uvicorn.Server(config).run()


async def serve_stdio(connector: Connector, *, reload: bool = False) -> None:
    server = connector.server
    async with stdio_server() as (read, write), anyio.create_task_group() as tasks:
        if reload:
            tasks.start_soon(watch, connector)
        await server.run(read, write, server.create_initialization_options())
        tasks.cancel_scope.cancel()
