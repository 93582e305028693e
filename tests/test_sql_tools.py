"""`sql` tools over real HTTP, on SQLite and PostgreSQL, through `mcpgen serve` and the generated project alike."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from mcp import types

from tests.conftest import POSTGRES_URL, SCHEMA_PREFIX, Served
from tests.test_auth import client, start
from tests.test_cli import mcpgen

pytestmark = pytest.mark.anyio

LEDGER = """\
mcpgen: 1
name: ledger
description: Tasks, notes and the queries a team asks of them.
storage: {storage}
models:
  task:
    fields:
      id: {{type: id}}
      title: {{type: string, required: true}}
      status: {{type: enum, values: [todo, doing, done], default: todo}}
      assignee: {{type: string}}
      due: {{type: date}}
      estimate: {{type: number}}
      urgent: {{type: boolean, default: false}}
  note:
    owner: subject
    fields:
      id: {{type: id}}
      text: {{type: string, required: true}}
tools:
  create_task: {{action: create, model: task, description: Use this to add a task.}}
  overdue_by_assignee:
    action: sql
    description: Use this to see who has the most overdue tasks, and their hours.
    parameters:
      before: {{type: date, required: true, description: Tasks due before this day count as overdue.}}
    statement: >-
      SELECT assignee, count(*) AS tasks, sum(estimate) AS hours FROM task
      WHERE due < :before AND status != 'done' GROUP BY assignee ORDER BY tasks DESC, assignee
    returns:
      assignee: {{type: string}}
      tasks: {{type: integer, required: true}}
      hours: {{type: number}}
  tasks_titled:
    action: sql
    description: Use this to find the tasks with exactly this title.
    parameters: {{title: {{type: string, required: true, description: The exact title.}}}}
    statement: >-
      SELECT id, title, urgent, due, '50%' AS share, ':title' AS quoted
      FROM task WHERE title = :title ORDER BY id
    returns:
      id: {{type: integer, required: true}}
      title: {{type: string, required: true}}
      urgent: {{type: boolean}}
      due: {{type: date}}
      share: {{type: string}}
      quoted: {{type: string}}
  rename_assignee:
    action: sql
    read_only: false
    description: Use this to hand every task of one person to another.
    parameters:
      old: {{type: string, required: true, description: Who has the tasks now.}}
      new: {{type: string, required: true, description: Who takes them over.}}
    statement: UPDATE task SET assignee = :new WHERE assignee = :old
  add_note:
    action: sql
    read_only: false
    description: Use this to keep a note of one's own.
    parameters: {{text: {{type: string, required: true, description: The note.}}}}
    statement: INSERT INTO note (text, mcpgen_owner) VALUES (:text, :subject) RETURNING id, text
    returns: {{id: {{type: integer, required: true}}, text: {{type: string, required: true}}}}
  my_notes:
    action: sql
    description: Use this to read one's own notes.
    statement: SELECT id, text FROM note WHERE mcpgen_owner = :subject ORDER BY id
    returns: {{id: {{type: integer, required: true}}, text: {{type: string, required: true}}}}
  sneaky_write:
    action: sql
    description: Use this to see whether a read-only statement can write.
    parameters: {{title: {{type: string, required: true, description: A title.}}}}
    statement: SELECT id FROM task WHERE title = :title
