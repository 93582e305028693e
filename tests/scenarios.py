"""The Kanban board's whole life cycle, run by a real MCP client against any server of the example."""

from __future__ import annotations

from typing import Any

from mcp import Client


def text(result: Any) -> str:
    return "\n".join(block.text for block in result.content)


async def call(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, text(result)
    assert result.structured_content is not None
    return dict(result.structured_content)


async def kanban_scenario(client: Client) -> None:
    """Create, move, update, search, count, list with filters and pages, delete; leaves two tasks."""
    docs = await call(client, "create_task", title="Write docs", assignee="ana", due="2026-12-01")
    assert docs["status"] == "todo"
    assert docs["priority"] == "medium"
    assert docs["created_at"] == docs["updated_at"]
    ship = await call(client, "create_task", title="Ship release", priority="high", notes="Tag and publish")
    await call(client, "create_task", title="Fix flaky test", assignee="ana", priority="low")

    moved = await call(client, "move_task", id=docs["id"], status="in_progress")
    assert moved["status"] == "in_progress"
    assert moved["title"] == "Write docs"
    assert moved["updated_at"] >= docs["updated_at"]

    updated = await call(client, "update_task", id=ship["id"], assignee="bo", notes=None)
    assert (updated["assignee"], updated["notes"]) == ("bo", None)

    found = await call(client, "search_tasks", query="DOCS release")
    assert [t["title"] for t in found["items"]] == ["Write docs", "Ship release"]

    summary = await call(client, "board_summary")
    assert summary == {
        "total": 3,
        "groups": [
            {"status": "todo", "count": 2},
            {"status": "in_progress", "count": 1},
            {"status": "done", "count": 0},
        ],
    }
    assert (await call(client, "board_summary", assignee="ana"))["total"] == 2

    anas = await call(client, "list_tasks", assignee="ana", order_by="priority", order="desc")
    assert [t["title"] for t in anas["items"]] == ["Write docs", "Fix flaky test"]

    first = await call(client, "list_tasks", limit=2, order_by="created_at")
    assert [t["title"] for t in first["items"]] == ["Write docs", "Ship release"]
    rest = await call(client, "list_tasks", limit=2, order_by="created_at", cursor=first["next_cursor"])
    assert [t["title"] for t in rest["items"]] == ["Fix flaky test"]
    assert rest["next_cursor"] is None

    assert await call(client, "delete_task", id=ship["id"]) == {"id": ship["id"], "deleted": True}
    gone = await client.call_tool("get_task", {"id": ship["id"]})
    assert gone.is_error
    assert text(gone) == f"No task with id '{ship['id']}'."
