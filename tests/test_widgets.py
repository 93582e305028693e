"""Widgets: one `widgets:` entry served as an MCP Apps resource and an Apps SDK resource, linked from its tool."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mcp import Client, types

from mcpgen.dev.live import LiveServer
from mcpgen.dev.reload import reload
from mcpgen.spec import load_spec
from tests.conftest import KANBAN, connect, copy_kanban

pytestmark = pytest.mark.anyio


def kanban_copy(tmp_path: Path) -> Path:
    return copy_kanban(tmp_path)


async def show_board(client: Client) -> types.Tool:
    return next(tool for tool in (await client.list_tools()).tools if tool.name == "show_board")


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_show_board_links_its_widget_in_both_standards(server: LiveServer, mode: str) -> None:
    async with connect(server.mcp, mode) as client:
        meta: dict[str, Any] = (await show_board(client)).meta or {}
        resources = {resource.uri: resource for resource in (await client.list_resources()).resources}
    app, skybridge = meta["ui"]["resourceUri"], meta["openai/outputTemplate"]
    assert meta["ui"]["visibility"] == ["model", "app"]
    assert meta["openai/widgetAccessible"] is True
    assert (meta["openai/toolInvocation/invoking"], meta["openai/toolInvocation/invoked"]) == (
        "Preparing the board…",
        "Board ready.",
    )
    assert resources[app].mime_type == "text/html;profile=mcp-app"
    assert resources[skybridge].mime_type == "text/html+skybridge"
    assert app.startswith("ui://widget/board-")
    assert skybridge.startswith("ui://widget/board-")


async def test_each_resource_carries_the_metadata_of_its_standard(server: LiveServer) -> None:
    async with connect(server.mcp) as client:
        meta: dict[str, Any] = (await show_board(client)).meta or {}
        app = await client.read_resource(meta["ui"]["resourceUri"])
        skybridge = await client.read_resource(meta["openai/outputTemplate"])
    html = (KANBAN.parent / "widgets" / "board.html").read_text()
    [app_content], [sky_content] = app.contents, skybridge.contents
    assert isinstance(app_content, types.TextResourceContents)
    assert isinstance(sky_content, types.TextResourceContents)
    assert app_content.text == sky_content.text == html
    assert app_content.meta == {
        "ui": {"csp": {"connectDomains": [], "resourceDomains": [], "frameDomains": []}, "prefersBorder": True}
    }
    assert sky_content.meta == {
        "openai/widgetCSP": {"connect_domains": [], "resource_domains": []},
        "openai/widgetPrefersBorder": True,
        "openai/widgetDescription": (
            "The board's columns with their task cards; each card can be moved to another column."
        ),
    }


async def test_the_widget_is_self_contained() -> None:
    html = (KANBAN.parent / "widgets" / "board.html").read_text()
    assert "<script src" not in html
    assert "<link" not in html
    assert "http://" not in html
    assert "https://" not in html


async def test_a_changed_widget_gets_new_uris_and_hot_reload_serves_them(tmp_path: Path) -> None:
    spec = kanban_copy(tmp_path)
    server = LiveServer(load_spec(spec, env={"KANBAN_DB": str(tmp_path / "k.db")}))
    async with server.running(), Client(server.mcp) as client:
        before = (await show_board(client)).meta or {}
        html = tmp_path / "widgets" / "board.html"
        html.write_text(html.read_text().replace(">Kanban board</h1>", ">Board</h1>"))
        assert await reload(server)
        after = (await show_board(client)).meta or {}
        uris = [resource.uri for resource in (await client.list_resources()).resources]
        old = await client.read_resource(after["ui"]["resourceUri"])
    assert before["ui"]["resourceUri"] != after["ui"]["resourceUri"]
    assert before["openai/outputTemplate"] != after["openai/outputTemplate"]
    assert uris == [after["ui"]["resourceUri"], after["openai/outputTemplate"]]
    assert ">Board</h1>" in old.contents[0].text  # type: ignore[union-attr]


async def test_show_board_returns_every_column_in_order_with_its_tasks(server: LiveServer) -> None:
    async with connect(server.mcp) as client:
        for title, status in [("Plan", "done"), ("Build", "in_progress"), ("Ship", "todo"), ("Test", "in_progress")]:
            await client.call_tool("create_task", {"title": title, "status": status})
        board = (await client.call_tool("show_board", {})).structured_content or {}
    assert [(c["id"], c["title"], [t["title"] for t in c["tasks"]]) for c in board["columns"]] == [
        ("todo", "Todo", ["Ship"]),
        ("in_progress", "In progress", ["Build", "Test"]),
        ("done", "Done", ["Plan"]),
    ]
    assert set(board["columns"][0]["tasks"][0]) == {"id", "title", "status", "assignee", "priority", "due"}


async def test_an_unknown_resource_is_an_error(server: LiveServer) -> None:
    async with connect(server.mcp) as client:
        with pytest.raises(Exception, match=r"Unknown resource ui://widget/nope\.html"):
            await client.read_resource("ui://widget/nope.html")
