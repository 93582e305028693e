"""Specs of other shapes and domains, generated: every tool they define serves well-formed MCP."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from mcpgen.dev.live import LiveServer
from mcpgen.spec import parse_spec
from tests.conftest import connect
from tests.strategies import specs

MASKED = "because of an internal error"


def fitting(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Arguments that fit a tool's inputSchema (the subset of JSON Schema that mcpgen emits)."""
    required = set(schema.get("required", []))
    properties = schema["properties"]
    return st.fixed_dictionaries(
        {name: value(properties[name]) for name in properties if name in required},
        optional={name: value(properties[name]) for name in properties if name not in required},
    )


def value(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    choices = []
    for kind in types:
        if kind == "null":
            choices.append(st.none())
        elif kind == "boolean":
            choices.append(st.booleans())
        elif kind == "integer":
            choices.append(st.integers(schema.get("minimum", -(2**53)), schema.get("maximum", 2**53)))
        elif kind == "number":
            low, high = schema.get("minimum"), schema.get("maximum")
            choices.append(st.floats(low, high, allow_nan=False, allow_infinity=False))
        elif schema.get("format") == "date":
            choices.append(st.dates().map(lambda day: day.isoformat()))
        elif schema.get("format") == "date-time":
            moments = st.datetimes(timezones=st.just(dt.UTC))
            choices.append(moments.map(lambda moment: moment.isoformat()))
        elif "pattern" in schema:
            choices.append(st.from_regex(schema["pattern"]))
        else:
            size = {"min_size": schema.get("minLength", 0), "max_size": min(schema.get("maxLength", 30), 30)}
            choices.append(st.text(**size))
    strategy = st.one_of(choices)
    if "pattern" in schema or "minLength" in schema or "maxLength" in schema:
        strategy = strategy.filter(
            lambda v: v is None or schema.get("minLength", 0) <= len(v) <= schema.get("maxLength", 10**9)
        )
    return strategy


def server_for(spec: dict[str, Any]) -> LiveServer:
    return LiveServer(parse_spec(yaml.safe_dump(spec, allow_unicode=True), str(Path("generated.yaml"))))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=specs(backend="memory"))
def test_every_advertised_schema_is_valid_json_schema(spec: dict[str, Any]) -> None:
    for tool in server_for(spec).connector.tools.values():
        Draft202012Validator.check_schema(tool.definition["inputSchema"])
        Draft202012Validator.check_schema(tool.definition.get("outputSchema", {}))
        assert tool.definition["inputSchema"]["type"] == "object"


@pytest.mark.anyio
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=specs(backend="memory"), data=st.data())
async def test_any_call_that_fits_the_schema_gets_a_result_not_an_internal_error(
    spec: dict[str, Any], data: st.DataObject
) -> None:
    server = server_for(spec)
    tools = server.connector.tools.values()
    # Drawn before the client starts, so that hypothesis ending an example never unwinds through its task group.
    # Twice over, so that reads and updates meet records the first round created.
    calls = [(t.name, data.draw(fitting(t.definition["inputSchema"]), label=t.name)) for t in [*tools, *tools]]
    async with connect(server.mcp, "legacy") as client:  # the handshake era sieves every result
        listed = (await client.list_tools()).tools
        assert [t.name for t in listed] == list(server.connector.tools)
        for name, arguments in calls:
            # Client.call_tool checks structuredContent against the outputSchema.
            result = await client.call_tool(name, arguments)
            text = result.content[0].text  # type: ignore[union-attr]
            assert MASKED not in text, (name, arguments, text)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
