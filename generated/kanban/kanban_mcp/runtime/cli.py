"""Serving from the command line: over HTTP (uvicorn) or stdio, and a generated project's `main`."""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import re
import socket
import sys
from collections.abc import Callable, Sequence
from typing import Any

import anyio
import uvicorn
from starlette.types import ASGIApp

from .auth import Authenticator
from .env import expand
from .errors import McpgenError, UsageError
from .http import Background, http_app, public_host, public_mcp_url
from .logs import configure
from .options import add_arguments
from .server import Server
from .sessions import Sessions
from .storage.base import Store
from .telemetry import from_environment
from .tool import Connector


def serve(
    server: Server,
    options: argparse.Namespace,
    banner: Callable[[], str],
    *,
    background: Background | None = None,
    session_key: str = "SESSION_KEY",
    around: Callable[[ASGIApp], ASGIApp] | None = None,
) -> None:
    """Serves until interrupted: stdio, or HTTP on options.host:port with the checks the options ask for.

    Before HTTP serving starts, the store is opened once (an incompatible schema stops start-up with its reason)
    and callers' tokens are set up; then `banner()` is printed. Session ids are signed with the key in the
    environment variable `session_key`, which every replica behind one load balancer must share. Logs go to
    stderr in `options.log_format`, at DEBUG level (argument values included) when `options.debug`. `around`
    wraps the HTTP app in more routes (`mcpgen dev`'s console).
    """
    configure(options.log_format, debug=options.debug)
    server.telemetry = from_environment(server.connector.name)
    try:
        _serve(server, options, banner, background=background, session_key=session_key, around=around)
    finally:
        if server.telemetry is not None:
            server.telemetry.shutdown()


def _serve(
    server: Server,
    options: argparse.Namespace,
    banner: Callable[[], str],
    *,
    background: Background | None,
    session_key: str,
    around: Callable[[ASGIApp], ASGIApp] | None,
) -> None:
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
    key = os.environ.get(session_key) or None
    print(banner(), file=sys.stderr, flush=True)
    if key is None:
        print(
            f"Sessions are signed with a key made at start-up: set {session_key} (the same in every replica) "
            "to run several replicas behind one load balancer.",
            file=sys.stderr,
            flush=True,
        )
    app = http_app(
        server,
        hosts,
        options.allow_origin,
        background,
        Sessions(key),
        chatgpt_origins=options.chatgpt_origins,
        max_body=options.max_body,
    )
    if around is not None:
        app = around(app)
    gc.freeze()  # what start-up made lives as long as the server: the collector need not look at it again
    config = uvicorn.Config(
        app,
        host=options.host,
        port=options.port,
        log_config=None,  # uvicorn's lines go through the handler configure() set, in the same format
        log_level="debug" if options.debug else "info",
        access_log=False,
        timeout_graceful_shutdown=3,
    )
    _Uvicorn(config, server).run()


class _Uvicorn(uvicorn.Server):
    """uvicorn, ending the notification streams as soon as it is asked to stop (they would hold it up)."""

    def __init__(self, config: uvicorn.Config, served: Server) -> None:
        super().__init__(config)
        self.served = served
        self.loop: asyncio.AbstractEventLoop | None = None

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        """Serves, remembering the loop that the signal handler hands the streams' end to."""
        self.loop = asyncio.get_running_loop()
        await super().serve(sockets)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """Stops serving, then sends the telemetry still buffered (uvicorn ends the process by the signal next)."""
        await super().shutdown(sockets)
        if self.served.telemetry is not None:
            self.served.telemetry.shutdown()

    def handle_exit(self, sig: int, frame: Any) -> None:
        """Stops serving: streams end now, then uvicorn waits for the requests in flight."""
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self.served.changes.close)
        super().handle_exit(sig, frame)


def local_url(options: argparse.Namespace) -> str:
    """http://host:port, with an IPv6 host in brackets."""
    host = f"[{options.host}]" if ":" in options.host else options.host
    return f"http://{host}:{options.port}"


async def serve_stdio(server: Server, background: Background | None = None) -> None:
    """Serves one client on stdin and stdout, with the official SDK."""
    from mcp.server.stdio import stdio_server  # noqa: PLC0415 -- only stdio needs the SDK

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
    parser.add_argument("--debug", action="store_true", help="log at DEBUG level, each call's arguments included")
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
