"""Shared fixtures: the Kanban spec on a temporary database, MCP clients, and real server processes."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client

from mcpgen.dev.live import LiveServer
from mcpgen.runtime.server import Server
from mcpgen.spec import LoadedSpec, load_spec
from mcpgen.spec.model import StorageSpec

# anyio imports its parts on first use, and pytest rewrites them as it does (anyio is a pytest plugin). CPython
# 3.11.7 can fail such a parse deep in a test's stack ("AST constructor recursion depth mismatch", python/cpython
# gh-106905; it failed CI once, importing open_process), so every part is imported here, before any test runs.
for _name in dir(anyio):
    getattr(anyio, _name)

ROOT = Path(__file__).resolve().parent.parent
KANBAN = ROOT / "specs" / "kanban.yaml"
# A raw handshake-era initialize request and the headers Streamable HTTP asks for, for checks below the client.
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
MODES = ["legacy", "auto"]  # the initialize handshake (ChatGPT today) and the 2026-07-28 stateless era
# The machine's PostgreSQL (trust auth); every test that uses it works in a schema of its own.
POSTGRES_URL = os.environ.get("MCPGEN_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
SCHEMA_PREFIX = f"mcpgen_test_{os.getpid()}_"  # this run's schemas, dropped when it ends


def storage_for(backend: str, path: str = "data/test.db") -> StorageSpec:
    """A storage section for `backend`: a file for SQLite, a fresh schema (dropped after the run) for PostgreSQL."""
    if backend != "postgres":
        return StorageSpec(backend=backend, path=path)
    schema = SCHEMA_PREFIX + uuid.uuid4().hex[:12]
    return StorageSpec.model_validate({"backend": "postgres", "url": POSTGRES_URL, "schema": schema})


@pytest.fixture(scope="session", autouse=True)
def _drop_test_schemas() -> Iterator[None]:
    yield
    import psycopg  # noqa: PLC0415

    try:
        with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3) as db:
            found = db.execute("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s)", [SCHEMA_PREFIX])
            for (schema,) in found.fetchall():
                db.execute(f'DROP SCHEMA "{schema}" CASCADE')
    except psycopg.OperationalError:
        pass  # no PostgreSQL here: no test made a schema on it


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def kanban(tmp_path: Path) -> LoadedSpec:
    return load_spec(KANBAN, env={"KANBAN_DB": str(tmp_path / "kanban.db")})


@pytest.fixture
def server(kanban: LoadedSpec) -> LiveServer:
    return LiveServer(kanban)


def definitions(server: Server) -> list[dict[str, Any]]:
    """The tool list the server advertises, as it goes over the wire."""
    return [dict(tool.definition) for tool in server.connector.tools.values()]


@asynccontextmanager
async def connect(target: object, mode: str = "legacy") -> AsyncIterator[Client]:
    async with Client(target, mode=mode) as client:  # type: ignore[arg-type]
        yield client


def copy_kanban(folder: Path) -> Path:
    """The Kanban spec and the widget files it names, copied into `folder` to be edited."""
    shutil.copytree(KANBAN.parent / "widgets", folder / "widgets", dirs_exist_ok=True)
    spec = folder / "kanban.yaml"
    spec.write_text(KANBAN.read_text())
    return spec


def without_tool(spec_text: str, name: str) -> str:
    """The spec's YAML text with one tool's block (under `tools:`, two-space indent) cut out."""
    start = spec_text.index(f"\n  {name}:")
    following = [m.start() for m in re.finditer(r"\n(  [#A-Za-z0-9_.-]|\S)", spec_text) if m.start() > start]
    return spec_text[:start] + (spec_text[following[0] :] if following else "\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """A real `mcpgen serve` (or `verb`) process on a free port; or, given a generated project's folder, its server."""

    def __init__(
        self, spec: Path, env: dict[str, str], *extra: str, project: Path | None = None, verb: str = "serve"
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/mcp"
        if project is None:
            command = [sys.executable, "-m", "mcpgen", verb, str(spec), "--port", str(self.port), *extra]
        else:
            [package] = [folder.name for folder in project.glob("*_mcp")]
            command = [sys.executable, "-m", package, "--port", str(self.port), *extra]
        self.log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(
            command, env={**os.environ, **env}, cwd=project, stdout=self.log, stderr=subprocess.STDOUT
        )
        self._wait()

    def output(self) -> str:
        return Path(self.log.name).read_text()

    def _wait(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.close()
                raise RuntimeError("server exited:\n" + self.output())
            try:
                if httpx2.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).status_code == 200:
                    return
            except httpx2.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not start within 20 s")

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.output()


@pytest.fixture
def serve() -> Iterator[type[Served]]:
    """Starts servers on demand; every one is stopped when the test ends."""
    started: list[Served] = []

    class Tracked(Served):
        def __init__(
            self, spec: Path, env: dict[str, str], *extra: str, project: Path | None = None, verb: str = "serve"
        ) -> None:
            super().__init__(spec, env, *extra, project=project, verb=verb)
            started.append(self)

    yield Tracked
    for server in started:
        server.stop()
