"""`http` tools against a real upstream API over real HTTP, through `mcpgen serve` and the generated project."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import types

from tests.conftest import Served
from tests.test_auth import client, start
from tests.test_cli import mcpgen
from tests.upstream import TOKEN, Upstream, running

pytestmark = pytest.mark.anyio

CRM = """\
mcpgen: 1
name: crm
description: The company's CRM, for finding and adding customers.
upstreams:
  crm:
    base_url: "${CRM_URL:-https://crm.example.com/api}"
    auth: {bearer_env: CRM_TOKEN}
    timeout: 1
    retries: 2
tools:
  find_customer:
    action: http
    upstream: crm
    description: Use this to find a customer by their email address.
    parameters:
      email: {type: string, required: true, description: The customer's email address.}
    request: {method: GET, path: /customers, query: {email: "{email}"}}
    result: "data[0].{id: id, name: full_name, plan: plan.name}"
    returns: {id: {type: string}, name: {type: string}, plan: {type: string}}
  get_customer:
    action: http
    upstream: crm
    description: Use this to read one customer by id.
    parameters: {id: {type: string, required: true, description: The customer's id.}}
    request: {path: "/customers/{id}"}
    result: data
  add_customer:
    action: http
    upstream: crm
    description: Use this to add a customer to the CRM.
    parameters:
      name: {type: string, required: true, description: Their full name.}
      email: {type: string, description: Their email address.}
      plan: {type: enum, values: [free, pro], default: free, description: Their plan.}
      tags: {type: array, items: {type: string}, description: Labels.}
    request:
      method: POST
      path: /customers
      body: {name: "{name}", email: "{email}", plan: "{plan}", tags: "{tags}"}
    result: "data.{id: id, tags: tags}"
    returns: {id: {type: string, required: true}, tags: {type: array, items: {type: string}}}
  boom:
    action: http
    upstream: crm
    description: Use this to call an endpoint that fails.
    request: {path: /boom}
  boom_post:
    action: http
    upstream: crm
    description: Use this to post to an endpoint that fails.
    request: {method: POST, path: /boom, body: {}}
  slow:
    action: http
    upstream: crm
    description: Use this to call an endpoint that takes too long.
    request: {path: /slow}
  flaky:
    action: http
    upstream: crm
    description: Use this to read from an endpoint that is busy twice.
    request: {path: /flaky}
  flaky_post:
    action: http
    upstream: crm
    description: Use this to post to an endpoint that is busy.
    request: {method: POST, path: /flaky}
  echo:
    action: http
    upstream: crm
    description: Use this to see what reaches the API.
    parameters:
      segment: {type: string, required: true, description: A path segment.}
      q: {type: string, description: A query value.}
      note: {type: string, description: A header value.}
    request: {path: "/echo/{segment}/end", query: {q: "{q}"}, headers: {X-Note: "{note}"}}
"""
HOSTILE_SEGMENTS = [
    "../../admin",
    "..",
    ".",
    "@evil.example",
    "//evil.example:80/x",
    "http://evil.example/",
    "a/b?c=d#e",
    "%2e%2e%2f",
    "x\r\nHost: evil.example",
    "127.0.0.1:1",
]


@pytest.fixture(params=["mcpgen", "generated"])
def server_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    with running() as api:
        yield api


def crm_spec(folder: Path) -> Path:
    spec = folder / "crm.yaml"
    spec.write_text(CRM)
    return spec


@pytest.fixture
def crm(serve: type[Served], tmp_path: Path, upstream: Upstream, server_kind: str) -> Served:
    return start(serve, crm_spec(tmp_path), {"CRM_URL": upstream.url, "CRM_TOKEN": TOKEN}, server_kind)


def text(result: types.CallToolResult) -> str:
    assert isinstance(result.content[0], types.TextContent)
    return result.content[0].text


async def ok(session: Any, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await session.call_tool(tool, arguments)
    assert not result.is_error, text(result)
    assert result.structured_content is not None
    return dict(result.structured_content)


async def error(session: Any, tool: str, **arguments: Any) -> str:
    result = await session.call_tool(tool, arguments)
    assert result.is_error, text(result)
    return text(result)


async def test_calls_fill_in_the_request_and_map_the_answer(crm: Served, upstream: Upstream) -> None:
    async with client(crm.url) as session:
        added = await ok(session, "add_customer", name="Ada Lovelace", email="ada@example.com", tags=["vip", "eu"])
        assert added == {"id": "1", "tags": ["vip", "eu"]}
        posted = upstream.seen[-1]
        assert posted["method"] == "POST"
        assert json.loads(posted["body"]) == {
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "plan": "free",  # the parameter's default
            "tags": ["vip", "eu"],  # "{tags}" keeps the argument's type
        }
        assert posted["headers"]["authorization"] == f"Bearer {TOKEN}"
        assert await ok(session, "find_customer", email="ada@example.com") == {
            "id": "1",
            "name": "Ada Lovelace",
            "plan": "free",
        }
        assert upstream.seen[-1]["query"] == "email=ada%40example.com"
        assert (await ok(session, "get_customer", id="1"))["full_name"] == "Ada Lovelace"
        # Nothing matched: JMESPath gives null, so the declared keys are null (as returns allows).
        nobody = await session.call_tool("find_customer", {"email": "nobody@example.com"})
        assert nobody.is_error
        assert "gave a result unlike the one it declares" in text(nobody)
        # An optional value left out is left out of the body.
        await ok(session, "add_customer", name="Grace", email="grace@example.com", plan="pro")
        assert json.loads(upstream.seen[-1]["body"]) == {"name": "Grace", "email": "grace@example.com", "plan": "pro"}


async def test_upstream_errors_timeouts_and_retries_are_tool_errors(crm: Served, upstream: Upstream) -> None:
    async with client(crm.url) as session:
        missing = await error(session, "get_customer", id="42")
        assert missing.startswith("crm answered 404 Not Found (it has no such thing: check the ids and paths given).")
        assert "no customer 42" in missing
        refused = await error(session, "add_customer", name="No email", email="")
        assert refused.startswith("crm answered 422 Unprocessable")
        assert "email is required" in refused

        failed = await error(session, "boom")
        assert failed.startswith("crm answered 500 Internal Server Error (crm failed: try again later).")
        assert "database exploded" in failed
        assert len(failed) < 500  # a short excerpt of the body, not all of it
        assert upstream.attempts["GET /api/boom"] == 1  # a 500 is an answer: not retried

        await error(session, "boom_post")
        assert upstream.attempts["POST /api/boom"] == 1

        late = await error(session, "slow")
        assert late == "crm did not answer within 1 s; try again later."
        assert upstream.attempts["GET /api/slow"] == 3  # a GET is tried again: 1 + retries

        busy = await ok(session, "flaky")
        assert busy == {"ok": True, "attempt": 3}
        assert upstream.attempts["GET /api/flaky"] == 3
        still_busy = await error(session, "flaky_post")
        assert still_busy.startswith("crm answered 503")
        assert upstream.attempts["POST /api/flaky"] == 1  # a POST is never sent twice


async def test_arguments_never_change_where_a_request_goes(crm: Served, upstream: Upstream) -> None:
    async with client(crm.url) as session:
        for segment in HOSTILE_SEGMENTS:
            answer = await session.call_tool("echo", {"segment": segment, "q": segment + "&admin=1", "note": "n"})
            assert not answer.is_error, text(answer)
            reached = answer.structured_content or {}
            assert reached["host"] == upstream.url.split("/")[2]
            path = reached["path"]
            assert path.startswith("/api/echo/"), path
            assert path.endswith("/end"), path
            assert path.count("/") == 4, path  # the argument is one segment, its / encoded
            assert upstream.seen[-1]["query"].count("=") == 1  # q's & is encoded: no second parameter
        header = await session.call_tool("echo", {"segment": "x", "note": "a\r\nX-Injected: 1"})
        assert header.is_error
        assert text(header) == "X-Note: a header value cannot hold line breaks."


async def test_the_secret_is_in_no_log_output_or_file(serve: type[Served], tmp_path: Path, upstream: Upstream) -> None:
    spec = crm_spec(tmp_path)
    wrong = "wrong-but-secret-7734"  # the upstream refuses it, and its error answer echoes it back
    served = serve(spec, {"CRM_URL": upstream.url, "CRM_TOKEN": wrong})
    async with client(served.url) as session:
        refused = await error(session, "find_customer", email="a@example.com")
        listed = await session.list_tools()
    assert refused.startswith("crm answered 401 Unauthorized (the connector's credentials for crm were refused")
    assert "***" in refused
    assert wrong not in refused
    assert wrong not in json.dumps([tool.model_dump(mode="json") for tool in listed.tools])
    assert wrong not in served.stop()
    for command in (("tools", str(spec)), ("lint", str(spec)), ("validate", str(spec))):
        shown = mcpgen(*command, env={"CRM_TOKEN": wrong})
        assert wrong not in shown.stdout + shown.stderr
    project = tmp_path / "project"
    assert mcpgen("generate", str(spec), "-o", str(project), env={"CRM_TOKEN": wrong}).returncode == 0
    assert all(wrong not in path.read_text() for path in project.rglob("*") if path.is_file())
    assert "CRM_TOKEN" in (project / "crm_mcp" / "connector.py").read_text()


async def test_without_its_secret_an_upstream_is_not_called(
    serve: type[Served], tmp_path: Path, upstream: Upstream
) -> None:
    served = serve(crm_spec(tmp_path), {"CRM_URL": upstream.url, "CRM_TOKEN": ""})
    async with client(served.url) as session:
        refused = await error(session, "find_customer", email="a@example.com")
    assert refused == "The connector has no credentials for crm: its operator must set $CRM_TOKEN."
    assert upstream.seen == []


def test_validate_locates_bad_requests(tmp_path: Path) -> None:
    spec = crm_spec(tmp_path)
    text = spec.read_text().replace('path: "/customers/{id}"', 'path: "/customers/{ident}"')
    text = text.replace(
        "upstream: crm\n    description: Use this to call an endpoint that fails.",
        "upstream: cmr\n    description: Use this to call an endpoint that fails.",
    )
    text = text.replace('result: "data[0].{id: id', 'result: "data[0.{id: id')
    spec.write_text(text)
    checked = mcpgen("validate", str(spec))
    assert checked.returncode == 1
    out = checked.stdout
    assert "tools.get_customer.request.path: {ident} is not a parameter" in out
    assert "tools.get_customer.parameters.id: the request does not use {id}" in out
    assert "tools.boom.upstream: unknown upstream 'cmr' (did you mean 'crm'?)" in out
    assert "tools.find_customer.result: not a JMESPath expression" in out
