"""The spec format's JSON Schema: committed for editors, in step with the models, and fully documented."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings

from mcpgen.actions import ACTIONS
from mcpgen.spec.loader import load_document
from mcpgen.spec.schema import spec_json_schema
from tests.strategies import specs

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "specs" / "mcpgen.schema.json"
KANBAN = ROOT / "specs" / "kanban.yaml"
GOOD = sorted((ROOT / "tests" / "specs_good").glob("*.yaml"))
VALIDATOR = jsonschema.Draft202012Validator(spec_json_schema())


def data_of(path: Path) -> Any:
    return load_document(path.read_text(), str(path), {}).data


def errors(spec: Any) -> list[str]:
    return [error.message for error in VALIDATOR.iter_errors(spec)]


def test_the_committed_schema_is_what_mcpgen_schema_prints() -> None:
    command = [sys.executable, "-m", "mcpgen", "schema"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    printed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=30)
    assert COMMITTED.read_text() == printed.stdout, (
        "specs/mcpgen.schema.json is stale: python -m mcpgen schema > specs/mcpgen.schema.json"
    )


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(json.loads(COMMITTED.read_text()))


def test_kanban_names_the_committed_schema_in_its_modeline() -> None:
    first = KANBAN.read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=mcpgen.schema.json"
    assert (KANBAN.parent / first.split("=", 1)[1]).is_file()


@pytest.mark.parametrize("path", [KANBAN, *GOOD], ids=lambda path: path.stem)
def test_example_specs_satisfy_the_schema(path: Path) -> None:
    assert errors(data_of(path)) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_generated_specs_satisfy_the_schema(spec: dict[str, Any]) -> None:
    assert errors(spec) == []


@pytest.mark.parametrize(
    ("where", "key"),
    [((), "tols"), (("models", "task", "fields", "title"), "requird"), (("tools", "list_tasks"), "filtrs")],
)
def test_an_unknown_key_fails_the_schema(where: tuple[str, ...], key: str) -> None:
    spec = data_of(KANBAN)
    target = spec
    for part in where:
        target = target[part]
    target[key] = True
    assert errors(spec) == [f"Additional properties are not allowed ('{key}' was unexpected)"]


def undocumented(schema: dict[str, Any]) -> list[str]:
    """Every object of the schema without a description, and every key without one."""
    missing = []
    objects = {"Spec": schema, **schema["$defs"]}
    for name, definition in objects.items():
        if not definition.get("description"):
            missing.append(name)
        missing += [f"{name}.{key}" for key, prop in definition["properties"].items() if not prop.get("description")]
    return missing


def test_every_key_of_the_spec_format_is_documented() -> None:
    assert undocumented(spec_json_schema()) == []


def test_each_kind_specific_key_is_described_for_exactly_the_kinds_that_use_it() -> None:
    tool = spec_json_schema()["$defs"]["ToolSpec"]["properties"]
    for key in frozenset().union(*(kind.keys for kind in ACTIONS.values())):
        users = [name for name, kind in ACTIONS.items() if key in kind.keys]
        named = re.findall(r"(?:^|; )([a-z_]+(?:, [a-z_]+)*): ", tool[key]["description"])
        assert sorted(kind for part in named for kind in part.split(", ")) == sorted(users), key
    assert [name for name in ACTIONS if f"{name}: " in tool["action"]["description"]] == list(ACTIONS)
