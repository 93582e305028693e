"""Hot reload: a real `mcpgen serve --reload` process picks up edits, tells clients, and survives bad ones."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client, types

from mcpgen.dev.live import LiveServer
from mcpgen.spec import load_spec
from tests.conftest import INITIALIZE, MCP_HEADERS, Served, connect, copy_kanban

pytestmark = pytest.mark.anyio

OLD = "Use this when the user wants to see tasks on the board"
NEW = "Use this when the user asks what is on the board"


def editable_kanban(tmp_path: Path) -> Path:
    return copy_kanban(tmp_path)


def edit(spec: Path, old: str, new: str) -> None:
    text = spec.read_text()
    assert old in text
    spec.write_text(text.replace(old, new))


async def description(client: Client, tool: str) -> str:
    listed = await client.list_tools()
    return next(t.description or "" for t in listed.tools if t.name == tool)


async def eventually(check: Any, seconds: float = 2.0) -> None:
    """Passes as soon as `check()` is true; fails if it is not within `seconds`."""
    deadline = time.monotonic() + seconds
    while not await check():
        assert time.monotonic() < deadline, "not within the time allowed"
        await anyio.sleep(0.05)


@pytest.mark.slow
async def test_an_edited_description_is_served_within_two_seconds_and_announced(
    serve: type[Served], tmp_path: Path
) -> None:
    spec = editable_kanban(tmp_path)
    server = serve(spec, {"KANBAN_DB": str(tmp_path / "kanban.db")}, "--reload")
    pushed: list[Any] = []

    async def on_message(message: Any) -> None:
        if isinstance(message, types.ToolListChangedNotification):
            pushed.append(message)

    async with (
        Client(server.url, mode="legacy", message_handler=on_message) as old_era,
        Client(server.url) as new_era,
        new_era.listen(tools_list_changed=True) as events,
    ):
        assert old_era.server_capabilities is not None
        assert old_era.server_capabilities.tools is not None
        assert old_era.server_capabilities.tools.list_changed is True
        assert (await description(old_era, "list_tasks")).startswith(OLD)
        await old_era.call_tool("create_task", {"title": "Before the edit"})

        edit(spec, OLD, NEW)

        async def served() -> bool:
            return (await description(old_era, "list_tasks")).startswith(NEW)

        await eventually(served)
        assert (await description(new_era, "list_tasks")).startswith(NEW)

        async def announced() -> bool:
            return bool(pushed)

        await eventually(announced)
        with anyio.fail_after(2):
            async for _event in events:
                break  # the 2026-era client heard it on its listen stream
        listed = await old_era.call_tool("list_tasks", {})  # the same session, the same data
        assert not listed.is_error
        assert listed.structured_content is not None
        assert [t["title"] for t in listed.structured_content["items"]] == ["Before the edit"]


@pytest.mark.slow
async def test_a_broken_edit_keeps_the_last_good_spec_serving(serve: type[Served], tmp_path: Path) -> None:
    spec = editable_kanban(tmp_path)
    server = serve(spec, {"KANBAN_DB": str(tmp_path / "kanban.db")}, "--reload")
    async with Client(server.url, mode="legacy") as client:
        good = spec.read_text()
        spec.write_text(good.replace("model: task\n", "model: taks\n", 1))
        await anyio.sleep(1.0)
        assert "unknown model 'taks'" in server.output()
        assert (await description(client, "list_tasks")).startswith(OLD)
        assert not (await client.call_tool("create_task", {"title": "Still serving"})).is_error

        spec.write_text(good.replace(OLD, NEW))

        async def served() -> bool:
            return (await description(client, "list_tasks")).startswith(NEW)

        await eventually(served)


@pytest.mark.slow
async def test_a_new_field_is_added_to_the_table_on_reload(serve: type[Served], tmp_path: Path) -> None:
    spec = editable_kanban(tmp_path)
    server = serve(spec, {"KANBAN_DB": str(tmp_path / "kanban.db")}, "--reload")
    async with Client(server.url, mode="legacy") as client:
        await client.call_tool("create_task", {"title": "Old task"})
        edit(spec, "      due:\n", "      estimate: {type: integer, min: 0, description: Hours of work.}\n      due:\n")

        async def has_estimate() -> bool:
            listed = await client.list_tools()
            create = next(t for t in listed.tools if t.name == "create_task")
            return "estimate" in create.input_schema["properties"]

        await eventually(has_estimate)
        created = await client.call_tool("create_task", {"title": "New task", "estimate": 3})
        assert created.structured_content is not None
        assert created.structured_content["estimate"] == 3
        old = await client.call_tool("get_task", {"id": 1})
        assert old.structured_content is not None
        assert old.structured_content["estimate"] is None


async def test_a_call_in_flight_finishes_on_the_definitions_it_started_with(tmp_path: Path) -> None:
    spec = editable_kanban(tmp_path)
    spec.write_text(spec.read_text().replace("    action: create\n", "    action: create\n    response: old text\n"))
    env = {"KANBAN_DB": str(tmp_path / "kanban.db")}
    server = LiveServer(load_spec(spec, env=env))
    async with connect(server.mcp) as client:
        results: list[types.CallToolResult] = []

        async def create() -> None:
            results.append(await client.call_tool("create_task", {"title": "In flight"}))

        # The store is held (released before the task group waits), so the call waits inside it.
        async with anyio.create_task_group() as tasks, server.store.transaction():
            tasks.start_soon(create)
            await anyio.sleep(0.2)
            edit(spec, "response: old text", "response: new text")
            await server.swap(load_spec(spec, env=env))
        assert [r.content[0].text for r in results] == ["old text"]  # type: ignore[union-attr]
        after = await client.call_tool("create_task", {"title": "After"})
        assert after.content[0].text == "new text"  # type: ignore[union-attr]


@pytest.mark.slow
async def test_auth_added_by_an_edit_protects_mcp_at_once(serve: type[Served], tmp_path: Path) -> None:
    spec = editable_kanban(tmp_path)
    server = serve(spec, {"KANBAN_DB": str(tmp_path / "kanban.db"), "BOARD_TOKEN": "t0ken"}, "--reload")
    assert httpx2.post(server.url, json=INITIALIZE, headers=MCP_HEADERS).status_code == 200
    good = spec.read_text()

    spec.write_text(good.replace("\nmodels:", "\nauth: {type: bearer, token_env: UNSET_TOKEN}\nmodels:", 1))
    await anyio.sleep(1.0)
    assert "bearer auth needs the token in $UNSET_TOKEN, which is not set" in server.output()
    assert httpx2.post(server.url, json=INITIALIZE, headers=MCP_HEADERS).status_code == 200  # the last good spec

    spec.write_text(good.replace("\nmodels:", "\nauth: {type: bearer, token_env: BOARD_TOKEN}\nmodels:", 1))

    async def refused() -> bool:
        return httpx2.post(server.url, json=INITIALIZE, headers=MCP_HEADERS).status_code == 401

    await eventually(refused)
    signed = {**MCP_HEADERS, "Authorization": "Bearer t0ken"}
    assert httpx2.post(server.url, json=INITIALIZE, headers=signed).status_code == 200
