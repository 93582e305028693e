"""Real data over real HTTP: refs and on_delete, unique keys, expand, per-user rows with two signed-in users.

Every test runs against `mcpgen serve` and the generated project, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, types

from tests.conftest import POSTGRES_URL, ROOT, SCHEMA_PREFIX, Served
from tests.test_auth import AUDIENCE, Issuer, client, issuer, start  # noqa: F401 -- issuer is a fixture
from tests.test_cli import mcpgen

pytestmark = pytest.mark.anyio

HELPDESK = """\
mcpgen: 1
name: helpdesk
description: Customers, their companies and their tickets.
storage: {storage}
auth: {{type: oauth, issuer: "{issuer}", jwks_url: "{issuer}/jwks.json", audience: "{audience}"}}
models:
  company:
    fields:
      id: {{type: id}}
      name: {{type: string, required: true, unique: true}}
  team:
    fields:
      id: {{type: id}}
      name: {{type: string, required: true}}
  customer:
    owner: subject
    display: name
    fields:
      id: {{type: id}}
      name: {{type: string, required: true}}
      email: {{type: string, required: true, unique: true}}
      company: {{type: ref, model: company}}
  ticket:
    owner: subject
    display: title
    unique: [[customer, title]]
    fields:
      id: {{type: id}}
      title: {{type: string, required: true}}
      body: {{type: text}}
      status: {{type: enum, values: [open, pending, closed], default: open}}
      customer: {{type: ref, model: customer, required: true, on_delete: cascade}}
      team: {{type: ref, model: team, on_delete: set_null}}
      due: {{type: date}}
tools:
  create_company: {{action: create, model: company, description: Use this to add a company.}}
  delete_company: {{action: delete, model: company, description: Use this to delete a company.}}
  create_team: {{action: create, model: team, description: Use this to add a team.}}
  delete_team: {{action: delete, model: team, description: Use this to delete a team.}}
  create_customer: {{action: create, model: customer, description: Use this to add a customer.}}
  update_customer: {{action: update, model: customer, description: Use this to change a customer.}}
  delete_customer: {{action: delete, model: customer, description: Use this to delete a customer.}}
  create_ticket: {{action: create, model: ticket, description: Use this to open a ticket., expand: [customer]}}
  update_ticket: {{action: update, model: ticket, description: Use this to change a ticket.}}
  delete_ticket: {{action: delete, model: ticket, description: Use this to delete a ticket.}}
  get_ticket: {{action: get, model: ticket, description: Use this to read a ticket., expand: [customer, team]}}
  list_tickets:
    action: list
    model: ticket
    description: Use this to list tickets.
    filters: [customer, team, {{field: status, ops: [eq, in, not]}}, {{field: due, ops: [lt, empty]}}]
    order_by: [due]
    expand: [customer]
  search_tickets: {{action: search, model: ticket, description: Use this to find tickets., fields: [title, body]}}
  count_tickets: {{action: count, model: ticket, description: Use this to count tickets., group_by: customer}}
  search:
    action: chatgpt_search
    model: ticket
    description: Use this to research tickets.
    fields: [title, body]
    url: "https://helpdesk.test/tickets/{{{{ id }}}}"
  fetch:
    action: fetch
    model: ticket
    description: Use this to read a ticket found by search.
    url: "https://helpdesk.test/tickets/{{{{ id }}}}"
"""


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=["mcpgen", "generated"])
def server_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def storage(backend: str, folder: Path) -> str:
    if backend == "sqlite":
        return f'{{backend: sqlite, path: "{folder / "helpdesk.db"}"}}'
    schema = SCHEMA_PREFIX + uuid.uuid4().hex[:12]
    return f'{{backend: postgres, url: "${{DATABASE_URL:-{POSTGRES_URL}}}", schema: {schema}}}'


@pytest.fixture
def helpdesk(serve: type[Served], issuer: Issuer, tmp_path: Path, backend: str, server_kind: str) -> Served:  # noqa: F811
    spec = tmp_path / "helpdesk.yaml"
    spec.write_text(HELPDESK.format(storage=storage(backend, tmp_path), issuer=issuer.url, audience=AUDIENCE))
    return start(serve, spec, {"DATABASE_URL": POSTGRES_URL}, server_kind)


class User:
    """One signed-in user's MCP session."""

    def __init__(self, session: Client) -> None:
        self.session = session

    async def call(self, tool: str, **arguments: Any) -> types.CallToolResult:
        return await self.session.call_tool(tool, arguments)

    async def ok(self, tool: str, **arguments: Any) -> dict[str, Any]:
        result = await self.call(tool, **arguments)
        assert not result.is_error, text(result)
        assert result.structured_content is not None
        return result.structured_content

    async def error(self, tool: str, **arguments: Any) -> str:
        result = await self.call(tool, **arguments)
        assert result.is_error, text(result)
        return text(result)


