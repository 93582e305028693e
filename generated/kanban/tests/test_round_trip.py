"""A record's whole life through an MCP client, on a temporary SQLite file."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client, types
from mcp.server import Server

pytestmark = pytest.mark.anyio
ARGUMENTS = {
    "title": "Sample",
    "notes": "Sample",
    "status": "todo",
    "assignee": "Sample",
    "priority": "low",
    "due": "2026-12-31",
}
CHANGE = {"title": "Changed"}


def text(result: types.CallToolResult) -> str:
    assert isinstance(result.content[0], types.TextContent)
    return result.content[0].text


async def test_a_record_is_created_read_changed_and_deleted(server: Server[Any]) -> None:
    async with Client(server) as client:
        created = await client.call_tool("create_task", ARGUMENTS)
        assert not created.is_error, text(created)
        record = created.structured_content or {}
        assert {name: record[name] for name in ARGUMENTS} == ARGUMENTS
        id = record["id"]

        fetched = await client.call_tool("get_task", {"id": id})
        assert fetched.structured_content == record

        changed = await client.call_tool("update_task", {"id": id, **CHANGE})
        assert not changed.is_error, text(changed)
        assert {name: (changed.structured_content or {})[name] for name in CHANGE} == CHANGE

        deleted = await client.call_tool("delete_task", {"id": id})
        assert not deleted.is_error, text(deleted)
        again = await client.call_tool("delete_task", {"id": id})
        assert again.is_error
        assert text(again) == f"No task with id '{id}'."
