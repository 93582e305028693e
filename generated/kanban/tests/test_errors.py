"""Bad calls get isError results the model can read; the server keeps serving."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, types
from mcp.server import Server

import kanban_mcp

pytestmark = pytest.mark.anyio
TOOLS = json.loads((Path(kanban_mcp.__file__).parent / "tools.json").read_text(encoding="utf-8"))


def text(result: types.CallToolResult) -> str:
    assert isinstance(result.content[0], types.TextContent)
    return result.content[0].text


@pytest.mark.parametrize("tool", [tool["name"] for tool in TOOLS])
async def test_an_unknown_argument_is_named_in_a_tool_error(server: Server[Any], tool: str) -> None:
    async with Client(server) as client:
        result = await client.call_tool(tool, {"no_such_argument": 1})
        listed = await client.list_tools()
    assert result.is_error
    assert text(result).startswith(f"Invalid arguments for {tool}:\n- ")
    assert "unknown argument 'no_such_argument'" in text(result)
    assert len(listed.tools) == len(TOOLS)  # still serving


async def test_an_unknown_tool_is_a_tool_error_listing_the_tools(server: Server[Any]) -> None:
    async with Client(server) as client:
        result = await client.call_tool("no_such_tool", {})
    assert result.is_error
    assert text(result).startswith("Unknown tool 'no_such_tool'. Available tools: ")
