"""generated/kanban on its own: a fresh virtual environment without mcpgen, its own `make test`, real HTTP."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx2
import pytest
from mcp import Client

from tests.conftest import ROOT, free_port

GOLDEN = ROOT / "generated" / "kanban"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of generated/kanban after its own `make test` (which makes its .venv and installs it)."""
    folder = tmp_path_factory.mktemp("standalone") / "kanban"
    shutil.copytree(GOLDEN, folder, ignore=shutil.ignore_patterns(".venv", "__pycache__", "*_cache"))
    env = {key: value for key, value in os.environ.items() if not key.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
    run = subprocess.run(
        ["make", "test"], cwd=folder, capture_output=True, text=True, timeout=600, env=env, check=False
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return folder


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_its_own_make_test_passes_without_mcpgen_installed(project: Path) -> None:
    python = project / ".venv" / "bin" / "python"
    probe = subprocess.run([python, "-c", "import mcpgen"], cwd=project, capture_output=True, text=True, check=False)
    assert "No module named 'mcpgen'" in probe.stderr


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.anyio
async def test_it_serves_its_tools_over_http(project: Path, tmp_path: Path) -> None:
    port = free_port()
    command = [project / ".venv" / "bin" / "python", "-m", "kanban_mcp", "--port", str(port)]
    command += ["--database", str(tmp_path / "kanban.db")]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                health = httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=1).json()
                break
            except httpx2.TransportError:
                assert time.monotonic() < deadline, "the generated server did not start"
                time.sleep(0.1)
        tools = json.loads((project / "kanban_mcp" / "tools.json").read_text())
        assert health == {"status": "ok", "name": "kanban", "version": "1.0.0", "tools": len(tools)}
        for mode in ("legacy", "auto"):  # the handshake era, then the 2026-07-28 revision
            async with Client(f"http://127.0.0.1:{port}/mcp", mode=mode) as client:  # type: ignore[arg-type]
                listed = await client.list_tools()
                created = await client.call_tool("create_task", {"title": f"Ship the generator ({mode})"})
            assert [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in listed.tools] == tools
            assert (created.structured_content or {})["title"] == f"Ship the generator ({mode})"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def make_serve(folder: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    """`make serve` in `folder`, on a free port given as make's PORT from the environment (not an argument)."""
    port = free_port()
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("VIRTUAL_ENV", "PYTHON"))}
    process = subprocess.Popen(
        ["make", "serve"],
        cwd=folder,
        env={**environment, "PORT": str(port), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # make, and the server it starts, stop together
    )
    deadline = time.monotonic() + 600  # the first run makes .venv and installs the project
    while True:
        try:
            httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=1).raise_for_status()
            return process, port
        except httpx2.TransportError:
            assert process.poll() is None, "make serve stopped"
            assert time.monotonic() < deadline, "make serve did not answer /healthz"
            time.sleep(0.5)


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.anyio
async def test_a_fresh_copy_in_an_empty_folder_serves_with_make_serve(tmp_path: Path) -> None:
    folder = tmp_path / "empty" / "kanban"
    shutil.copytree(GOLDEN, folder, ignore=shutil.ignore_patterns(".venv", "__pycache__", "*_cache", "data"))
    server, port = make_serve(folder, {})
    try:
        async with Client(f"http://127.0.0.1:{port}/mcp", mode="legacy") as client:
            created = await client.call_tool("create_task", {"title": "Served from a fresh copy"})
        assert not created.is_error
    finally:
        stop(server)
    assert (folder / "data" / "kanban.db").is_file()  # the spec's default, relative to where it starts
    server, port = make_serve(folder, {"KANBAN_DB": "elsewhere/board.db"})  # the spec's own variable
    stop(server)
    assert (folder / "elsewhere" / "board.db").is_file()
