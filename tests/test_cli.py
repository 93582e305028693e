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


NOTES = """mcpgen: 1
name: notes
description: Keep short notes about things to remember, each with an optional remark.
storage: {backend: sqlite, path: notes.db}
models:
  note:
    fields:
      id: {type: id}
      title: {type: string, required: true, description: What the note is about.}
      remark: {type: text, required: true, min_length: 0, description: Anything else; may be empty.}
      tag: {type: string, description: A word to group notes by.}
tools:
  create_note: {action: create, model: note, description: Use this to write down a new note.}
  update_note: {action: update, model: note, description: Use this to change a note.}
"""


def test_a_required_text_must_not_be_empty_unless_min_length_0_allows_it(tmp_path: Path) -> None:
    (tmp_path / "notes.yaml").write_text(NOTES)
    spec = str(tmp_path / "notes.yaml")
    empty = mcpgen("call", spec, "create_note", '{"title": "", "remark": ""}')
    assert empty.returncode == 1
    assert (
        json.loads(empty.stdout)["content"][0]["text"]
        == "Invalid arguments for create_note:\n- title: must not be empty"
    )
    created = mcpgen("call", spec, "create_note", '{"title": "Milk", "remark": "", "tag": ""}')
    assert json.loads(created.stdout)["structuredContent"] == {"id": 1, "title": "Milk", "remark": "", "tag": ""}
    cleared = mcpgen("call", spec, "update_note", '{"id": 1, "title": ""}')
    assert "title: must not be empty" in cleared.stdout


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


def test_init_writes_a_starter_that_validates_lints_clean_and_serves(tmp_path: Path) -> None:
    for name in ("todo", "field-notes"):
        spec = tmp_path / name / f"{name}.yaml"
        made = mcpgen("init", name, "-o", str(spec))
        assert made.returncode == 0, made.stderr
        assert f"mcpgen validate {spec}" in made.stdout
        assert f"mcpgen lint {spec}" in made.stdout
        assert f"mcpgen dev {spec}" in made.stdout
        assert spec.read_text().startswith("# yaml-language-server: $schema=mcpgen.schema.json\n")
        assert json.loads((spec.parent / "mcpgen.schema.json").read_text())["title"]
        assert mcpgen("validate", str(spec)).stdout == f"{spec}: valid (1 model, 6 tools)\n"
        linted = mcpgen("lint", str(spec))
        assert (linted.returncode, linted.stdout) == (0, f"{spec}: clean (6 tools, 14 rules)\n")
        created = mcpgen("call", str(spec), "create_item", '{"title": "Renew the passport"}')
        assert json.loads(created.stdout)["content"][0]["text"] == 'Created item 1 "Renew the passport".'
        assert (spec.parent / "data" / f"{name}.db").exists()

    again = mcpgen("init", "todo", "-o", str(tmp_path / "todo" / "todo.yaml"))
    assert again.returncode == 2
    assert "already exists" in again.stderr
    assert "--force" in again.stderr
    assert "cannot name a connector" in mcpgen("init", "My Notes", "-o", str(tmp_path / "x.yaml")).stderr


def test_call_changes_an_existing_database_only_with_yes(tmp_path: Path) -> None:
    spec = tmp_path / "notes.yaml"
    spec.write_text(NOTES)
    created = mcpgen("call", str(spec), "create_note", '{"title": "Milk", "remark": ""}')
    assert created.returncode == 0, created.stderr
    assert "storage: created table note" in created.stderr  # a new database needs no --yes
    shelf = "      shelf: {type: string, description: Where it is kept.}\n"
    spec.write_text(NOTES.replace("      tag:", shelf + "      tag:"))
    refused = mcpgen("call", str(spec), "update_note", '{"id": 1, "title": "Oat milk"}')
    assert refused.returncode == 1
    assert "added column note.shelf" in refused.stderr
    assert "--yes" in refused.stderr
    assert refused.stdout == ""
    widened = mcpgen("call", str(spec), "create_note", '{"title": "Eggs", "remark": "", "shelf": "top"}', "--yes")
    assert widened.returncode == 0, widened.stderr
    assert "storage: added column note.shelf" in widened.stderr
    assert "call create_note: ok in " in widened.stderr
    assert json.loads(widened.stdout)["structuredContent"]["shelf"] == "top"


def test_a_reader_that_leaves_early_gets_no_error_message() -> None:
    """`mcpgen tools SPEC | head -1`: the pipe closes before the list is written; that is no failure to report."""
    piped = subprocess.run(
        f"{sys.executable} -m mcpgen tools {KANBAN} | head -c 10",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert piped.stdout.startswith("list_tasks")
    assert piped.stderr == ""