def text(result: types.CallToolResult) -> str:
    assert isinstance(result.content[0], types.TextContent)
    return result.content[0].text


async def test_refs_unique_keys_and_on_delete_answer_as_errors_the_model_can_act_on(
    helpdesk: Served,
    issuer: Issuer,  # noqa: F811
) -> None:
    async with client(helpdesk.url, issuer.token(subject="ada")) as session:
        ada = User(session)
        acme = await ada.ok("create_company", name="Acme")
        lovelace = await ada.ok("create_customer", name="Ada Lovelace", email="ada@acme.test", company=acme["id"])
        assert set(lovelace) == {"id", "name", "email", "company"}  # the owner is never in a result

        # A ref to nothing, a clash on a unique field and on a compound key.
        assert await ada.error("create_ticket", title="Login fails", customer=999) == (
            "No customer with id '999'. Find the customer and use its id."
        )
        clash = await ada.error("create_customer", name="Other", email="ada@acme.test")
        assert "email 'ada@acme.test'" in clash
        assert f'customer {lovelace["id"]} "Ada Lovelace"' in clash
        opened = await session.call_tool("create_ticket", {"title": "Login fails", "customer": lovelace["id"]})
        ticket = opened.structured_content
        assert ticket is not None
        assert ticket["customer_name"] == "Ada Lovelace"
        assert text(opened) == f'Created ticket {ticket["id"]} "Login fails" (customer: Ada Lovelace).'
        again = await ada.error("create_ticket", title="Login fails", customer=lovelace["id"])
        assert "customer, title are unique together" in again
        assert await ada.error("update_ticket", id=ticket["id"], customer=12345) == (
            "No customer with id '12345'. Find the customer and use its id."
        )

        # restrict: the company cannot go while a customer refers to it; the error says how many.
        refused = await ada.error("delete_company", id=acme["id"])
        assert refused == (
            f"Cannot delete company {acme['id']}: 1 customer still refer to it (their company). "
            "Delete them or change their company first."
        )
        # set_null: deleting the team clears the ticket's team; cascade: deleting the customer deletes the ticket.
        team = await ada.ok("create_team", name="Support")
        await ada.ok("update_ticket", id=ticket["id"], team=team["id"])
        shown = await ada.call("get_ticket", id=ticket["id"])
        assert "(customer: Ada Lovelace, team: Support)" in text(shown)
        await ada.ok("delete_team", id=team["id"])
        assert (await ada.ok("get_ticket", id=ticket["id"]))["team"] is None
        await ada.ok("delete_customer", id=lovelace["id"])
        assert await ada.error("get_ticket", id=ticket["id"]) == f"No ticket with id '{ticket['id']}'."
        await ada.ok("delete_company", id=acme["id"])  # nothing refers to it any more


async def test_two_users_never_see_or_change_each_others_records(helpdesk: Served, issuer: Issuer) -> None:  # noqa: F811
    async with (
        client(helpdesk.url, issuer.token(subject="ada")) as ada_session,
        client(helpdesk.url, issuer.token(subject="grace")) as grace_session,
    ):
        ada, grace = User(ada_session), User(grace_session)
        customer = await ada.ok("create_customer", name="Ada Lovelace", email="ada@acme.test")
        ticket = await ada.ok("create_ticket", title="Secret plans", body="engine", customer=customer["id"])
        missing = 999_999

        # Every tool answers for another user's record exactly as for one that does not exist.
        for tool, arguments in [
            ("get_ticket", {"id": ticket["id"]}),
            ("update_ticket", {"id": ticket["id"], "title": "Mine now"}),
            ("delete_ticket", {"id": ticket["id"]}),
            ("fetch", {"id": str(ticket["id"])}),
        ]:
            theirs = await grace.error(tool, **arguments)
            nothing = await grace.error(tool, **{**arguments, "id": type(arguments["id"])(missing)})
            assert theirs == nothing.replace(str(missing), str(ticket["id"]))
        assert (await grace.ok("list_tickets"))["items"] == []
        assert (await grace.ok("search_tickets", query="secret"))["items"] == []
        assert (await grace.ok("search", query="secret plans engine"))["results"] == []
        assert (await grace.ok("count_tickets"))["total"] == 0
        assert await grace.error("create_ticket", title="x", customer=customer["id"]) == (
            f"No customer with id '{customer['id']}'. Find the customer and use its id."
        )
        # A unique key is unique per owner: grace may have her own customer with the same e-mail.
        own = await grace.ok("create_customer", name="Grace Hopper", email="ada@acme.test")
        await grace.ok("create_ticket", title="Secret plans", customer=own["id"])
        assert (await grace.ok("count_tickets"))["groups"] == [{"customer": own["id"], "count": 1}]

        # Ada still has exactly her own, unchanged.
        listed = (await ada.ok("list_tickets"))["items"]
        assert [(t["id"], t["title"], t["customer_name"]) for t in listed] == [
            (ticket["id"], "Secret plans", "Ada Lovelace")
        ]
        assert [r["id"] for r in (await ada.ok("search", query="secret"))["results"]] == [str(ticket["id"])]
        assert (await ada.ok("count_tickets"))["total"] == 1


