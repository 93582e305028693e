"""The generated project and `mcpgen serve` are the same server: same tool list, same answers, same errors."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mcp import Client, types

from mcpgen.actions import create, update
from mcpgen.fields import utc_text
from mcpgen.server import Connector
from mcpgen.spec import LoadedSpec, load_spec, parse_spec
from tests.conftest import KANBAN, POSTGRES_URL, storage_for
from tests.generated import import_generated
from tests.strategies import specs
from tests.test_generated_specs import value
from tests.test_postgres import on_postgres

pytestmark = pytest.mark.anyio
REFERENCE = re.compile(r"\(ref [0-9a-f]{8}\)")


def listed(result: types.ListToolsResult) -> str:
    return json.dumps([tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in result.tools])


def answered(result: types.CallToolResult) -> str:
    """A result as JSON, with the references of masked errors made comparable."""
    text = json.dumps(result.model_dump(mode="json", by_alias=True, exclude_none=True), ensure_ascii=False)
    return REFERENCE.sub("(ref …)", text)


def clock() -> Callable[[], str]:
    """A clock that ticks a second each time it is read: both servers write the same timestamps."""
    ticks = itertools.count()
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return lambda: utc_text(start + dt.timedelta(seconds=next(ticks)))


def arguments(schema: dict[str, Any], id_names: set[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Mostly arguments that fit the schema (ids among the first few records), sometimes ones that do not."""
    properties = schema["properties"]

    def draw_value(name: str) -> st.SearchStrategy[Any]:
        if name in id_names and properties[name].get("type") == "integer":
            return st.integers(0, 4)
        return value(properties[name])

    required = set(schema.get("required", []))
    fitting = st.fixed_dictionaries(
        {name: draw_value(name) for name in properties if name in required},
        optional={name: draw_value(name) for name in properties if name not in required},
    )
    junk = st.dictionaries(st.sampled_from([*properties, "extra"]), st.one_of(st.none(), st.integers(), st.text()))
    return st.one_of(fitting, fitting, fitting, junk)


async def same_answers(
    loaded: LoadedSpec, folder: Path, calls: list[tuple[str, dict[str, Any]]], database: tuple[str, ...] = ()
) -> None:
    """The same calls to `mcpgen serve` and to the generated server (on `database`: its create_server arguments)."""
    generated = import_generated(loaded, folder / "project")
    package = generated.__package__ or ""
    runtime, handlers = (importlib.import_module(f"{package}.{name}") for name in ("runtime", "handlers"))
    with (
        mock.patch.object(create, "now_text", ours_clock := clock()),
        mock.patch.object(update, "now_text", ours_clock),
        mock.patch.object(runtime, "now_text", theirs_clock := clock()),
        mock.patch.object(handlers, "now_text", theirs_clock, create=True),
    ):
        await _compare(loaded, generated, database or (str(folder / "generated.db"),), calls)


async def _compare(
    loaded: LoadedSpec, generated: Any, database: tuple[str, ...], calls: list[tuple[str, dict[str, Any]]]
) -> None:
    async with (
        Client(Connector(loaded).server) as ours,
        Client(generated.create_server(*database)) as theirs,
    ):
        assert listed(await ours.list_tools()) == listed(await theirs.list_tools())
        if loaded.spec.widgets:
            resources = await ours.list_resources()
            assert resources == await theirs.list_resources()
            for resource in resources.resources:
                assert await ours.read_resource(resource.uri) == await theirs.read_resource(resource.uri)
        for name, args in calls:
            mine, yours = await ours.call_tool(name, args), await theirs.call_tool(name, args)
            assert answered(mine) == answered(yours), (name, args)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_the_kanban_project_answers_a_life_cycle_as_mcpgen_serve_does(tmp_path: Path, backend: str) -> None:
    if backend == "sqlite":
        loaded, database = load_spec(KANBAN, env={"KANBAN_DB": str(tmp_path / "kanban.db")}), ()
    else:  # each server in a schema of its own on the machine's PostgreSQL
        loaded = load_spec(on_postgres(tmp_path), env={"DATABASE_URL": POSTGRES_URL})
        database = (POSTGRES_URL, storage_for("postgres").schema_name or "")
    calls = [
        ("create_task", {"title": "Write the release notes", "due": "2026-12-04", "priority": "high"}),
        ("create_task", {"title": "Fix the login page", "assignee": "Ada", "notes": "release blocker"}),
        ("create_task", {"title": ""}),
        ("move_task", {"id": 1, "status": "in_progress"}),
        ("update_task", {"id": 2, "assignee": None, "due": "2026-12-01"}),
        ("update_task", {"id": 2}),
        ("list_tasks", {"order_by": "due", "limit": 1}),
        ("list_tasks", {"cursor": "bm90IGEgY3Vyc29y"}),
        ("search_tasks", {"query": "release notes"}),
        ("board_summary", {}),
        ("search", {"query": "login"}),
        ("fetch", {"id": "2"}),
        ("fetch", {"id": "two"}),
        ("show_board", {}),
        ("show_board", {"assignee": "Ada"}),
        ("get_task", {"id": 9}),
        ("delete_task", {"id": 1}),
        ("delete_task", {"id": 1}),
        ("no_such_tool", {}),
        ("create_task", {"title": 3, "colour": "red", "status": "later"}),
    ]
    await same_answers(loaded, tmp_path, calls, database)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(spec=specs(), data=st.data())
async def test_any_generated_spec_gets_the_same_tool_list_and_the_same_answers(
    spec: dict[str, Any], data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("parity")
    text = yaml.safe_dump({**spec, "storage": {"backend": "memory"}}, allow_unicode=True)
    loaded = parse_spec(text, str(folder / "spec.yaml"), env={})
    ids = {name for model in loaded.spec.models.values() for name, field in model.fields.items() if field.type == "id"}
    built = Connector(loaded).tools
    calls = []
    for _ in range(2):  # twice, so reads and updates meet what the first round created
        for name, tool in built.items():
            calls.append((name, data.draw(arguments(tool.tool.input_schema, ids), label=name)))
    await same_answers(loaded, folder, calls)
