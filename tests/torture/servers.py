"""The servers the torture parts run against: `mcpgen serve` or the generated project, on SQLite or PostgreSQL.

Each runs as a real process on a free loopback port, from a copy of the spec in a folder of its own, logging to
a file the parts read tracebacks from. Its rows are read straight from its database, the ground truth.
"""

from __future__ import annotations

import itertools
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
TRACEBACK = "Traceback (most recent call last)"


@dataclass(frozen=True)
class Target:
    """What to start: `serve` (mcpgen serve specs/kanban.yaml) or `generated` (generated/kanban); its storage."""

    kind: str  # serve | generated
    storage: str  # sqlite | postgres

    @property
    def name(self) -> str:
        """serve/sqlite, generated/sqlite, serve/postgres."""
        return f"{self.kind}/{self.storage}"


SERVE_SQLITE = Target("serve", "sqlite")
SERVE_POSTGRES = Target("serve", "postgres")
GENERATED_SQLITE = Target("generated", "sqlite")


def free_port() -> int:
    """A TCP port nothing listens on now (loopback)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ServerProcess:
    """One server of `target` in `folder`: started, stopped, killed and restarted on the same data."""

    def __init__(
        self, target: Target, folder: Path, postgres_url: str = DEFAULT_POSTGRES, tunnel: str | None = None
    ) -> None:
        self.target, self.folder, self.postgres_url = target, folder, postgres_url
        self.tunnel = tunnel  # a tunnel's host (--allowed-host): served as if ChatGPT reached it through one
        folder.mkdir(parents=True, exist_ok=True)
        self.database = folder / "kanban.db"
        self.log = folder / "server.log"
        self.schema = f"torture_{os.getpid()}_{folder.name}".lower().replace("-", "_")
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.starts = 0
        self._spec = self._copy_spec()

    @property
    def url(self) -> str:
        """Its MCP endpoint."""
        return f"http://127.0.0.1:{self.port}/mcp"

    def _copy_spec(self) -> Path:
        """The Kanban spec and its widgets beside it; for PostgreSQL, its storage switched as .ci/run switches it."""
        text = (ROOT / "specs" / "kanban.yaml").read_text(encoding="utf-8")
        if self.target.storage == "postgres":
            storage = f"  backend: postgres\n  url: ${{DATABASE_URL}}\n  schema: {self.schema}\n"
            text = re.sub(r"^  backend: sqlite\n  path: .*\n", storage, text, flags=re.MULTILINE)
        spec = self.folder / "kanban.yaml"
        spec.write_text(text, encoding="utf-8")
        widgets = self.folder / "widgets"
        widgets.mkdir(exist_ok=True)
        for page in (ROOT / "specs" / "widgets").iterdir():
            (widgets / page.name).write_bytes(page.read_bytes())
        return spec

    def command(self) -> list[str]:
        """The command line that serves it on self.port."""
        options = ["--port", str(self.port), *(["--allowed-host", self.tunnel] if self.tunnel else [])]
        if self.target.kind == "generated":
            return [PYTHON, "-m", "kanban_mcp", *options, "--database", str(self.database)]
        return [PYTHON, "-m", "mcpgen", "serve", str(self._spec), *options]

    def environment(self) -> dict[str, str]:
        """Its environment: the database, and the generated project's package on the path."""
        env = {key: value for key, value in os.environ.items() if not key.startswith(("MCPGEN_", "OTEL_"))}
        env["KANBAN_DB"] = str(self.database)
        env["DATABASE_URL"] = self.postgres_url
        env["PYTHONPATH"] = str(ROOT / "generated" / "kanban") if self.target.kind == "generated" else str(ROOT)
        return env

    def start(self, timeout: float = 60.0) -> bool:
        """Starts it on a fresh port and waits for /healthz; False when it did not come up in time."""
        self.port = free_port()
        self.starts += 1
        with self.log.open("ab") as log:
            log.write(f"--- start {self.starts} on port {self.port}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                self.command(), cwd=self.folder, env=self.environment(), stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return True
            except OSError:
                time.sleep(0.1)
        return False

    def alive(self) -> bool:
        """Whether its process is still running."""
        return self.process is not None and self.process.poll() is None

    def pid(self) -> int:
        """Its process id (0 when not started)."""
        return self.process.pid if self.process is not None else 0

    def stop(self) -> int | None:
        """Asks it to stop (SIGTERM), waits, kills it if it will not; its exit code (None if it had to be killed)."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self) -> None:
        """SIGKILL, and reaps it."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        if self.process is not None:
            self.process.wait()

    def tracebacks(self) -> list[str]:
        """The tracebacks it logged, one per chain of exceptions: the last exception's line of each."""
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        chunks = text.split(TRACEBACK)
        found: list[str] = []
        for before, chunk in itertools.pairwise(chunks):
            lines = chunk.splitlines()
            last = next((line for line in lines[1:] if line and not line.startswith((" ", "\t"))), "").strip()
            if found and "above exception" in before[-120:]:  # the same chain, told further
                found[-1] = last
            else:
                found.append(last)
        return found

    def open_files(self) -> int:
        """How many file descriptors its process holds (sockets included); -1 when it cannot be seen."""
        try:
            return len(os.listdir(f"/proc/{self.pid()}/fd"))
        except OSError:
            return -1

    def rows(self, prefix: str) -> list[tuple[int, str, str | None]]:
        """(id, title, notes) of every task whose title starts with `prefix`, straight from the database."""
        query = "SELECT id, title, notes FROM task WHERE title LIKE %s ORDER BY id"
        if self.target.storage == "postgres":
            import psycopg  # noqa: PLC0415 -- only PostgreSQL targets need it

            with psycopg.connect(self.postgres_url, autocommit=True) as db:
                db.execute(f'SET search_path TO "{self.schema}"')
                return [(int(r[0]), str(r[1]), r[2]) for r in db.execute(query, (prefix + "%",)).fetchall()]
        with sqlite3.connect(self.database) as db:
            found = db.execute(query.replace("%s", "?"), (prefix + "%",)).fetchall()
        return [(int(r[0]), str(r[1]), r[2]) for r in found]

    def integrity(self) -> list[str]:
        """What SQLite's integrity checks (the file's, and the search index's) say is wrong; empty when sound."""
        if self.target.storage != "sqlite":
            return []
        try:
            with sqlite3.connect(self.database) as db:
                said = [str(row[0]) for row in db.execute("PRAGMA integrity_check").fetchall()]
                problems = [line for line in said if line != "ok"]
                tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                if "task__search" in tables:
                    try:
                        db.execute("INSERT INTO task__search(task__search) VALUES ('integrity-check')")
                    except sqlite3.DatabaseError as exc:
                        problems.append(f"search index: {exc}")
                return problems
        except sqlite3.DatabaseError as exc:
            return [f"cannot open: {exc}"]

    def drop(self) -> None:
        """Removes what it left outside its folder: its PostgreSQL schema."""
        if self.target.storage != "postgres":
            return
        import psycopg  # noqa: PLC0415

        with psycopg.connect(self.postgres_url, autocommit=True) as db:
            db.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')


def postgres_reachable(url: str) -> str | None:
    """None when PostgreSQL answers at `url`, else why not."""
    try:
        import psycopg  # noqa: PLC0415

        with psycopg.connect(url, autocommit=True, connect_timeout=5) as db:
            db.execute("SELECT 1")
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None
