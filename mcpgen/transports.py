"""How a Connector reaches clients: Streamable HTTP at /mcp (Starlette + uvicorn) or stdio."""

from __future__ import annotations

from collections.abc import Sequence

import uvicorn
from mcp.server.stdio import stdio_server
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from mcpgen.server import Connector

LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")


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


def http_app(connector: Connector, allowed_hosts: Sequence[str] = ()) -> Starlette:
    """The ASGI app: MCP at /mcp (both protocol eras) and a health check at /healthz."""

    async def healthz(request: Request) -> JSONResponse:
        spec = connector.loaded.spec
        return JSONResponse({"status": "ok", "name": spec.name, "version": spec.version, "tools": len(connector.tools)})

    return connector.server.streamable_http_app(
        streamable_http_path="/mcp",
        transport_security=security(allowed_hosts),
        custom_starlette_routes=[Route("/healthz", healthz, methods=["GET"])],
    )


def serve_http(connector: Connector, host: str, port: int, allowed_hosts: Sequence[str] = ()) -> None:
    config = uvicorn.Config(
        http_app(connector, allowed_hosts),
        host=host,
        port=port,
        log_level="info",
        timeout_graceful_shutdown=3,
    )
    uvicorn.Server(config).run()


async def serve_stdio(connector: Connector) -> None:
    server = connector.server
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())
