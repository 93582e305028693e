"""The Refresh ledger through the real CLI and a real server: lock, diff, ChatGPT's listings, stale calls."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mcp import Client, types

from tests.conftest import KANBAN, Served, copy_kanban, without_tool
from tests.test_cli import mcpgen

CHATGPT = types.Implementation(name="openai-mcp", version="1.0.0")


def editable_kanban(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    spec = copy_kanban(tmp_path)
    return spec, {"KANBAN_DB": str(tmp_path / "data" / "kanban.db")}


def edit(spec: Path, old: str, new: str) -> None:
    text = spec.read_text()
    assert old in text
    spec.write_text(text.replace(old, new))


def test_diff_is_quiet_and_exits_0_right_after_lock(tmp_path: Path) -> None:
    spec, env = editable_kanban(tmp_path)
    locked = mcpgen("lock", str(spec), env=env)
    assert locked.returncode == 0, locked.stderr
    assert (tmp_path / "kanban.lock.json").exists()
    diff = mcpgen("diff", str(spec), env=env)
    assert diff.returncode == 0, diff.stdout + diff.stderr
    assert "No changes since" in diff.stdout


def test_diff_lists_each_change_with_its_class_and_ends_with_the_refresh_step(tmp_path: Path) -> None:
    spec, env = editable_kanban(tmp_path)
    mcpgen("lock", str(spec), env=env)
    edit(spec, "\n  move_task:", "\n  shift_task:")
    edit(spec, "Use this only when the user explicitly", "Use this only if the user clearly")
    diff = mcpgen("diff", str(spec), env=env)
    assert diff.returncode == 1
    lines = diff.stdout.splitlines()
    assert "  breaking     shift_task: renamed from move_task: calls to move_task fail" in lines
    assert "  cosmetic     delete_task.description: reworded" in lines
    assert "2 changes: 1 breaking, 0 behavioural, 1 cosmetic." in lines
    assert lines[-1] == (
        "To show them to ChatGPT, press Refresh in the connector settings "
        f"(ChatGPT: Settings → Connectors → Kanban board → Refresh), then run `mcpgen lock {spec}`."
    )


def test_diff_json_is_for_tools(tmp_path: Path) -> None:
    spec, env = editable_kanban(tmp_path)
    mcpgen("lock", str(spec), env=env)
    edit(spec, "max_length: 200", "max_length: 100")
    diff = mcpgen("diff", str(spec), "--json", env=env)
    assert diff.returncode == 1
    changes = json.loads(diff.stdout)["changes"]
    assert {
        "kind": "breaking",
        "path": "create_task.inputSchema.properties.title.maxLength",
        "message": "longest text narrowed from 200 to 100",
        "before": 200,
        "after": 100,
    } in changes


def test_diff_without_a_lock_says_how_to_make_one(tmp_path: Path) -> None:
    spec, env = editable_kanban(tmp_path)
    diff = mcpgen("diff", str(spec), env=env)
    assert diff.returncode == 2
    assert f"run `mcpgen lock {spec}`" in diff.stderr


def test_the_committed_kanban_lock_matches_the_spec() -> None:
    """specs/kanban.lock.json is what the example's users saw last: rewrite it with `mcpgen lock` on purpose."""
    diff = mcpgen("diff", str(KANBAN))
    assert diff.returncode == 0, diff.stdout + diff.stderr


@pytest.mark.anyio
async def test_the_server_records_what_chatgpt_listed_and_diff_compares_with_it(
    serve: type[Served], tmp_path: Path
) -> None:
    spec, env = editable_kanban(tmp_path)
    server = serve(spec, env)
    record = tmp_path / "data" / "kanban.chatgpt.json"
    async with Client(server.url, mode="legacy") as other:
        await other.list_tools()
    assert not record.exists()  # only ChatGPT's listings count
    async with Client(server.url, mode="legacy", client_info=CHATGPT) as chatgpt:
        listed = await chatgpt.list_tools()
    recorded = json.loads(record.read_text())
    assert recorded["client"] == {"name": "openai-mcp", "version": "1.0.0"}
    assert [tool["name"] for tool in recorded["view"]["tools"]] == [tool.name for tool in listed.tools]

    assert mcpgen("diff", str(spec), "--since-chatgpt", env=env).returncode == 0
    edit(spec, "\n  board_summary:", "\n  summarise_board:")
    diff = mcpgen("diff", str(spec), "--since-chatgpt", env=env)
    assert diff.returncode == 1
    assert f"Changes since what ChatGPT listed at {recorded['recorded_at']}:" in diff.stdout
    assert "breaking     summarise_board: renamed from board_summary" in diff.stdout


@pytest.mark.anyio
@pytest.mark.slow
async def test_a_call_to_a_renamed_tool_tells_the_model_what_to_call_and_to_refresh(
    serve: type[Served], tmp_path: Path
) -> None:
    spec, env = editable_kanban(tmp_path)
    first = serve(spec, env)
    async with Client(first.url, mode="legacy", client_info=CHATGPT) as chatgpt:
        await chatgpt.list_tools()
    first.stop()
    edit(spec, "\n  move_task:", "\n  shift_task:")
    spec.write_text(without_tool(spec.read_text(), "board_summary"))
    server = serve(spec, env)
    async with Client(server.url, mode="legacy", client_info=CHATGPT) as stale:
        renamed = await stale.call_tool("move_task", {"id": 1, "status": "done"})
        removed = await stale.call_tool("board_summary", {})
        unknown = await stale.call_tool("fly_task", {})
    assert renamed.is_error
    assert renamed.content[0].text == (  # type: ignore[union-attr]
        "The tool 'move_task' was renamed to 'shift_task'; call 'shift_task' instead. This client has an old copy "
        "of the tool list: ask the user to press Refresh in the connector settings "
        "(ChatGPT: Settings → Connectors → Kanban board → Refresh)."
    )
    assert removed.content[0].text.startswith(  # type: ignore[union-attr]
        "The tool 'board_summary' was removed from this connector. This client has an old copy of the tool list"
    )
    assert unknown.content[0].text.startswith("Unknown tool 'fly_task'. Available tools: ")  # type: ignore[union-attr]
    assert "a client called move_task, which it saw before the spec changed" in server.stop()
