"""The lean HTTP app answers as the official SDK's server does: one transcript of raw requests, both eras, both
servers for the same connector, the JSON-RPC answers compared (session ids, timestamps and framing aside)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import httpx2
import pytest

from mcpgen.dev.live import LiveServer
from mcpgen.runtime import values
from mcpgen.runtime.http import http_app
from mcpgen.spec import load_spec
from tests.conftest import KANBAN

pytestmark = pytest.mark.anyio
URL = "http://127.0.0.1:8000/mcp"
ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
ENVELOPE = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientCapabilities": {},
    "io.modelcontextprotocol/clientInfo": {"name": "oracle", "version": "1"},
}
# Where the lean app words a refusal in its own terms: the code and the status agree, the message may not.
OWN_WORDS = {"Validation error", "Parse error"}

Step = tuple[str, str, Any, dict[str, str]]  # what it is, HTTP method, body (dict, or raw bytes), headers


def request(id: Any, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"jsonrpc": "2.0", "id": id, "method": method}
    if params is not None:
        message["params"] = params
    return message


def modern(id: Any, method: str, params: dict[str, Any] | None = None, name: str | None = None) -> Step:
    headers = {"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": method, **({"Mcp-Name": name} if name else {})}
    return (f"2026 {method}", "POST", request(id, method, {**(params or {}), "_meta": ENVELOPE}), headers)


def transcript(uri: str) -> list[Step]:
    create = {"name": "create_task", "arguments": {"title": "From the oracle", "priority": "high"}}
    legacy: list[Step] = [
        (
            "initialize",
            "POST",
            request(
                1,
                "initialize",
                {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "oracle", "version": "1"}},
            ),
            {},
        ),
        ("initialized", "POST", {"jsonrpc": "2.0", "method": "notifications/initialized"}, {}),
        ("tools/list", "POST", request(2, "tools/list"), {}),
        ("create", "POST", request("three", "tools/call", create), {}),
        ("bad arguments", "POST", request(4, "tools/call", {"name": "create_task", "arguments": {"title": 5}}), {}),
        ("unknown tool", "POST", request(5, "tools/call", {"name": "no_such_tool", "arguments": {}}), {}),
        ("call without name", "POST", request(6, "tools/call", {"arguments": {}}), {}),
        ("list", "POST", request(7, "tools/call", {"name": "list_tasks", "arguments": {}}), {}),
        ("resources/list", "POST", request(8, "resources/list"), {}),
        ("resources/read", "POST", request(9, "resources/read", {"uri": uri}), {}),
        ("unknown resource", "POST", request(10, "resources/read", {"uri": "ui://nothing"}), {}),
        ("ping", "POST", request(11, "ping"), {}),
        ("unknown method", "POST", request(12, "foo/bar"), {}),
        ("discover in the handshake era", "POST", request(13, "server/discover"), {}),
        ("a notification", "POST", {"jsonrpc": "2.0", "method": "notifications/whatever"}, {}),
        ("a batch", "POST", [request(14, "ping")], {}),
        ("not JSON", "POST", b'{"jsonrpc": "2.0", "id": ', {}),
        ("no session", "POST", request(15, "ping"), {"Mcp-Session-Id": ""}),
        ("unknown session", "POST", request(16, "ping"), {"Mcp-Session-Id": "no-such-session"}),
        ("delete", "DELETE", None, {}),
        ("after delete", "POST", request(17, "ping"), {}),
    ]
    newer: list[Step] = [
        modern(21, "server/discover"),
        modern(22, "tools/list"),
        modern("call", "tools/call", create, name="create_task"),
        modern(24, "tools/call", {"name": "create_task", "arguments": {}}, name="create_task"),
        modern(25, "resources/list"),
        modern(26, "resources/read", {"uri": uri}, name=uri),
        modern(27, "resources/read", {"uri": "ui://nothing"}, name="ui://nothing"),
        modern(28, "ping"),
        modern(29, "initialize", {"protocolVersion": "2026-07-28", "capabilities": {}}),
        modern(30, "foo/bar"),
        (
            "2026 without _meta",
            "POST",
            request(31, "tools/list"),
            {"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/list"},
        ),
        (
            "2026 method header mismatch",
            "POST",
            modern(32, "tools/list")[2],
            {"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "resources/list"},
        ),
        ("2026 name header mismatch", *modern(33, "tools/call", create, name="delete_task")[1:]),
        (
            "2026 unsupported version",
            "POST",
            request(34, "tools/list", {"_meta": {**ENVELOPE, "io.modelcontextprotocol/protocolVersion": "2099-01-01"}}),
            {"MCP-Protocol-Version": "2099-01-01", "Mcp-Method": "tools/list"},
        ),
        (
            "2026 notification",
            "POST",
            {"jsonrpc": "2.0", "method": "notifications/cancelled"},
            {"MCP-Protocol-Version": "2026-07-28"},
        ),
        ("2026 not JSON", "POST", b"{", {"MCP-Protocol-Version": "2026-07-28"}),
        ("2026 batch", "POST", [request(35, "tools/list")], {"MCP-Protocol-Version": "2026-07-28"}),
        ("2026 GET", "GET", None, {"MCP-Protocol-Version": "2026-07-28"}),
    ]
    return legacy + newer


def message_of(response: httpx2.Response) -> Any:
    """The JSON-RPC message a response carries (from an SSE stream or a JSON body), or None for an empty body."""
    if not response.content:
        return None
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        data = [line[5:].strip() for line in response.text.splitlines() if line.startswith("data:")]
        return json.loads(data[-1])
    try:
        return response.json()
    except ValueError:
        return response.text


def comparable(message: Any) -> Any:
    """A message with the wording of refusals the lean app words in its own terms left out (the clock is fixed)."""
    error = message.get("error") if isinstance(message, dict) else None
    if error and any(error.get("message", "").startswith(words) for words in OWN_WORDS):
        error["message"] = error["message"].split(":")[0]
        error.pop("data", None)
    return message


@asynccontextmanager
async def talking(app: Any) -> AsyncIterator[httpx2.AsyncClient]:
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://127.0.0.1:8000") as http:
        yield http


async def run(http: httpx2.AsyncClient, steps: list[Step]) -> list[tuple[str, int, Any]]:
    answers, session = [], ""
    for what, method, body, headers in steps:
        sent = {**ACCEPT, **({"Mcp-Session-Id": session} if session else {}), **headers}
        if not sent.get("Mcp-Session-Id"):
            sent.pop("Mcp-Session-Id", None)
        if session and "MCP-Protocol-Version" not in headers:
            sent["MCP-Protocol-Version"] = "2025-11-25"
        content = body if isinstance(body, bytes) else None if body is None else json.dumps(body).encode()
        response = await http.request(method, URL, content=content, headers=sent)
        if what == "initialize":
            session = response.headers["mcp-session-id"]
        answers.append((what, response.status_code, comparable(message_of(response))))
    return answers


async def test_the_lean_app_answers_a_transcript_as_the_sdk_does(tmp_path: Path) -> None:
    lean = LiveServer(load_spec(KANBAN, env={"KANBAN_DB": str(tmp_path / "lean.db")}))
    sdk = LiveServer(load_spec(KANBAN, env={"KANBAN_DB": str(tmp_path / "sdk.db")}))
    steps = transcript(next(iter(lean.connector.resources)))
    sdk_app = sdk.mcp.streamable_http_app(streamable_http_path="/mcp")
    with mock.patch.object(values, "now_text", return_value="2026-12-02T10:00:00.000Z"):
        async with lean.running(), talking(http_app(lean)) as http:
            lean.changes.open()
            ours = await run(http, steps)
        async with sdk_app.router.lifespan_context(sdk_app), talking(sdk_app) as http:
            theirs = await run(http, steps)
    assert [answer[0] for answer in ours] == [step[0] for step in steps]
    for mine, reference in zip(ours, theirs, strict=True):
        assert mine == reference, mine[0]
