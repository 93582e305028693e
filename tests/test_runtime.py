"""The runtime exists once: it imports nothing else of mcpgen, and generated projects hold it byte for byte."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from mcpgen.codegen import render
from mcpgen.spec import load_spec
from tests.conftest import KANBAN, ROOT
from tests.test_postgres import on_postgres

RUNTIME = ROOT / "mcpgen" / "runtime"
GOLDEN = ROOT / "generated" / "kanban" / "kanban_mcp" / "runtime"
POSTGRES = {Path("storage", "postgres.py"), Path("storage", "postgres_schema.py")}  # only in projects on PostgreSQL


def runtime_files() -> dict[Path, bytes]:
    return {path.relative_to(RUNTIME): path.read_bytes() for path in sorted(RUNTIME.rglob("*.py"))}


@pytest.mark.parametrize("path", sorted(RUNTIME.rglob("*.py")), ids=lambda path: str(path.relative_to(RUNTIME)))
def test_the_runtime_imports_nothing_else_of_mcpgen(path: Path) -> None:
    depth = len(path.relative_to(RUNTIME).parts)  # how many levels of relative import stay inside the runtime
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            assert not any(alias.name.split(".")[0] == "mcpgen" for alias in node.names), ast.unparse(node)
        elif isinstance(node, ast.ImportFrom):
            assert node.level or (node.module or "").split(".")[0] != "mcpgen", ast.unparse(node)
            assert node.level <= depth, f"{ast.unparse(node)} leaves the runtime"


def test_the_generated_kanban_project_holds_the_runtime_byte_for_byte() -> None:
    copied = {path.relative_to(GOLDEN): path.read_bytes() for path in sorted(GOLDEN.rglob("*.py"))}
    expected = {path: text for path, text in runtime_files().items() if path not in POSTGRES}
    assert copied == expected


def test_a_project_on_postgres_holds_the_postgres_store_too(tmp_path: Path) -> None:
    files = render(load_spec(on_postgres(tmp_path), env={"DATABASE_URL": "postgresql://x"}))
    copied = {
        path.relative_to("kanban_mcp/runtime"): text.encode()
        for path, text in files.items()
        if path.parts[:2] == ("kanban_mcp", "runtime")
    }
    assert copied == runtime_files()


def test_the_kanban_project_holds_the_runtime_as_this_checkout_has_it() -> None:
    files = render(load_spec(KANBAN, env={}))
    assert {path for path in files if path.parts[:2] == ("kanban_mcp", "runtime")} == {
        Path("kanban_mcp", "runtime", path) for path in runtime_files() if path not in POSTGRES
    }
