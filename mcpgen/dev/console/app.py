"""`mcpgen dev`'s console at /_dev, beside the connector it serves: for this machine's browser only."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import anyio.to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from mcpgen import __version__
from mcpgen.dev.console.feed import CALLS, CallTap, Feed
from mcpgen.dev.console.state import snapshot
from mcpgen.dev.ledger import write_lock
from mcpgen.dev.live import LiveServer
from mcpgen.dev.preview import preview_routes
from mcpgen.dev.view import client_view
from mcpgen.runtime.auth import LOCAL, Identity

PREFIX = "/_dev"
PAGE = Path(__file__).with_name("page.html")
LOCAL_NAMES = ("127.0.0.1", "localhost", "::1")
CLIENT = ("mcpgen dev", __version__)  # how the console's calls appear in the call log
# The page may not be framed by another site (a click on "Mark as refreshed" must be the developer's own).
PAGE_HEADERS = {"Content-Security-Policy": "frame-ancestors 'self'", "Cache-Control": "no-store"}


def around(server: LiveServer) -> Callable[[ASGIApp], ASGIApp]:
    """What wraps the server's HTTP app to add the console (runtime.cli.serve's `around`)."""
    return lambda app: Console(server, app)


class Console:
    """/_dev and below for requests from this machine to a local host name; everything else to `app`.

    Through a tunnel (a public Host), from another machine (`--host 0.0.0.0`) or from another site's page (its
    Origin), the console is not there: 404. The connector at /mcp is served exactly as `mcpgen serve` serves it.
    """

    def __init__(self, server: LiveServer, app: ASGIApp) -> None:
        self.server, self.app, self.feed = server, app, Feed()
        logging.getLogger(CALLS).addHandler(CallTap(self.feed))
        server.watchers.append(lambda: self.feed.publish({"type": "state"}))
        self.routes = Starlette(routes=[Mount(PREFIX, routes=self._routes())])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The console's routes, a 404 for them from elsewhere, or the server's app."""
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == PREFIX or path.startswith(PREFIX + "/")):
            await self.app(scope, receive, send)
        elif _from_this_machine(scope):
            await self.routes(scope, receive, send)
        else:
            await PlainTextResponse("Not Found", 404)(scope, receive, send)

    def _routes(self) -> list[Route | Mount]:
        server, feed = self.server, self.feed
        page_html = PAGE.read_text(encoding="utf-8")

        async def page(request: Request) -> Response:
            return HTMLResponse(page_html, headers=PAGE_HEADERS)

        async def state(request: Request) -> Response:
            return JSONResponse(await anyio.to_thread.run_sync(snapshot, server))

        async def call(request: Request) -> Response:
            try:
                body = await request.json()
            except ValueError:
                return JSONResponse({"error": "the body must be JSON: {name, arguments}"}, 400)
            arguments = body.get("arguments", {}) if isinstance(body, dict) else None
            if not isinstance(arguments, dict):
                return JSONResponse({"error": "the arguments must be a JSON object"}, 400)
            subject = body.get("as")
            identity = Identity(subject=str(subject), local=True) if subject else LOCAL
            started = time.perf_counter()
            outcome = await server.call(str(body.get("name", "")), arguments, identity, client=CLIENT)
            elapsed = round((time.perf_counter() - started) * 1000, 2)
            return JSONResponse({"result": outcome.as_json(), "status": outcome.status, "ms": elapsed})

        async def refreshed(request: Request) -> Response:
            loaded, view = server.loaded, client_view(server.connector)
            path = await anyio.to_thread.run_sync(write_lock, loaded, view)
            feed.publish({"type": "state"})
            return JSONResponse({"lock": str(path), "tools": len(view["tools"])})

        async def events(request: Request) -> Response:
            return StreamingResponse(
                self._events(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
            )

        return [
            Route("/", page),
            Route("/api/state", state),
            Route("/api/call", call, methods=["POST"]),
            Route("/api/refreshed", refreshed, methods=["POST"]),
            Route("/api/events", events),
            Mount("/preview", routes=preview_routes(server)),
        ]

    async def _events(self) -> AsyncIterator[str]:
        """Server-sent events: `hello` with the latest calls, then each call and each edit, until the server stops."""
        queue = self.feed.subscribe()
        try:
            yield _event({"type": "hello", "calls": list(self.feed.calls)})
            quiet = 0.0
            while not self.server.changes.closed:  # closed when the server is asked to stop
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=1)
                except TimeoutError:
                    quiet += 1
                    if quiet >= 15:  # a comment now and then keeps proxies from closing the stream
                        quiet = 0
                        yield ": still here\n\n"
                    continue
                yield _event(event)
        finally:
            self.feed.unsubscribe(queue)


def _event(event: dict[str, Any]) -> str:
    return f"event: {event['type']}\ndata: {json.dumps(event, ensure_ascii=False, default=str)}\n\n"


def _from_this_machine(scope: Scope) -> bool:
    """A loopback peer asking for a local host name, with no Origin or this very origin (no other site's page)."""
    client = scope.get("client")
    try:
        if client is None or not ipaddress.ip_address(client[0]).is_loopback:
            return False
    except ValueError:
        return False
    headers: dict[bytes, bytes] = {}
    for name, value in scope["headers"]:
        headers.setdefault(name, value)
    host = headers.get(b"host", b"").decode("latin-1")
    if urlsplit("//" + host).hostname not in LOCAL_NAMES:
        return False
    origin = headers.get(b"origin")
    return origin is None or origin.decode("latin-1").lower() == f"http://{host}".lower()
