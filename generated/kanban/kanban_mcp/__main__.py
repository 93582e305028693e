"""`python -m kanban_mcp`: serves the connector over Streamable HTTP at /mcp (and /healthz), or stdio."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from urllib.parse import urlsplit

import anyio
import uvicorn
from mcp.server.stdio import stdio_server
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from kanban_mcp.server import NAME, TITLE, TOOLS, VERSION, create_server

LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
# Browser-based clients developers debug with: MCP Inspector's web UI (its default port).
DEBUG_ORIGINS = ("http://localhost:6274", "http://127.0.0.1:6274")
MCP_HEADERS = ["Authorization", "Content-Type", "Last-Event-ID", "Mcp-Protocol-Version", "Mcp-Session-Id"]
DEFAULT_DATABASE = "data/kanban.db"


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


def http_app(database: str, allowed_hosts: Sequence[str] = (), allow_origins: Sequence[str] = ()) -> Starlette:
    """MCP at /mcp (both protocol eras) and a health check at /healthz; CORS for MCP Inspector's web UI."""

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "name": NAME, "version": VERSION, "tools": len(TOOLS)})

    routes = [Route("/healthz", healthz, methods=["GET"])]
    app = create_server(database).streamable_http_app(
        streamable_http_path="/mcp",
        transport_security=security(allowed_hosts),
        custom_starlette_routes=routes,
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=[*DEBUG_ORIGINS, *allow_origins],
        allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
        allow_headers=MCP_HEADERS,
        expose_headers=["Mcp-Session-Id", "Mcp-Protocol-Version", "WWW-Authenticate"],
    )
    return app


async def serve_stdio(database: str) -> None:
    server = create_server(database)
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kanban_mcp", description="Serve the kanban MCP server.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")), help="default $PORT or 8000")
    parser.add_argument("--transport", choices=["http", "stdio"], default="http")
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="HOST",
        help="a further Host header to accept, e.g. your tunnel's abc123.ngrok-free.app",
    )
    parser.add_argument(
        "--public-url",
        default=os.environ.get("PUBLIC_URL"),
        metavar="URL",
        help="the public HTTPS URL (e.g. a tunnel's) to accept and to give ChatGPT; default $PUBLIC_URL",
    )
    parser.add_argument(
        "--allow-origin", action="append", default=[], metavar="ORIGIN", help="a further origin allowed by CORS"
    )
    parser.add_argument(
        "--database",
        default=os.environ.get("DATABASE_PATH", DEFAULT_DATABASE),
        help=f"the SQLite file (default $DATABASE_PATH or {DEFAULT_DATABASE})",
    )
    options = parser.parse_args(argv)
    if options.transport == "stdio":
        anyio.run(serve_stdio, options.database)
        return 0
    url = f"http://{options.host}:{options.port}/mcp"
    hosts, public = list(options.allowed_host), url
    if options.public_url:
        hosts.append(urlsplit(options.public_url).netloc)
        public = options.public_url.rstrip("/").removesuffix("/mcp") + "/mcp"
    app = http_app(options.database, hosts, options.allow_origin)
    print(f"{TITLE or NAME} {VERSION}: serving {len(TOOLS)} tools at {url}", file=sys.stderr, flush=True)
    if options.public_url:
        print(f"Give ChatGPT this URL: {public}", file=sys.stderr, flush=True)
    uvicorn.run(app, host=options.host, port=options.port, log_level="info", timeout_graceful_shutdown=3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