"""
HOSTILE = [
    "Robert'); DROP TABLE task;--",
    "' OR '1'='1",
    "{{ 7 * 7 }} {% raw %}",
    "__import__('os').system('id')",
    "%s %(title)s :title ? $1",
    'quote " and \\ backslash',
    "naïve — 日本語 🚀",
]


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=["mcpgen", "generated"])
def server_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def ledger_spec(folder: Path, backend: str) -> Path:
    if backend == "sqlite":
        storage = f'{{backend: sqlite, path: "{folder / "ledger.db"}"}}'
    else:
        schema = SCHEMA_PREFIX + uuid.uuid4().hex[:12]
        storage = f'{{backend: postgres, url: "${{DATABASE_URL:-{POSTGRES_URL}}}", schema: {schema}}}'
    spec = folder / "ledger.yaml"
    spec.write_text(LEDGER.format(storage=storage))
    return spec


@pytest.fixture
def ledger(serve: type[Served], tmp_path: Path, backend: str, server_kind: str) -> Served:
    return start(serve, ledger_spec(tmp_path, backend), {"DATABASE_URL": POSTGRES_URL}, server_kind)


def text(result: types.CallToolResult) -> str:
    assert isinstance(result.content[0], types.TextContent)
    return result.content[0].text


async def call(session: Any, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await session.call_tool(tool, arguments)
    assert not result.is_error, text(result)
    assert result.structured_content is not None
    return dict(result.structured_content)


async def test_statements_read_and_write_with_bound_parameters(ledger: Served) -> None:
    async with client(ledger.url) as session:
        for title, assignee, due, estimate in [
            ("Write docs", "ada", "2026-01-10", 2),
            ("Fix login", "ada", "2026-01-20", 1.5),
            ("Plan sprint", "grace", "2026-01-05", None),
            ("Later", "grace", "2027-01-01", 3),
        ]:
            hours = {"estimate": estimate} if estimate is not None else {}
            await call(session, "create_task", title=title, assignee=assignee, due=due, **hours)
        overdue = await session.call_tool("overdue_by_assignee", {"before": "2026-06-01"})
        assert overdue.structured_content == {
            "rows": [{"assignee": "ada", "tasks": 2, "hours": 3.5}, {"assignee": "grace", "tasks": 1, "hours": None}],
            "more": False,
        }
        assert (
            text(overdue) == "2 rows:\n- assignee: ada, tasks: 2, hours: 3.5\n- assignee: grace, tasks: 1, hours: null"
        )

        renamed = await session.call_tool("rename_assignee", {"old": "ada", "new": "linus"})
        assert renamed.structured_content == {"rows": [], "more": False, "changed": 2}
        assert text(renamed) == "Changed 2 rows."
        after = await call(session, "overdue_by_assignee", before="2026-06-01")
        assert [row["assignee"] for row in after["rows"]] == ["linus", "grace"]

        # A literal % and a ':name' inside quotes are text, not parameters, on both backends.
        found = await call(session, "tasks_titled", title="Write docs")
        assert found["rows"] == [
            {"id": 1, "title": "Write docs", "urgent": False, "due": "2026-01-10", "share": "50%", "quoted": ":title"}
        ]

        # Statements run in one transaction: a write refused by the database changes nothing.
        missing = await session.call_tool("rename_assignee", {"old": "linus"})
        assert missing.is_error
        assert text(missing) == "Invalid arguments for rename_assignee:\n- new: missing (required)"


async def test_injection_strings_are_stored_and_read_back_verbatim(ledger: Served) -> None:
    async with client(ledger.url) as session:
        for hostile in HOSTILE:
            await call(session, "create_task", title=hostile, assignee=hostile)
        for hostile in HOSTILE:
            rows = (await call(session, "tasks_titled", title=hostile))["rows"]
            assert [row["title"] for row in rows] == [hostile]
        changed = await call(session, "rename_assignee", old=HOSTILE[0], new=HOSTILE[1])
        assert changed["changed"] == 1
        assert len((await call(session, "tasks_titled", title="Robert"))["rows"]) == 0
        # Every task is still there: nothing was dropped or widened by a quote.
        counted = await call(session, "overdue_by_assignee", before="9999-12-31")
        assert counted["rows"] == []  # none has a due date
        notes = [await call(session, "add_note", text=hostile) for hostile in HOSTILE]
        assert [note["rows"][0]["text"] for note in notes] == HOSTILE
        assert [row["text"] for row in (await call(session, "my_notes"))["rows"]] == HOSTILE


async def test_a_read_only_statement_cannot_write_even_when_it_tries(ledger: Served) -> None:
    async with client(ledger.url) as session:
        await call(session, "create_task", title="x")
        listed = await session.list_tools()
    hints = {tool.name: tool.annotations for tool in listed.tools}
    assert hints["overdue_by_assignee"] is not None
    assert hints["overdue_by_assignee"].read_only_hint is True
    assert hints["rename_assignee"] is not None
    assert hints["rename_assignee"].read_only_hint is False
    assert hints["rename_assignee"].destructive_hint is True


def test_owned_rows_are_the_callers_own_through_subject(tmp_path: Path, backend: str) -> None:
    spec = ledger_spec(tmp_path, backend)
    env = {"DATABASE_URL": POSTGRES_URL}
    for who, words in (("ada", "engine notes"), ("grace", "compiler notes")):
        made = mcpgen("call", str(spec), "add_note", json.dumps({"text": words}), "--as", who, env=env)
        assert made.returncode == 0, made.stderr
    for who, words in (("ada", "engine notes"), ("grace", "compiler notes")):
        mine = mcpgen("call", str(spec), "my_notes", "--as", who, env=env)
        assert [row["text"] for row in json.loads(mine.stdout)["structuredContent"]["rows"]] == [words]


def test_validate_locates_each_bad_statement(tmp_path: Path) -> None:
    spec = ledger_spec(tmp_path, "sqlite")
    text = spec.read_text()
    text = text.replace("sum(estimate) AS hours FROM task", "sum(estimat) AS hours FROM task")
    text = text.replace("FROM note WHERE mcpgen_owner = :subject ORDER BY id", "FROM notes ORDER BY id")
    text = text.replace("SELECT id FROM task WHERE title = :title", "DELETE FROM task WHERE title = :title")
    text = text.replace("UPDATE task SET assignee = :new WHERE assignee = :old", "UPDATE task SET assignee = :neu")
    spec.write_text(text)
    checked = mcpgen("validate", str(spec))
    assert checked.returncode == 1
    lines = checked.stdout.splitlines()
    assert any(
        "ledger.yaml:27:16: tools.overdue_by_assignee.statement" in line
        and "no such column: estimat (did you mean 'estimate'?)" in line
        for line in lines
    ), lines
    assert any(
        "tools.my_notes.statement" in line and "no such table: notes (did you mean 'note'?)" in line for line in lines
    )
    assert any(
        "tools.sneaky_write.statement" in line and "writes (DELETE from task) but the tool is read_only" in line
        for line in lines
    )
    assert any(
        "tools.rename_assignee.statement" in line and "uses :neu, which is not a parameter" in line for line in lines
    )
    assert any("tools.rename_assignee.parameters.old" in line and "does not use :old" in line for line in lines)
