"""`mcpgen tools`: the exact client view, byte for byte what a real server sends, with token estimates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx2

from mcpgen.dev.view import compact
from tests.conftest import INITIALIZE, KANBAN, MCP_HEADERS, ROOT, Served
from tests.test_cli import mcpgen


def raw_tools_list(url: str) -> str:
    """The body of a tools/list response, as a handshake-era client receives it."""
    with httpx2.Client(timeout=10) as http:
        started = http.post(url, json=INITIALIZE, headers=MCP_HEADERS)
        session = {"mcp-session-id": started.headers["mcp-session-id"], "mcp-protocol-version": "2025-11-25"}
        http.post(url, json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=MCP_HEADERS | session)
        listed = http.post(url, json={"jsonrpc": "2.0", "id": 2, "method": "tools/list"}, headers=MCP_HEADERS | session)
        return listed.content.decode("utf-8")


def test_tools_json_is_byte_for_byte_what_the_server_sends(serve: type[Served], tmp_path: Path) -> None:
    run = mcpgen("tools", str(KANBAN), "--json")
    assert run.returncode == 0, run.stderr
    view: dict[str, Any] = json.loads(run.stdout)
    body = raw_tools_list(serve(KANBAN, {"KANBAN_DB": str(tmp_path / "k.db")}).url)
    assert '"tools":' + compact(view["tools"]) in body


def test_tools_json_estimates_each_tool_and_the_total() -> None:
    view = json.loads(mcpgen("tools", str(KANBAN), "--json").stdout)
    tokens = view["tokens"]
    assert sorted(tokens["tools"]) == sorted(tool["name"] for tool in view["tools"])
    for tool in view["tools"]:
        assert tokens["tools"][tool["name"]] == -(-len(compact(tool)) // 4)
    assert sum(tokens["tools"].values()) <= tokens["total"] <= sum(tokens["tools"].values()) + 10
    assert [r["mimeType"] for r in view["resources"]] == ["text/html;profile=mcp-app", "text/html+skybridge"]


def test_tools_prints_every_tool_its_hints_parameters_and_the_total() -> None:
    run = mcpgen("tools", str(KANBAN))
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "delete_task  (Delete a task)  [write, destructive: asks for confirmation]" in out
    assert "list_tasks  (List tasks)  [read-only]" in out
    assert "  - status (todo|in_progress|done, required): " in out
    view = json.loads(mcpgen("tools", str(KANBAN), "--json").stdout)
    total = view["tokens"]["total"]
    counts = f"{len(view['tools'])} tools, {len(view['resources'])} resources"
    assert out.splitlines()[-1] == (
        f"kanban 1.0.0: {counts}, ≈{total} tokens in the model's context (about 4 characters a token)"
    )


def test_tools_shows_who_may_call_each_tool_under_oauth() -> None:
    run = mcpgen("tools", str(ROOT / "tests" / "specs_good" / "oauth_notes.yaml"))
    assert run.returncode == 0, run.stderr
    assert "count_notes  (Count notes)  [read-only] [no sign-in]" in run.stdout
    assert "list_notes  (List notes)  [read-only] [sign-in: notes.read]" in run.stdout
    assert "add_note  (Add note)  [write: asks for confirmation] [sign-in: notes.write]" in run.stdout
