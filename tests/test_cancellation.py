"""A call cancelled anywhere is all or nothing, and the next writes succeed: mcpgen serve and generated projects,
on SQLite and PostgreSQL; in process at every suspension point, and with real aborted HTTP connections."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client

from mcpgen.dev.live import LiveServer
from mcpgen.spec import load_spec
from tests.cancellation import cancelled_at
from tests.conftest import INITIALIZE, KANBAN, MCP_HEADERS, POSTGRES_URL, Served
from tests.generated import generated_server, import_generated, runtime_of
from tests.test_postgres import on_postgres

pytestmark = pytest.mark.anyio
FIELDS = {"id", "title", "notes", "status", "assignee", "priority", "due", "created_at", "updated_at"}


def kanban_on(backend: str, folder: Path) -> Any:
    if backend == "postgres":
        return load_spec(on_postgres(folder), env={"DATABASE_URL": POSTGRES_URL})
    return load_spec(KANBAN, env={"KANBAN_DB": str(folder / "kanban.db")})


def server_of(kind: str, backend: str, folder: Path) -> Any:
    """mcpgen serve's server, or the generated project's own runtime Server, for the Kanban board."""
    loaded = kanban_on(backend, folder)
    if kind == "mcpgen":
        return LiveServer(loaded)
    connector = import_generated(loaded, folder / "project")
    if backend == "postgres":
        store = runtime_of(connector, "storage.postgres").PostgresStore
        return generated_server(connector, "", store(POSTGRES_URL, loaded.spec.storage.schema_name, connector.MODELS))
    return generated_server(connector, str(folder / "generated.db"))


async def records(server: Any) -> list[dict[str, Any]]:
    listed = await server.call("list_tasks", {"limit": 100})
    assert not listed.error, listed.text
    return list(listed.structured["items"])


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
@pytest.mark.parametrize("kind", ["mcpgen", "generated"])
async def test_a_write_cancelled_at_each_suspension_point_is_all_or_nothing(
    tmp_path: Path, kind: str, backend: str
) -> None:
    server = server_of(kind, backend, tmp_path)
    async with server.running():
        created = await server.call("create_task", {"title": "before"})
        cancelled = []
        for point in itertools.count(1):
            finished = await cancelled_at(
                server.call("update_task", {"id": 1, "title": f"cancelled at {point}"}), point
            )
            after = await server.call("create_task", {"title": f"after {point}"})
            assert not after.error, after.text  # the next write succeeds
            if finished:
                break
            cancelled.append(f"cancelled at {point}")
        stored = await records(server)
    assert all(set(record) == FIELDS for record in stored)  # no half-written record
    assert [record["title"] for record in stored[1:]] == [f"after {n}" for n in range(1, point + 1)]
    assert stored[0]["title"] in [f"cancelled at {point}", *cancelled]  # the last finished; any cancelled may have
    assert stored[0]["created_at"] == created.structured["created_at"]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_a_call_cancelled_by_a_cancel_scope_leaves_the_store_usable(tmp_path: Path, backend: str) -> None:
    server = server_of("mcpgen", backend, tmp_path)
    async with server.running():
        for delay in [0, 0.0001, 0.0003, 0.001, 0.003, 0.01]:
            with anyio.move_on_after(delay):
                await server.call("create_task", {"title": f"cancelled after {delay}"})
            assert not (await server.call("create_task", {"title": f"after {delay}"})).error
        stored = await records(server)
    assert [record["title"] for record in stored if record["title"].startswith("after")] == [
        f"after {delay}" for delay in [0, 0.0001, 0.0003, 0.001, 0.003, 0.01]
    ]


def request(port: int, number: int, session: str | None) -> bytes:
    """A tools/call create_task as raw HTTP: handshake era with `session`, else the 2026-07-28 envelope."""
    params: dict[str, Any] = {"name": "create_task", "arguments": {"title": f"aborted {number}"}}
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    if session is not None:
        headers |= {"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"}
    else:
        params["_meta"] = {
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {},
            "io.modelcontextprotocol/clientInfo": {"name": "aborter", "version": "1"},
        }
        headers |= {"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "create_task"}
    body = json.dumps({"jsonrpc": "2.0", "id": number, "method": "tools/call", "params": params}).encode()
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return f"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {len(body)}\r\n{head}\r\n".encode() + body


async def abort(port: int, number: int, session: str | None, chance: random.Random) -> None:
    """Sends the call and hangs up before, while or after it runs: a close, or a reset."""
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request(port, number, session))
    await writer.drain()
    await asyncio.sleep(chance.choice([0, 0, 0.0002, 0.001, 0.003]))
    if chance.random() < 0.5:
        writer.transport.abort()  # RST
    else:
        writer.close()


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("kind", ["mcpgen", "generated"])
async def test_writes_succeed_after_2000_calls_whose_clients_hung_up_under_load(
    serve: type[Served], tmp_path: Path, kind: str
) -> None:
    database = str(tmp_path / "kanban.db")
    if kind == "mcpgen":
        server = serve(KANBAN, {"KANBAN_DB": database})
    else:
        import_generated(load_spec(KANBAN, env={}), tmp_path / "project")
        server = serve(KANBAN, {}, "--database", database, project=tmp_path / "project")
    opened = httpx2.post(server.url, json=INITIALIZE, headers=MCP_HEADERS)
    session = opened.headers["mcp-session-id"]
    initialized = {"jsonrpc": "2.0", "method": "notifications/initialized"}
    httpx2.post(server.url, json=initialized, headers={**MCP_HEADERS, "Mcp-Session-Id": session})
    async with Client(server.url, mode="legacy") as client:
        chance, busy = random.Random(7), asyncio.Semaphore(128)  # enough to queue: calls wait, then lose their client

        async def one(number: int) -> None:
            async with busy:
                await abort(server.port, number, session if number % 2 else None, chance)

        await asyncio.gather(*(one(number) for number in range(2000)))
        for number in range(50):
            created = await client.call_tool("create_task", {"title": f"after {number}"})
            assert not created.is_error, created.content
    async with Client(server.url) as modern:
        assert not (await modern.call_tool("create_task", {"title": "modern after"})).is_error
        stored, cursor = [], None
        while True:  # every record, a page at a time
            page = await modern.call_tool("list_tasks", {"limit": 100, **({"cursor": cursor} if cursor else {})})
            stored += (page.structured_content or {})["items"]
            if not (cursor := (page.structured_content or {})["next_cursor"]):
                break
    titles = [task["title"] for task in stored]
    assert all(set(task) == FIELDS for task in stored)
    assert len(titles) == len(set(titles))  # no call was stored twice
    assert {f"after {number}" for number in range(50)} | {"modern after"} <= set(titles)
    assert all(title.startswith(("after", "modern after", "aborted")) for title in titles)
    assert "Traceback" not in server.stop()
