"""The generated project and `mcpgen serve` are the same server: same tool list, same answers, same errors."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mcp import Client, types

from mcpgen.dev.live import LiveServer
from mcpgen.runtime import values
from mcpgen.runtime.values import utc_text
from mcpgen.spec import LoadedSpec, load_spec, parse_spec
from tests.conftest import KANBAN, POSTGRES_URL, ROOT, storage_for
from tests.generated import generated_server, import_generated, runtime_of
from tests.strategies import specs
from tests.test_generated_specs import value
from tests.test_postgres import on_postgres

pytestmark = pytest.mark.anyio
REFERENCE = re.compile(r"\(ref [0-9a-f]{8}\)")
SUPPORT = ROOT / "specs" / "support.yaml"


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
    loaded: LoadedSpec, folder: Path, calls: list[tuple[str, dict[str, Any]]], schema: str | None = None
) -> None:
    """The same calls to `mcpgen serve` and to the generated server (on PostgreSQL: in `schema`)."""
    generated = import_generated(loaded, folder / "project")
    store = None
    if schema is not None:
        store = runtime_of(generated, "storage.postgres").PostgresStore(POSTGRES_URL, schema, generated.MODELS)
    theirs = generated_server(generated, str(folder / "generated.db"), store)
    with (
        mock.patch.object(values, "now_text", clock()),
        mock.patch.object(runtime_of(generated, "values"), "now_text", clock()),
    ):
        await _compare(loaded, theirs.mcp, calls)


async def _compare(loaded: LoadedSpec, generated: Any, calls: list[tuple[str, dict[str, Any]]]) -> None:
    async with Client(LiveServer(loaded).mcp) as ours, Client(generated) as theirs:
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
        loaded, schema = load_spec(KANBAN, env={"KANBAN_DB": str(tmp_path / "kanban.db")}), None
    else:  # each server in a schema of its own on the machine's PostgreSQL
        loaded = load_spec(on_postgres(tmp_path), env={"DATABASE_URL": POSTGRES_URL})
        schema = storage_for("postgres").schema_name
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
    await same_answers(loaded, tmp_path, calls, schema)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_the_support_project_answers_relations_owners_and_operators_as_mcpgen_serve_does(
    tmp_path: Path, backend: str
) -> None:
    text = SUPPORT.read_text()
    if backend == "sqlite":
        loaded, schema = load_spec(SUPPORT, env={"SUPPORT_DB": str(tmp_path / "support.db")}), None
    else:  # each server in a schema of its own on the machine's PostgreSQL
        ours, schema = storage_for("postgres").schema_name, storage_for("postgres").schema_name
        storage = f"storage:\n  backend: postgres\n  url: {POSTGRES_URL}\n  schema: {ours}\n"
        text = re.sub(r"^storage:\n(  .*\n)+", storage, text, flags=re.MULTILINE)
        (tmp_path / "support.yaml").write_text(text)
        shutil.copy(SUPPORT.parent / "support_tools.py", tmp_path)
        loaded = load_spec(tmp_path / "support.yaml")
    calls = [
        ("create_customer", {"name": "Ada Lovelace", "email": "ada@example.com", "plan": "pro"}),
        ("create_customer", {"name": "Grace Hopper", "email": "grace@example.com"}),
        ("create_customer", {"name": "Ada again", "email": "ada@example.com"}),
        ("create_ticket", {"title": "Login fails", "customer": 1, "due": "2026-01-10", "priority": "urgent"}),
        ("create_ticket", {"title": "Login fails", "customer": 1}),
        ("create_ticket", {"title": "Export is slow", "customer": 2, "body": "passwords export", "due": "2026-03-01"}),
        ("create_ticket", {"title": "Lost invoice", "customer": 999}),
        ("update_ticket", {"id": 2, "status": "pending", "due": None}),
        ("list_tickets", {"status_not": "closed", "due_lt": "2026-02-01"}),
        ("list_tickets", {"status_in": ["open", "pending"], "order_by": "due", "order": "desc", "limit": 1}),
        ("list_tickets", {"customer": 2}),
        ("search_tickets", {"query": "PASS login"}),
        ("search_customers", {"query": "ada"}),
        ("count_tickets", {}),
        ("count_tickets", {"customer": 1}),
        ("get_ticket", {"id": 1}),
        ("search", {"query": "export"}),
        ("fetch", {"id": "2"}),
        ("count_overdue_tickets", {"today": "2026-02-01"}),
        ("count_overdue_tickets", {"today": "tomorrow"}),
        ("escalate_ticket", {"ticket_id": 2, "reason": "payroll is blocked"}),
        ("escalate_ticket", {"ticket_id": 99, "reason": "x"}),
        ("get_ticket", {"id": 2}),
        ("delete_customer", {"id": 1}),
        ("get_ticket", {"id": 1}),
        ("list_customers", {}),
    ]
    await same_answers(loaded, tmp_path, calls, schema)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(spec=specs(), data=st.data())
async def test_any_generated_spec_gets_the_same_tool_list_and_the_same_answers(
    spec: dict[str, Any], data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("parity")
    text = yaml.safe_dump({**spec, "storage": {"backend": "memory"}}, allow_unicode=True)
    loaded = parse_spec(text, str(folder / "spec.yaml"), env={})
    ids = {name for model in loaded.spec.models.values() for name, field in model.fields.items() if field.type == "id"}
    built = LiveServer(loaded).connector.tools
    calls = []
    for _ in range(2):  # twice, so reads and updates meet what the first round created
        for name, tool in built.items():
            calls.append((name, data.draw(arguments(tool.definition["inputSchema"], ids), label=name)))
    await same_answers(loaded, folder, calls)
