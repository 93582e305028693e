"""The `mcpgen` command in a subprocess: call, schema, usage errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import KANBAN


def mcpgen(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mcpgen", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **(env or {})},
    )


def test_call_runs_a_tool_against_the_specs_storage(tmp_path: Path) -> None:
    env = {"KANBAN_DB": str(tmp_path / "kanban.db")}
    created = mcpgen("call", str(KANBAN), "create_task", '{"title": "From the shell"}', env=env)
    assert created.returncode == 0, created.stderr
    result = json.loads(created.stdout)
    assert result["structuredContent"]["title"] == "From the shell"
    assert result["content"][0]["text"] == 'Created task 1 "From the shell".'

    summary = json.loads(mcpgen("call", str(KANBAN), "board_summary", env=env).stdout)
    assert summary["structuredContent"]["total"] == 1  # the same database file, a new process


def test_call_exits_1_on_a_tool_error(tmp_path: Path) -> None:
    run = mcpgen("call", str(KANBAN), "get_task", '{"id": 99}', env={"KANBAN_DB": str(tmp_path / "k.db")})
    assert run.returncode == 1
    assert json.loads(run.stdout)["isError"] is True
    assert "No task with id '99'." in run.stdout


def test_call_rejects_arguments_that_are_not_json(tmp_path: Path) -> None:
    run = mcpgen("call", str(KANBAN), "get_task", "{id: 1", env={"KANBAN_DB": str(tmp_path / "k.db")})
    assert run.returncode == 2
    assert "not JSON" in run.stderr


def test_usage_errors_exit_2() -> None:
    assert mcpgen("serve").returncode == 2
    assert mcpgen("frobnicate").returncode == 2
    assert mcpgen("--version").stdout.startswith("mcpgen ")


def test_an_incompatible_storage_change_stops_start_up(tmp_path: Path) -> None:
    spec = tmp_path / "notes.yaml"
    body = "mcpgen: 1\nname: notes\ndescription: Notes.\nstorage: {path: notes.db}\nmodels:\n  note:\n    fields:\n"
    spec.write_text(body + "      id: {type: id}\n      body: {type: text}\n" + _tools())
    assert mcpgen("call", str(spec), "add_note", '{"body": "keep me"}').returncode == 0
    spec.write_text(body + "      id: {type: id}\n      body: {type: integer}\n" + _tools())
    run = mcpgen("serve", str(spec), "--port", "1")
    assert run.returncode == 1
    assert "body" in run.stderr
    assert "Traceback" not in run.stderr


def _tools() -> str:
    return "tools:\n  add_note: {action: create, model: note, description: Use this to add a note.}\n"
