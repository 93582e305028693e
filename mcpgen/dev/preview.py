"""`mcpgen preview`: a local page that hosts a spec's widgets the way ChatGPT does, fed by real tool calls."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from mcpgen.dev.live import LiveServer

HOST_PAGE = Path(__file__).parent / "preview.html"
MIN_WIDTH, MAX_WIDTH = 240, 4000  # ?width=390 shows the conversation column as wide as a phone's screen


def widget_tools(server: LiveServer) -> list[str]:
    """The tools that show a widget."""
    return [name for name, tool in server.loaded.spec.tools.items() if tool.widget]


def preview_app(server: LiveServer) -> Starlette:
    """The preview's routes, with the store open while it serves."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with server.running():
            yield

    return Starlette(routes=preview_routes(server), lifespan=lifespan)


def preview_routes(server: LiveServer) -> list[Route]:
    """The host page at / (?tool=, ?arguments=, ?width=), the widget at widget/{tool}, calls on the store at call.

    The page asks for the other two by relative addresses, so the routes also serve under a mount (the console's).
    """

    async def page(request: Request) -> Response:
        tools = widget_tools(server)
        chosen = request.query_params.get("tool") or (tools[0] if tools else "")
        if chosen not in tools:
            return HTMLResponse(f"<p>No widget tool {chosen!r}; these have one: {', '.join(tools)}.</p>", 404)
        width = request.query_params.get("width", "")
        if width and not (width.isdigit() and MIN_WIDTH <= int(width) <= MAX_WIDTH):
            return HTMLResponse(f"<p>width must be a whole number of pixels from {MIN_WIDTH} to {MAX_WIDTH}.</p>", 400)
        arguments = request.query_params.get("arguments", "{}")
        settings = json.dumps(
            {"tool": chosen, "arguments": json.loads(arguments), "tools": tools, "width": int(width) if width else None}
        )
        html = HOST_PAGE.read_text(encoding="utf-8").replace("/*SETTINGS*/{}", settings.replace("</", "<\\/"))
        return HTMLResponse(html)

    async def widget(request: Request) -> Response:
        tool = server.connector.tools.get(request.path_params["tool"])
        uri = ((tool.definition.get("_meta") or {}).get("ui") or {}).get("resourceUri") if tool else None
        if uri is None:
            return Response("no such widget tool", 404)
        return HTMLResponse(server.connector.resources[uri].text)

    async def call(request: Request) -> Response:
        body: dict[str, Any] = await request.json()
        outcome = await server.call(str(body.get("name", "")), body.get("arguments") or {})
        return JSONResponse(outcome.as_json())

    return [Route("/", page), Route("/widget/{tool}", widget), Route("/call", call, methods=["POST"])]
