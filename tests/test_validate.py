"""`mcpgen validate` as users run it: the real command in a subprocess, its output and its exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mcpgen.spec import load_spec
from tests.conftest import KANBAN

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "specs_bad"
SWITCHES = """\
mcpgen: 1
name: switches
description: Flip switches.
storage:
  backend: {backend}
models:
  switch:
    fields:
      id: {{type: id}}
tools: {{}}
"""


def mcpgen(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Runs `python -m mcpgen ARGS` with an environment free of the variables the specs use."""
    clean = {name: value for name, value in os.environ.items() if not name.startswith(("KANBAN_", "SWITCH"))}
    command = [sys.executable, "-m", "mcpgen", *args]
    environment = {**clean, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=30, check=False)


def test_a_valid_spec_exits_0_with_a_one_line_summary() -> None:
    result = mcpgen("validate", "specs/kanban.yaml")
    assert result.returncode == 0, result.stderr
    tools = len(load_spec(KANBAN, env={}).spec.tools)
    assert result.stdout == f"specs/kanban.yaml: valid (1 model, {tools} tools)\n"


def test_a_bad_spec_exits_1_listing_every_problem_then_a_count() -> None:
    result = mcpgen("validate", "many_mistakes.yaml", cwd=BAD)
    assert result.returncode == 1
    assert result.stdout.splitlines() == (BAD / "many_mistakes.txt").read_text().splitlines()
    assert result.stderr == "21 problems found.\n"


def test_json_output_of_a_bad_spec_lists_located_problems() -> None:
    result = mcpgen("validate", "unknown_model.yaml", "--json", cwd=BAD)
    assert result.returncode == 1
    assert json.loads(result.stdout) == {
        "valid": False,
        "problems": [
            {
                "file": "unknown_model.yaml",
                "line": 12,
                "column": 12,
                "path": "tools.list_tasks.model",
                "message": "unknown model 'taks'",
                "hint": "did you mean 'task'?",
            }
        ],
    }


def test_json_output_of_a_valid_spec() -> None:
    result = mcpgen("validate", "specs/kanban.yaml", "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"valid": True, "problems": []}


def test_a_missing_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    result = mcpgen("validate", "nowhere.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == "nowhere.yaml:1:1: (spec): cannot read the spec: No such file or directory\n"
    assert "Traceback" not in result.stderr


def test_a_directory_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    result = mcpgen("validate", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ".:1:1: (spec): cannot read the spec: Is a directory\n"


@pytest.mark.parametrize(
    "args",
    [("validate",), ("validate", "a.yaml", "b.yaml"), ("validate", "a.yaml", "--jsn"), ("valdate", "a.yaml"), ()],
    ids=["no spec", "two specs", "unknown option", "unknown command", "no command"],
)
def test_usage_errors_exit_2(args: tuple[str, ...]) -> None:
    result = mcpgen(*args)
    assert result.returncode == 2
    assert "usage: mcpgen" in result.stderr
    assert "Traceback" not in result.stderr


def write(tmp_path: Path, backend: str) -> str:
    (tmp_path / "switches.yaml").write_text(SWITCHES.format(backend=backend))
    return "switches.yaml"


def test_the_default_of_an_unset_variable_is_used(tmp_path: Path) -> None:
    result = mcpgen("validate", write(tmp_path, "${SWITCH_STORE:-memory}"), cwd=tmp_path)
    assert result.returncode == 0, result.stdout


def test_a_variable_set_in_the_environment_is_used(tmp_path: Path) -> None:
    spec = write(tmp_path, "${SWITCH_STORE}")
    assert mcpgen("validate", spec, cwd=tmp_path, env={"SWITCH_STORE": "memory"}).returncode == 0
    result = mcpgen("validate", spec, cwd=tmp_path, env={"SWITCH_STORE": "sqlite3"})
    assert result.stdout.splitlines() == [
        "switches.yaml:5:12: storage.backend: unknown backend 'sqlite3' (did you mean 'sqlite'?)"
    ]


def test_an_unset_variable_without_default_is_a_problem(tmp_path: Path) -> None:
    result = mcpgen("validate", write(tmp_path, "${SWITCH_STORE}"), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "switches.yaml:5:12: storage.backend: environment variable 'SWITCH_STORE' is not set"
        " (set it, or write ${SWITCH_STORE:-default})"
    ]
