"""A small REST API for http tools to call: a real uvicorn server in a thread, recording what reaches it."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from tests.conftest import free_port

TOKEN = "s3cret-upstream-token-4821"  # what the test's environment gives the connector for this upstream


@dataclass
class Upstream:
    """The API's state: its customers, and every request it was sent (path as sent, headers, body)."""

    url: str = ""
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    seen: list[dict[str, Any]] = field(default_factory=list)
    attempts: Counter[str] = field(default_factory=Counter)

    def app(self) -> Starlette:
        async def record(request: Request) -> Response | None:
            body = (await request.body()).decode()
            self.seen.append(
                {
                    "method": request.method,
                    "path": request.scope["raw_path"].decode(),
                    "query": request.url.query,
                    "headers": dict(request.headers),
                    "body": body,
                }
            )
            self.attempts[f"{request.method} {request.url.path}"] += 1
            if request.headers.get("authorization") != f"Bearer {TOKEN}":
                return JSONResponse({"error": "bad token", "echo": request.headers.get("authorization")}, 401)
            return None

        async def customers(request: Request) -> Response:
            if refused := await record(request):
                return refused
            if request.method == "POST":
                body = await request.json()
                if not body.get("email"):
                    return JSONResponse({"error": "email is required"}, 422)
                key = str(len(self.customers) + 1)
                self.customers[key] = {
                    "id": key,
                    "full_name": body.get("name"),
                    "email": body["email"],
                    "plan": {"name": body.get("plan", "free")},
                    "tags": body.get("tags", []),
                }
                return JSONResponse({"data": self.customers[key]}, 201)
            email = request.query_params.get("email")
            found = [c for c in self.customers.values() if email is None or c["email"] == email]
            return JSONResponse({"data": found, "total": len(found)})

        async def customer(request: Request) -> Response:
            if refused := await record(request):
                return refused
            found = self.customers.get(request.path_params["id"])
            if found is None:
                return JSONResponse({"error": f"no customer {request.path_params['id']}"}, 404)
            return JSONResponse({"data": found})

        async def boom(request: Request) -> Response:
            if refused := await record(request):
                return refused
            return PlainTextResponse("Internal failure: database exploded " + "x" * 2000, 500)

        async def slow(request: Request) -> Response:
            if refused := await record(request):
                return refused
            await asyncio.sleep(5)
            return JSONResponse({"late": True})

        async def flaky(request: Request) -> Response:
            if refused := await record(request):
                return refused
            if self.attempts[f"{request.method} /api/flaky"] < 3:
                return JSONResponse({"error": "busy"}, 503)
            return JSONResponse({"ok": True, "attempt": self.attempts[f"{request.method} /api/flaky"]})

        async def anything(request: Request) -> Response:
            if refused := await record(request):
                return refused
            return JSONResponse({"path": request.scope["raw_path"].decode(), "host": request.headers.get("host")})

        app = Starlette(
            routes=[
                Route("/api/customers", customers, methods=["GET", "POST"]),
                Route("/api/customers/{id}", customer),
                Route("/api/boom", boom, methods=["GET", "POST"]),
                Route("/api/slow", slow),
                Route("/api/flaky", flaky, methods=["GET", "POST"]),
            ]
        )

        async def fallback(scope: Any, receive: Any, send: Any) -> None:  # any other path, line breaks included
            await (await anything(Request(scope, receive)))(scope, receive, send)

        app.router.default = fallback
        return app


@contextmanager
def running() -> Iterator[Upstream]:
    """The API on a free port of 127.0.0.1, until the block ends."""
    upstream = Upstream()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(upstream.app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the upstream did not start")
        time.sleep(0.02)
    upstream.url = f"http://127.0.0.1:{port}/api"
    try:
        yield upstream
    finally:
        server.should_exit = True
        thread.join(timeout=10)
