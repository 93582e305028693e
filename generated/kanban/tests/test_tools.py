"""The server advertises exactly tools.json, in both protocol eras."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.server import Server

import kanban_mcp

pytestmark = pytest.mark.anyio
TOOLS_JSON = Path(kanban_mcp.__file__).parent / "tools.json"


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_tools_list_is_tools_json(server: Server[Any], mode: str) -> None:
    async with Client(server, mode=mode) as client:  # type: ignore[arg-type]
        listed = await client.list_tools()
    advertised = [tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in listed.tools]
    assert advertised == json.loads(TOOLS_JSON.read_text(encoding="utf-8"))
