"""A log line for every tool call, as text and as JSON, from `mcpgen serve` and the generated project alike."""

from __future__ import annotations

import json
from pathlib import Path

import httpx2
import pytest
from mcp import Client

from mcpgen.codegen import generate
from mcpgen.spec import load_spec
from tests.conftest import MCP_HEADERS, Served
from tests.test_hardening_http import ENVELOPE

pytestmark = pytest.mark.anyio

SPEC = """\
mcpgen: 1
name: pantry
description: Keep track of what is in the pantry, and how much of each.
storage: {backend: sqlite, path: pantry.db}
models:
  item:
    fields:
      id: {type: id}
      name: {type: string, required: true, description: "What it is, e.g. rice."}
      grams: {type: integer, min: 0, description: How much is left in grams.}
tools:
  add_item: {action: create, model: item, description: Use this when the user puts something in the pantry.}
  get_item: {action: get, model: item, description: Use this to read one item by its id.}
  count_stock: {action: python, handler: "pantry_tools:count", description: Use this to count the pantry's stock.}
"""
HANDLER = """\
async def count(arguments, context):
    raise RuntimeError("the scales are broken")
"""
SECRET = "a-value-that-must-not-be-logged"


async def session_of_calls(url: str) -> None:
    async with Client(url, mode="legacy") as old, Client(url) as new:
        assert not (await old.call_tool("add_item", {"name": SECRET, "grams": 500})).is_error
        assert (await new.call_tool("get_item", {"id": 99})).is_error
        assert (await new.call_tool("add_item", {"name": SECRET, "grams": -1})).is_error
        assert (await old.call_tool("no_such_tool", {})).is_error
        assert (await new.call_tool("count_stock", {})).is_error  # an internal error: its ref is logged


@pytest.mark.parametrize("kind", ["mcpgen", "generated"])
async def test_each_call_is_one_json_line_without_its_arguments(serve: type[Served], tmp_path: Path, kind: str) -> None:
    server = serve(pantry(tmp_path), {}, "--log-format", "json", project=project(tmp_path, kind))
    await session_of_calls(server.url)
    output = server.stop()
    assert SECRET not in output
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert lines, output
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)  # uvicorn's lines too
    calls = [line for line in lines if line.get("event") == "call"]
    assert [(c["tool"], c["outcome"], c["protocol"]) for c in calls] == [
        ("add_item", "ok", "2025-11-25"),
        ("get_item", "tool error", "2026-07-28"),
        ("add_item", "tool error", "2026-07-28"),
        ("no_such_tool", "tool error", "2025-11-25"),
        ("count_stock", "internal error", "2026-07-28"),
    ]
    assert len(calls[-1]["ref"]) == 8
    assert f"(ref {calls[-1]['ref']})" in calls[-1]["message"]
    assert any(line.get("exception", "").endswith("RuntimeError: the scales are broken") for line in lines)
    assert all(c["client"] == "mcp 0.1.0" and 0 < c["ms"] < 10_000 and "arguments" not in c for c in calls)
    assert calls[0]["message"].startswith("call add_item: ok in ")


@pytest.mark.parametrize("kind", ["mcpgen", "generated"])
async def test_text_lines_by_default_and_arguments_only_under_debug(
    serve: type[Served], tmp_path: Path, kind: str
) -> None:
    spec, served_by = pantry(tmp_path), project(tmp_path, kind)
    server = serve(spec, {}, project=served_by)
    await session_of_calls(server.url)
    output = server.stop()
    assert SECRET not in output
    logged = [line for line in output.splitlines() if "runtime.logs: call " in line]
    assert len(logged) == 5, output
    assert logged[0].startswith("INFO ")
    assert "call add_item: ok in " in logged[0]
    assert logged[0].endswith("ms (client mcp 0.1.0, protocol 2025-11-25)")

    server = serve(spec, {}, "--debug", project=served_by)
    await session_of_calls(server.url)
    output = server.stop()
    assert f'with {{"name":"{SECRET}","grams":500}}' in output


@pytest.mark.parametrize("kind", ["mcpgen", "generated"])
def test_arguments_json_cannot_hold_are_logged_as_not_shown_and_a_long_name_cut(
    serve: type[Served], tmp_path: Path, kind: str
) -> None:
    server = serve(pantry(tmp_path), {}, "--debug", "--log-format", "json", project=project(tmp_path, kind))
    envelope = {**ENVELOPE, "io.modelcontextprotocol/clientInfo": {"name": "n" * 5000, "version": "1"}}
    params = {"name": "add_item", "arguments": {"name": "NESTED"}, "_meta": envelope}
    headers = {**MCP_HEADERS, "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "add_item"}
    message = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": params})
    content = message.replace('"NESTED"', "[" * 1000 + "]" * 1000)  # deeper than JSON encoders go
    answered = httpx2.post(server.url, content=content, headers=headers, timeout=10)
    assert answered.json()["result"]["isError"], answered.text
    output = server.stop()
    assert "Logging error" not in output, output
    assert "Traceback" not in output, output
    [logged] = [json.loads(line) for line in output.splitlines() if '"event":"call"' in line.replace(" ", "")]
    assert (logged["outcome"], logged["arguments"]) == ("tool error", "(not shown: not encodable as JSON)")
    assert logged["client"] == "n" * 100 + " 1"  # a client's name is kept to 100 characters


def pantry(folder: Path) -> Path:
    (folder / "pantry.yaml").write_text(SPEC)
    (folder / "pantry_tools.py").write_text(HANDLER)
    return folder / "pantry.yaml"


def project(folder: Path, kind: str) -> Path | None:
    """None for `mcpgen serve`; else the folder of the spec's generated project."""
    if kind == "mcpgen":
        return None
    generate(load_spec(pantry(folder)), folder / "project")
    return folder / "project"
