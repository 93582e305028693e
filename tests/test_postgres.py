"""The Kanban board on PostgreSQL: real `mcpgen serve` processes, restarts, and two replicas sharing one database."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import anyio
import pytest
from mcp import Client
from ruff.__main__ import find_ruff_bin

from mcpgen.codegen import generate
from mcpgen.spec import load_spec
from tests.conftest import KANBAN, POSTGRES_URL, SCHEMA_PREFIX, Served, copy_kanban, free_port
from tests.scenarios import call, kanban_scenario
from tests.test_cli import mcpgen

pytestmark = [pytest.mark.anyio, pytest.mark.slow]
SQLITE = "storage:\n  backend: sqlite\n  path: ${KANBAN_DB:-data/kanban.db}\n"


def on_postgres(folder: Path, url: str = "${DATABASE_URL}") -> Path:
    """The Kanban spec (and its widgets) in `folder`, its storage section moved to PostgreSQL."""
    spec = copy_kanban(folder)
    text = spec.read_text()
    assert SQLITE in text
    schema = SCHEMA_PREFIX + uuid.uuid4().hex[:12]
    spec.write_text(text.replace(SQLITE, f"storage:\n  backend: postgres\n  url: {url}\n  schema: {schema}\n"))
    return spec


async def test_the_kanban_board_on_postgres_survives_a_restart(serve: type[Served], tmp_path: Path) -> None:
    spec = on_postgres(tmp_path)
    env = {"DATABASE_URL": POSTGRES_URL}
    server = serve(spec, env)
    async with Client(server.url, mode="legacy") as client:
        await kanban_scenario(client)
    server.stop()
    again = serve(spec, env)
    async with Client(again.url) as client:
        listed = await call(client, "list_tasks", order_by="created_at")
    assert [(t["title"], t["status"]) for t in listed["items"]] == [
        ("Write docs", "in_progress"),
        ("Fix flaky test", "todo"),
    ]


async def test_two_replicas_share_one_database(serve: type[Served], tmp_path: Path) -> None:
    spec = on_postgres(tmp_path)
    first, second = serve(spec, {"DATABASE_URL": POSTGRES_URL}), serve(spec, {"DATABASE_URL": POSTGRES_URL})
    async with Client(first.url, mode="legacy") as a, Client(second.url, mode="legacy") as b:
        ids: list[int] = []

        async def create(client: Client, name: str) -> None:
            for number in range(10):
                ids.append((await call(client, "create_task", title=f"{name} {number}"))["id"])

        async with anyio.create_task_group() as group:
            group.start_soon(create, a, "from a")
            group.start_soon(create, b, "from b")
        summary = await call(b, "board_summary")
        moved = await call(a, "move_task", id=ids[-1], status="done")
        seen = await call(b, "get_task", id=ids[-1])
    assert len(set(ids)) == 20
    assert summary["total"] == 20
    assert seen == moved


def test_an_unreachable_database_stops_start_up_without_showing_the_password(tmp_path: Path) -> None:
    url = f"postgresql://mcpgen:s3cret-pw@127.0.0.1:{free_port()}/nowhere"
    spec = on_postgres(tmp_path, url="${DATABASE_URL}")
    run = mcpgen("serve", str(spec), "--port", str(free_port()), env={"DATABASE_URL": url})
    assert run.returncode == 1
    assert "mcpgen: storage: PostgreSQL at postgresql://mcpgen@127.0.0.1:" in run.stderr
    assert "s3cret-pw" not in run.stdout + run.stderr


def test_postgres_without_a_url_is_a_spec_problem(tmp_path: Path) -> None:
    spec = tmp_path / "kanban.yaml"
    spec.write_text(KANBAN.read_text().replace(SQLITE, "storage:\n  backend: postgres\n"))
    run = mcpgen("validate", str(spec))
    assert run.returncode == 1
    assert "storage: postgres needs url: the database to connect to (e.g. url: ${DATABASE_URL}" in run.stdout


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The project `mcpgen generate` writes for the Kanban board on PostgreSQL."""
    folder = tmp_path / "project"
    generate(load_spec(on_postgres(tmp_path), env={"DATABASE_URL": POSTGRES_URL}), folder)
    return folder


def test_a_generated_project_on_postgres_passes_ruff_strict_mypy_and_its_own_tests(project: Path) -> None:
    assert POSTGRES_URL not in "".join(path.read_text() for path in project.rglob("*") if path.is_file())
    ruff = find_ruff_bin()
    for command in (
        [ruff, "check", "--no-cache", "."],
        [ruff, "format", "--check", "--no-cache", "."],
        [sys.executable, "-m", "mypy", "--no-incremental"],
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs"],
    ):
        env = {**os.environ, "DATABASE_URL": POSTGRES_URL}
        run = subprocess.run(command, cwd=project, capture_output=True, text=True, env=env, check=False)
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        assert "skipped" not in run.stdout


async def test_the_generated_server_keeps_the_board_on_postgres(serve: type[Served], project: Path) -> None:
    server = serve(project, {"DATABASE_URL": POSTGRES_URL}, project=project)
    async with Client(server.url, mode="legacy") as client:
        await kanban_scenario(client)
    server.stop()
    again = serve(project, {"DATABASE_URL": POSTGRES_URL}, project=project)
    async with Client(again.url) as client:
        listed = await call(client, "list_tasks", order_by="created_at")
    assert [t["title"] for t in listed["items"]] == ["Write docs", "Fix flaky test"]


def test_the_generated_server_asks_for_its_database(project: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    run = subprocess.run(
        [sys.executable, "-m", "kanban_mcp"], cwd=project, env=env, capture_output=True, text=True, check=False
    )
    assert run.returncode == 2
    assert "kanban_mcp: set DATABASE_URL (or pass --database) to the PostgreSQL database" in run.stderr
