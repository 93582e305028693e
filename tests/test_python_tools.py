"""`python` tools: a developer's function beside the spec, served, reloaded on edit, and generated alike."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from mcp import types

from tests.conftest import Served
from tests.test_auth import client, start
from tests.test_cli import mcpgen

pytestmark = pytest.mark.anyio

DESK = """\
mcpgen: 1
name: desk
description: Tickets, with an escalation the built-in kinds cannot express.
storage: {{path: "{db}"}}
models:
  ticket:
    display: title
    fields:
      id: {{type: id}}
      title: {{type: string, required: true}}
      priority: {{type: enum, values: [normal, urgent], default: normal}}
      body: {{type: text}}
tools:
  create_ticket: {{action: create, model: ticket, description: Use this to open a ticket.}}
  get_ticket: {{action: get, model: ticket, description: Use this to read a ticket.}}
  escalate:
    action: python
    handler: desk_tools:escalate
    description: Use this to escalate a ticket, with the reason, when the customer is blocked.
    parameters:
      ticket_id: {{type: integer, required: true, description: The ticket to escalate.}}
      reason: {{type: string, required: true, description: Why it cannot wait.}}
    returns:
      ticket_id: {{type: integer, required: true}}
      priority: {{type: string, required: true}}
      note: {{type: string, required: true}}
  greet:
    action: python
    handler: desk_tools:greet
    read_only: true
    description: Use this to greet someone by name.
    parameters: {{name: {{type: string, required: true, description: Who to greet.}}}}
    returns: {{text: {{type: string, required: true}}}}
  crash:
    action: python
    handler: desk_tools:crash
    read_only: true
    description: Use this to see what a failing handler does.
"""
TOOLS = '''\
"""What the desk's python tools do."""


async def escalate(arguments, context):
    ticket = await context.tx.get("ticket", arguments["ticket_id"])
    if ticket is None:
        raise context.error(f"No ticket with id {arguments['ticket_id']}: find it with get_ticket first.")
    note = f"Escalated: {arguments['reason']}"
    body = ((ticket["body"] or "") + "\\n" + note).strip()
    await context.tx.update("ticket", ticket["id"], {"priority": "urgent", "body": body})
    context.log.info("escalated ticket %s", ticket["id"])
    return {"ticket_id": ticket["id"], "priority": "urgent", "note": note}


def greet(arguments, context):
    return {"text": "GREETING " + arguments["name"]}


def crash(arguments, context):
    raise RuntimeError("the handler's own bug")
'''


@pytest.fixture(params=["mcpgen", "generated"])
def server_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def desk_spec(folder: Path) -> Path:
    (folder / "desk_tools.py").write_text(TOOLS)
    spec = folder / "desk.yaml"
    spec.write_text(DESK.format(db=folder / "desk.db"))
    return spec


def text(result: types.CallToolResult) -> str:
    assert isinstance(result.content[0], types.TextContent)
    return result.content[0].text


async def ok(session: Any, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await session.call_tool(tool, arguments)
    assert not result.is_error, text(result)
    assert result.structured_content is not None
    return dict(result.structured_content)


async def test_a_handler_works_in_the_transaction_and_its_errors_are_tool_errors(
    serve: type[Served], tmp_path: Path, server_kind: str
) -> None:
    served = start(serve, desk_spec(tmp_path), {}, server_kind)
    async with client(served.url) as session:
        ticket = await ok(session, "create_ticket", title="Login fails", body="since Monday")
        escalated = await ok(session, "escalate", ticket_id=ticket["id"], reason="payroll is blocked")
        assert escalated == {"ticket_id": ticket["id"], "priority": "urgent", "note": "Escalated: payroll is blocked"}
        stored = await ok(session, "get_ticket", id=ticket["id"])
        assert (stored["priority"], stored["body"]) == ("urgent", "since Monday\nEscalated: payroll is blocked")
        missing = await session.call_tool("escalate", {"ticket_id": 99, "reason": "x"})
        assert missing.is_error
        assert text(missing) == "No ticket with id 99: find it with get_ticket first."
        crashed = await session.call_tool("crash", {})
        assert crashed.is_error
        assert text(crashed).startswith("crash failed because of an internal error (ref ")
        assert "own bug" not in text(crashed)
        wrong = await session.call_tool("escalate", {"ticket_id": "one"})
        assert text(wrong).splitlines() == [
            "Invalid arguments for escalate:",
            "- reason: missing (required)",
            '- ticket_id: expected a whole number, got "one"',
        ]
        listed = {tool.name: tool for tool in (await session.list_tools()).tools}
    assert listed["escalate"].annotations is not None
    assert listed["escalate"].annotations.read_only_hint is False
    assert listed["greet"].annotations is not None
    assert listed["greet"].annotations.read_only_hint is True
    log = served.stop()
    assert "escalated ticket 1" in log
    assert "RuntimeError: the handler's own bug" in log  # the traceback is the operator's, not the model's


async def test_an_edit_of_the_handler_module_is_served_under_reload(serve: type[Served], tmp_path: Path) -> None:
    spec = desk_spec(tmp_path)
    served = serve(spec, {}, "--reload")
    async with client(served.url) as session:
        assert await ok(session, "greet", name="Ada") == {"text": "GREETING Ada"}
        module = tmp_path / "desk_tools.py"
        module.write_text(module.read_text().replace('"GREETING "', '"Hello, "'))
        deadline = time.monotonic() + 15
        while (await ok(session, "greet", name="Ada"))["text"] != "Hello, Ada":
            assert time.monotonic() < deadline, served.output()
            time.sleep(0.1)
        # A module that no longer loads keeps the last good version serving, and says why.
        module.write_text("def greet(:\n")
        time.sleep(1.5)
        assert await ok(session, "greet", name="Ada") == {"text": "Hello, Ada"}
    assert "desk_tools.py does not load: SyntaxError" in served.stop()


def test_generate_copies_the_module_and_validate_locates_a_missing_function(tmp_path: Path) -> None:
    spec = desk_spec(tmp_path)
    project = tmp_path / "project"
    assert mcpgen("generate", str(spec), "-o", str(project)).returncode == 0
    assert (project / "desk_mcp" / "desk_tools.py").read_text() == TOOLS
    assert (
        "from desk_mcp.desk_tools import crash, escalate, greet" in (project / "desk_mcp" / "connector.py").read_text()
    )
    spec.write_text(spec.read_text().replace("desk_tools:greet", "desk_tools:greeet"))
    checked = mcpgen("validate", str(spec))
    assert checked.returncode == 1
    assert "tools.greet.handler: desk_tools.py has no function greeet; did you mean 'greet'?" in checked.stdout
