"""Serving from the command line: over HTTP (uvicorn) or stdio, and a generated project's `main`."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence

import anyio
import uvicorn
from mcp.server.stdio import stdio_server

from .auth import Authenticator
from .env import expand
from .errors import McpgenError, UsageError
from .http import Background, http_app, public_host, public_mcp_url
from .options import add_arguments
from .server import Server
from .storage.base import Store
from .tool import Connector


def serve(
    server: Server, options: argparse.Namespace, banner: Callable[[], str], background: Background | None = None
) -> None:
    """Serves until interrupted: stdio, or HTTP on options.host:port with the checks the options ask for.

    Before HTTP serving starts, the store is opened once (an incompatible schema stops start-up with its reason)
    and callers' tokens are set up; then `banner()` is printed.
    """
    if options.transport == "stdio":
        anyio.run(serve_stdio, server, background)
        return
    if options.public_url and not re.match(r"^https?://[^/\s]+", options.public_url):
        raise UsageError(f"--public-url must be a URL such as https://abc123.ngrok-free.app: {options.public_url}")
    hosts = [*options.allowed_host, *([public_host(options.public_url)] if options.public_url else [])]
    resource = public_mcp_url(options.public_url) if options.public_url else local_url(options) + "/mcp"
    anyio.run(_check_storage, server)
    if server.connector.auth.type != "none":
        server.authenticator = Authenticator(server.connector.auth, resource)
    server.resource = resource
    print(banner(), file=sys.stderr, flush=True)
    app = http_app(server, hosts, options.allow_origin, background)
    config = uvicorn.Config(app, host=options.host, port=options.port, log_level="info", timeout_graceful_shutdown=3)
    uvicorn.Server(config).run()


def local_url(options: argparse.Namespace) -> str:
    """http://host:port, with an IPv6 host in brackets."""
    host = f"[{options.host}]" if ":" in options.host else options.host
    return f"http://{host}:{options.port}"


async def serve_stdio(server: Server, background: Background | None = None) -> None:
    """Serves one client on stdin and stdout."""
    sdk = server.mcp
    async with stdio_server() as (read, write), anyio.create_task_group() as tasks:
        if background is not None:
            tasks.start_soon(background)
        await sdk.run(read, write, sdk.create_initialization_options())
        tasks.cancel_scope.cancel()


async def _check_storage(server: Server) -> None:
    async with server.running():
        pass


def main(
    connector: Connector,
    open_store: Callable[[str], Store],
    argv: Sequence[str] | None = None,
    *,
    prog: str,
    database: str | None,
    what: str = "the SQLite file",
) -> int:
    """A generated project's command line: serves `connector` from `open_store(--database)`.

    `database` is the default of --database, with ${VAR}s resolved now (None: the store needs none); `what`
    says what it is, for --help and errors.
    """
    parser = argparse.ArgumentParser(prog=prog, description=f"Serve the {connector.name} MCP server.")
    add_arguments(parser, port=int(os.environ.get("PORT", "8000")), public_url=os.environ.get("PUBLIC_URL"))
    if database is not None:
        parser.add_argument("--database", help=f"{what} (default {database})")
    options = parser.parse_args(argv)
    try:
        server = Server(connector, open_store(getattr(options, "database", None) or _resolved(database or "", what)))

        def banner() -> str:
            title = connector.title or connector.name
            lines = [f"{title} {connector.version}: serving {len(connector.tools)} tools at {local_url(options)}/mcp"]
            if options.public_url:
                lines.append(f"Give ChatGPT this URL: {public_mcp_url(options.public_url)}")
            return "\n".join(lines)

        serve(server, options, banner)
    except McpgenError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    return 0


def _resolved(database: str, what: str) -> str:
    value, missing = expand(database, os.environ)
    if missing:
        raise UsageError(f"set {', '.join(missing)} (or pass --database) to {what}")
    return value
