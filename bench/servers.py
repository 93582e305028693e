"""The four servers under test, each its own uvicorn process on its own SQLite file, and their CPU clocks."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from mcp_client import Connection

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")
CEILING = "ceiling"


@dataclass
class Server:
    """How to start one server (it is given --port), and the process once started."""

    name: str
    command: list[str]
    cwd: Path = ROOT
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    def cpu_seconds(self) -> float:
        """User plus system CPU time of the server process so far (all its threads), from /proc."""
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK

    def tail(self) -> str:
        """The end of the server's log."""
        return self.log.read_text(errors="replace")[-3000:] if self.log else ""


def lineup(folder: Path) -> list[Server]:
    """The ceiling, the SDK default, mcpgen serve and the generated project, each on a fresh database."""
    python = sys.executable
    return [
        Server(CEILING, [python, "bench/ceiling.py", "--database", str(folder / "ceiling.db")]),
        Server("SDK default", [python, "bench/handwritten_kanban.py", "--database", str(folder / "sdk.db")]),
        Server(
            "mcpgen serve",
            [python, "-m", "mcpgen", "serve", "specs/kanban.yaml"],
            env={"KANBAN_DB": str(folder / "serve.db")},
        ),
        Server(
            "generated project",
            [python, "-m", "kanban_mcp", "--database", str(folder / "generated.db")],
            cwd=ROOT / "generated" / "kanban",
        ),
    ]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(servers: list[Server], folder: Path, cpu: int | None) -> Iterator[None]:
    """Starts every server (pinned to `cpu` when given), waits until each answers, and stops them all after."""
    try:
        for server in servers:
            server.port = free_port()
            server.log = folder / f"{server.name.replace(' ', '-')}.log"
            with server.log.open("wb") as log:
                server.process = subprocess.Popen(
                    [*server.command, "--port", str(server.port)],
                    cwd=server.cwd,
                    env={**os.environ, **server.env},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            if cpu is not None:  # threads it starts later (SQLite workers, say) inherit the mask
                os.sched_setaffinity(server.process.pid, {cpu})
        for server in servers:
            asyncio.run(ready(server))
        yield
    finally:
        for server in servers:
            if server.process is not None and server.process.poll() is None:
                server.process.terminate()
                try:
                    server.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.process.kill()
                    server.process.wait()


async def ready(server: Server, seconds: float = 60) -> None:
    """Returns once the server answers HTTP at /mcp; SystemExit with its log if it exits or takes too long."""
    deadline = time.monotonic() + seconds
    ping = b'{"jsonrpc":"2.0","id":0,"method":"ping"}'
    headers = b"Accept: application/json, text/event-stream\r\nContent-Type: application/json\r\n"
    while time.monotonic() < deadline:
        assert server.process is not None
        if server.process.poll() is not None:
            raise SystemExit(f"{server.name} exited with {server.process.returncode}:\n{server.tail()}")
        connection = Connection(server.port)
        try:
            await connection.send("POST", headers, ping)  # any HTTP answer means it is up
            return
        except (OSError, asyncio.IncompleteReadError, ValueError):
            await asyncio.sleep(0.1)
        finally:
            await connection.close()
    raise SystemExit(f"{server.name} did not answer within {seconds:.0f} s:\n{server.tail()}")
