"""`mcpgen generate`: the golden Kanban project, deterministic and safe output, refusals, templates in the wheel."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from mcp import Client
from ruff.__main__ import find_ruff_bin

from mcpgen.actions import ACTIONS
from mcpgen.codegen import GenerateError, generate, render, templates_dir
from mcpgen.codegen.files import KEPT
from mcpgen.dev.live import LiveServer
from mcpgen.spec import load_spec, parse_spec
from tests.conftest import KANBAN, ROOT
from tests.generated import generated_server, import_generated
from tests.test_cli import mcpgen
from tests.test_parity import listed

GOLDEN = ROOT / "generated" / "kanban"
REWRITE = "MCPGEN_REWRITE_GOLDEN"  # set to 1 to rewrite generated/kanban on purpose, then review the diff
AWKWARD = ROOT / "tests" / "specs_good" / "awkward_strings.yaml"  # quotes, backslashes, braces, keywords


def files(folder: Path) -> dict[Path, bytes]:
    """The project's files, leaving out what running it makes (.venv, data/, __pycache__, tool caches)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not set(relative.parts) & set(KEPT):
            found[relative] = path.read_bytes()
    return found


def test_generated_kanban_is_what_generate_writes_byte_for_byte(tmp_path: Path) -> None:
    loaded = load_spec(KANBAN, env={})
    if os.environ.get(REWRITE):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        generate(loaded, GOLDEN)
    generate(loaded, tmp_path / "kanban")
    assert files(tmp_path / "kanban") == files(GOLDEN), (
        f"generated/kanban is stale: rerun with {REWRITE}=1 and review the diff"
    )


def test_output_is_deterministic() -> None:
    loaded = load_spec(KANBAN, env={})
    assert render(loaded) == render(loaded)


def test_every_action_kind_documents_exactly_its_keys_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for name, kind in ACTIONS.items():
        assert set(kind.docs) == kind.keys, name
        assert kind.summary
        assert f"\n| `{name}` |" in readme, f"README.md's action table lacks {name}"


def test_awkward_strings_are_emitted_safely_and_advertised_unchanged(tmp_path: Path) -> None:
    loaded = load_spec(AWKWARD, env={})
    connector = import_generated(loaded, tmp_path / "odd").CONNECTOR
    spec = loaded.spec
    assert (spec.description, spec.instructions, spec.title) == (
        connector.description,
        connector.instructions,
        connector.title,
    )
    ruff = find_ruff_bin()
    for command in ([ruff, "check", "--no-cache", "."], [ruff, "format", "--check", "--no-cache", "."]):
        run = subprocess.run(command, cwd=tmp_path / "odd", capture_output=True, text=True, check=False)
        assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize(
    "spec",
    [
        *(f"tests/specs_good/{name}.yaml" for name in ("oauth_notes", "bearer_items", "every_action")),
        "specs/support.yaml",
    ],
)
def test_projects_of_other_shapes_pass_ruff_strict_mypy_and_their_own_tests(tmp_path: Path, spec: str) -> None:
    generate(load_spec(ROOT / spec, env={}), tmp_path)
    ruff = find_ruff_bin()
    for command in (
        [ruff, "check", "--no-cache", "."],
        [ruff, "format", "--check", "--no-cache", "."],
        [sys.executable, "-m", "mypy", "--no-incremental"],  # the project's own strict configuration
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
    ):
        run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
        assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.anyio
async def test_awkward_strings_reach_clients_exactly_as_from_mcpgen_serve(tmp_path: Path) -> None:
    loaded = load_spec(AWKWARD, env={})
    generated = generated_server(import_generated(loaded, tmp_path / "odd"), str(tmp_path / "g.db"))
    async with Client(LiveServer(loaded).mcp) as ours, Client(generated.mcp) as theirs:
        assert listed(await ours.list_tools()) == listed(await theirs.list_tools())
        made = await theirs.call_tool("import", {"from": "x"})
        assert made.content[0].text == "Made x ({{ literal braces }})"  # type: ignore[union-attr]
        assert theirs.instructions == loaded.spec.instructions


def test_generate_refuses_a_folder_with_files_it_did_not_write(tmp_path: Path) -> None:
    loaded = load_spec(KANBAN, env={})
    out = tmp_path / "project"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(GenerateError, match=r"holds files mcpgen did not write \(notes.txt\); pass --force"):
        generate(loaded, out)
    generate(loaded, out, force=True)
    assert (out / "notes.txt").read_text() == "mine"  # --force writes beside it, deleting nothing of the user's


def test_generate_again_updates_its_own_files_and_removes_those_no_longer_written(tmp_path: Path) -> None:
    out = tmp_path / "project"
    with_templates = load_spec(KANBAN, env={})
    generate(with_templates, out)
    assert (out / "kanban_mcp" / "resources.json").exists()
    (out / ".venv").mkdir()
    (out / ".venv" / "marker").write_text("made by running it")
    plain = parse_spec(
        "mcpgen: 1\nname: kanban\ndescription: Plain.\nmodels: {task: {fields: {id: {type: id}}}}\ntools: {}\n",
        str(tmp_path / "kanban.yaml"),
        env={},
    )
    generate(plain, out)  # no --force needed: everything there is its own, or made by running it
    assert not (out / "kanban_mcp" / "resources.json").exists()


def test_generate_cli_writes_the_project_and_exits_1_on_refusal(tmp_path: Path) -> None:
    out = tmp_path / "kanban"
    run = mcpgen("generate", str(KANBAN), "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert f"{out}: wrote" in run.stdout
    (out / "mine.py").write_text("")
    refused = mcpgen("generate", str(KANBAN), "-o", str(out))
    assert refused.returncode == 1
    assert "did not write (mine.py)" in refused.stderr


@pytest.mark.slow
def test_the_wheel_carries_the_templates(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    [wheel] = tmp_path.glob("mcpgen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"mcpgen/templates/{path.relative_to(templates_dir())}" for path in templates_dir().rglob("*.jinja")}
    assert expected <= names