def test_mcpgen_call_as_a_subject_sees_only_that_owners_records(tmp_path: Path) -> None:
    spec = tmp_path / "helpdesk.yaml"
    # Without OAuth every caller is the one local owner; `--as` calls as a signed-in user would.
    helpdesk = HELPDESK.format(storage=storage("sqlite", tmp_path), issuer="unused", audience="unused")
    spec.write_text(re.sub(r"^auth: .*\n", "", helpdesk, flags=re.MULTILINE))
    created = mcpgen("call", str(spec), "create_customer", '{"name": "Ada", "email": "a@x.test"}', "--as", "ada")
    assert created.returncode == 0, created.stderr
    as_grace = mcpgen("call", str(spec), "count_tickets", "--as", "grace")
    assert json.loads(as_grace.stdout)["structuredContent"]["total"] == 0
    for caller in (["--as", "ada"], []):
        made = mcpgen("call", str(spec), "create_ticket", '{"title": "t", "customer": 1}', *caller)
        assert json.loads(made.stdout)["isError"] is (caller == []), made.stdout  # locally, customer 1 is not ours
    counted = json.loads(mcpgen("call", str(spec), "count_tickets", "--as", "ada").stdout)
    assert counted["structuredContent"]["total"] == 1


@pytest.mark.parametrize("mode", ["legacy", "auto"])  # the initialize handshake, and the 2026-07-28 era
async def test_the_support_example_serves_over_http_in_both_eras(
    serve: type[Served], tmp_path: Path, server_kind: str, mode: str
) -> None:
    spec = tmp_path / "support.yaml"
    spec.write_text((ROOT / "specs" / "support.yaml").read_text())
    shutil.copy(ROOT / "specs" / "support_tools.py", tmp_path)  # its python tool's module, beside it
    server = start(serve, spec, {"SUPPORT_DB": str(tmp_path / "support.db")}, server_kind)
    async with Client(server.url, mode=mode) as session:  # type: ignore[arg-type]
        agent = User(session)
        ada = await agent.ok("create_customer", name="Ada Lovelace", email="ada@example.com")
        ticket = await agent.ok("create_ticket", title="Login fails", customer=ada["id"], due="2026-01-05")
        assert ticket["customer_name"] == "Ada Lovelace"
        overdue = await agent.ok("list_tickets", status_not="closed", due_lt="2026-02-01")
        assert [t["id"] for t in overdue["items"]] == [ticket["id"]]
        assert (await agent.ok("search_tickets", query="LOG"))["items"][0]["id"] == ticket["id"]
        document = await agent.ok("fetch", id=str(ticket["id"]))
        assert "customer: Ada Lovelace" in document["text"].splitlines()  # its name, not its id
        counted = await agent.ok("count_overdue_tickets", today="2026-02-01")
        assert counted["rows"] == [{"customer_id": ada["id"], "customer": "Ada Lovelace", "overdue": 1}]
        escalated = await session.call_tool("escalate_ticket", {"ticket_id": ticket["id"], "reason": "payroll"})
        assert text(escalated) == f"Escalated ticket {ticket['id']}: it is now urgent and open. Escalated: payroll"
        assert (await agent.ok("get_ticket", id=ticket["id"]))["priority"] == "urgent"
        await agent.ok("delete_customer", id=ada["id"])  # cascade: the ticket goes too
        assert (await agent.ok("count_tickets"))["total"] == 0
