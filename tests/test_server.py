"""The dynamic server through a real MCP client session, in memory, in both protocol eras."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mcpgen.dev.live import LiveServer
from mcpgen.spec import LoadedSpec, load_spec
from tests.conftest import MODES, connect, definitions
from tests.scenarios import call, kanban_scenario, text

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("mode", MODES)
async def test_tools_list_is_the_tool_definitions(server: LiveServer, mode: str) -> None:
    async with connect(server.mcp, mode) as client:
        listed = (await client.list_tools()).tools
    assert [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in listed] == definitions(server)
    assert [t.name for t in listed] == [
        "list_tasks",
        "get_task",
        "create_task",
        "update_task",
        "move_task",
        "delete_task",
        "search_tasks",
        "board_summary",
        "search",
        "fetch",
        "show_board",
    ]


async def test_every_tool_advertises_closed_schemas_and_all_hints(server: LiveServer) -> None:
    for tool in definitions(server):
        assert tool["inputSchema"]["type"] == "object"
        assert tool["inputSchema"]["additionalProperties"] is False
        assert tool["outputSchema"]["type"] == "object"
        assert set(tool["annotations"]) == {
            "readOnlyHint",
            "destructiveHint",
            "idempotentHint",
            "openWorldHint",
        }
    hints = {t["name"]: t["annotations"] for t in definitions(server)}
    assert hints["list_tasks"]["readOnlyHint"] is True
    assert hints["create_task"] == {
        "readOnlyHint": False,
        "destructiveHint": False,
        "idempotentHint": False,
        "openWorldHint": False,
    }
    assert hints["delete_task"]["destructiveHint"] is True


async def test_server_identity_and_instructions(server: LiveServer) -> None:
    async with connect(server.mcp, "legacy") as client:
        assert client.server_info.name == "kanban"
        assert client.server_info.version == "1.0.0"
        assert client.instructions is not None
        assert "move_task" in client.instructions


@pytest.mark.parametrize("mode", MODES)
async def test_kanban_end_to_end(server: LiveServer, mode: str) -> None:
    async with connect(server.mcp, mode) as client:
        await kanban_scenario(client)


async def test_results_carry_a_short_text_for_the_model(server: LiveServer) -> None:
    async with connect(server.mcp) as client:
        created = await client.call_tool("create_task", {"title": "Plan sprint"})
        assert text(created) == 'Created task 1 "Plan sprint".'
        listed = await client.call_tool("list_tasks", {})
        assert text(listed) == 'Found 1 task:\n- task 1 "Plan sprint"'
        summary = await client.call_tool("board_summary", {})
        assert text(summary) == "1 task (todo: 1, in_progress: 0, done: 0)."


async def test_bad_arguments_name_every_problem(server: LiveServer) -> None:
    async with connect(server.mcp) as client:
        result = await client.call_tool(
            "create_task", {"status": "finished", "due": "tomorrow", "colour": "red", "priority": 3}
        )
    assert result.is_error
    assert text(result) == (
        "Invalid arguments for create_task:\n"
        "- unknown argument 'colour' (expected one of: assignee, due, notes, priority, status, title)\n"
        "- title: missing (required)\n"
        '- due: "tomorrow" is not a date as YYYY-MM-DD\n'
        '- priority: 3 is not allowed; use one of: "low", "medium", "high"\n'  # one line per argument
        '- status: "finished" is not allowed; use one of: "todo", "in_progress", "done"'
    )


async def test_misspelt_argument_gets_a_suggestion(server: LiveServer) -> None:
    async with connect(server.mcp) as client:
        result = await client.call_tool("list_tasks", {"asignee": "ana"})
    assert result.is_error
    assert "unknown argument 'asignee' (did you mean 'assignee'?)" in text(result)


async def test_whole_numbers_beyond_64_bits_are_refused_not_crashed_on(server: LiveServer) -> None:
    async with connect(server.mcp) as client:
        result = await client.call_tool("get_task", {"id": 10**30})
        still = await client.call_tool("list_tasks", {})
    assert result.is_error
    assert text(result) == (
        "Invalid arguments for get_task:\n"
        f"- id: {10**30} is out of range (whole numbers go from -9223372036854775808 to 9223372036854775807)"
    )
    assert not still.is_error


async def test_unknown_tool_is_a_readable_error(server: LiveServer) -> None:
    async with connect(server.mcp) as client:
        result = await client.call_tool("move_card", {"id": 1})
    assert result.is_error
    assert text(result).startswith("Unknown tool 'move_card'. Available tools: list_tasks, get_task")


async def test_nothing_to_change_is_explained(server: LiveServer) -> None:
    async with connect(server.mcp) as client:
        await call(client, "create_task", title="A")
        result = await client.call_tool("update_task", {"id": 1})
    assert result.is_error
    assert text(result).startswith("Nothing to change: pass at least one of title, notes")


async def test_bad_cursor_is_a_tool_error(server: LiveServer) -> None:
    async with connect(server.mcp) as client:
        result = await client.call_tool("list_tasks", {"cursor": "not-a-cursor"})
    assert result.is_error
    assert "Invalid cursor" in text(result)


async def test_internal_errors_are_masked_and_the_server_keeps_serving(
    kanban: LoadedSpec, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = LiveServer(kanban)
    async with connect(server.mcp) as client:
        await call(client, "create_task", title="A")
        with sqlite3.connect(tmp_path / "kanban.db") as db:  # break the storage under the server
            db.execute("ALTER TABLE task RENAME TO task_gone")
        result = await client.call_tool("list_tasks", {})
        assert result.is_error
        assert "internal error (ref " in text(result)
        assert "task" not in text(result).split("(ref")[0].replace("list_tasks", "")
        assert "no such table" in caplog.text  # the developer gets the details in the log
        with sqlite3.connect(tmp_path / "kanban.db") as db:
            db.execute("ALTER TABLE task_gone RENAME TO task")
        assert len((await call(client, "list_tasks"))["items"]) == 1


async def test_a_failed_call_writes_nothing(server: LiveServer) -> None:
    async with connect(server.mcp) as client:
        await call(client, "create_task", title="Keep")
        bad = await client.call_tool("create_task", {"title": "x" * 201})
        assert bad.is_error
        assert "too long (201 characters; at most 200)" in text(bad)
        assert (await call(client, "board_summary"))["total"] == 1


async def test_response_template_renders_the_text(tmp_path: Path) -> None:
    spec = tmp_path / "notes.yaml"
    spec.write_text(
        """
mcpgen: 1
name: notes
description: Notes.
storage: {backend: memory}
models:
  note:
    fields:
      id: {type: id}
      body: {type: text, required: true}
tools:
  add_note:
    action: create
    model: note
    description: Use this to add a note.
    response: "Saved note #{{ result.id }} ({{ args.body | length }} characters)."
"""
    )
    server = LiveServer(load_spec(spec))
    async with connect(server.mcp) as client:
        result = await client.call_tool("add_note", {"body": "hello"})
    assert text(result) == "Saved note #1 (5 characters)."
