"""mcpgen's speed, side by side: `mcpgen serve`, the generated project and a hand-written SDK server, in one run.

Each server runs as its own uvicorn process on its own SQLite file. Concurrent clients, each with its own
MCP session over real HTTP, repeat the same Kanban workload against each server in turn (rounds interleave
the servers, so the machine's drift hits all alike). Reported per server: calls per second, latency
percentiles, and the server process's CPU time per call (read from /proc: independent of the client's cost);
then the ratios to the hand-written server. Run: `make bench` (or `python bench/run.py --help`).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import httpx2

ROOT = Path(__file__).resolve().parent.parent
PROTOCOL = "2025-11-25"  # the handshake era ChatGPT speaks
HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
TICK = os.sysconf("SC_CLK_TCK")
BASELINE = "hand-written (SDK MCPServer)"


@dataclass
class Server:
    name: str
    command: list[str]
    cwd: Path = ROOT
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/mcp"

    def cpu_seconds(self) -> float:
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


@dataclass
class Round:
    calls: int
    seconds: float
    cpu: float
    latencies: dict[str, list[float]]


def servers(folder: Path) -> list[Server]:
    python = sys.executable
    return [
        Server(BASELINE, [python, "bench/handwritten_kanban.py", "--database", str(folder / "hand.db")]),
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
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(all_servers: list[Server], folder: Path) -> Iterator[None]:
    try:
        for server in all_servers:
            server.port = free_port()
            log = (folder / f"{server.port}.log").open("wb")
            server.process = subprocess.Popen(
                [*server.command, "--port", str(server.port)],
                cwd=server.cwd,
                env={**os.environ, **server.env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        for server in all_servers:
            wait_ready(server, folder)
        yield
    finally:
        for server in all_servers:
            if server.process is not None:
                server.process.terminate()
                server.process.wait(timeout=10)


def wait_ready(server: Server, folder: Path) -> None:
    deadline = time.monotonic() + 30
    body = {"jsonrpc": "2.0", "id": 0, "method": "ping"}
    while time.monotonic() < deadline:
        assert server.process is not None
        if server.process.poll() is not None:
            raise SystemExit(f"{server.name} exited:\n{(folder / f'{server.port}.log').read_text()}")
        try:
            httpx2.post(server.url, json=body, headers=HEADERS, timeout=1)  # any HTTP answer means it is up
            return
        except httpx2.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"{server.name} did not start within 30 s")


class Session:
    """One MCP client session over raw HTTP: the cost on the client side is the same for every server."""

    def __init__(self, http: httpx2.AsyncClient, url: str) -> None:
        self.http, self.url, self.headers, self.next_id = http, url, dict(HEADERS), 0

    async def start(self) -> None:
        params = {"protocolVersion": PROTOCOL, "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}
        answer = await self.http.post(self.url, json=self._request("initialize", params), headers=self.headers)
        answer.raise_for_status()
        self.headers["Mcp-Session-Id"] = answer.headers["mcp-session-id"]
        self.headers["Mcp-Protocol-Version"] = PROTOCOL
        note = {"jsonrpc": "2.0", "method": "notifications/initialized"}
        (await self.http.post(self.url, json=note, headers=self.headers)).raise_for_status()

    async def call(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        request = self._request("tools/call", {"name": tool, "arguments": arguments})
        answer = await self.http.post(self.url, json=request, headers=self.headers)
        answer.raise_for_status()
        result = _message(answer)["result"]
        if result.get("isError"):
            raise RuntimeError(f"{tool} failed: {result['content'][0]['text']}")
        return dict(result["structuredContent"])

    async def close(self) -> None:
        await self.http.delete(self.url, headers=self.headers)

    def _request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        self.next_id += 1
        return {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}


def _message(answer: httpx2.Response) -> dict[str, Any]:
    if answer.headers.get("content-type", "").startswith("application/json"):
        return dict(answer.json())
    for line in answer.text.splitlines():  # an SSE stream: the response is the data line that carries a result
        if line.startswith("data:") and line[5:].strip():
            message = json.loads(line[5:])
            if "result" in message or "error" in message:
                return dict(message)
    raise RuntimeError(f"no JSON-RPC response in {answer.text[:200]!r}")


async def workload(session: Session, iterations: int, worker: int, latencies: dict[str, list[float]]) -> int:
    """Per iteration, what a chat about the board does: create, read, move, list a column, summarise."""
    calls = 0

    async def timed(tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        nonlocal calls
        started = time.perf_counter()
        result = await session.call(tool, arguments)
        latencies.setdefault(tool, []).append(time.perf_counter() - started)
        calls += 1
        return result

    for number in range(iterations):
        task = await timed(
            "create_task", {"title": f"Task {worker}-{number}", "assignee": f"person{worker}", "priority": "high"}
        )
        await timed("get_task", {"id": task["id"]})
        await timed("move_task", {"id": task["id"], "status": ("in_progress", "done")[number % 2]})
        await timed("list_tasks", {"status": "in_progress", "limit": 20})
        await timed("board_summary", {})
    return calls


async def one_round(server: Server, clients: int, iterations: int) -> Round:
    latencies: dict[str, list[float]] = {}
    limits = httpx2.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx2.AsyncClient(limits=limits, timeout=30) as http:
        sessions = [Session(http, server.url) for _ in range(clients)]
        for session in sessions:
            await session.start()
        counts: list[int] = []
        cpu_before, started = server.cpu_seconds(), time.perf_counter()

        async def run(worker: int) -> None:
            counts.append(await workload(sessions[worker], iterations, worker, latencies))

        async with anyio.create_task_group() as group:
            for worker in range(clients):
                group.start_soon(run, worker)
        seconds, cpu = time.perf_counter() - started, server.cpu_seconds() - cpu_before
        for session in sessions:
            await session.close()
    return Round(sum(counts), seconds, cpu, latencies)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(results: dict[str, list[Round]], clients: int, iterations: int, rounds: int) -> str:
    rows = {}
    for name, runs in results.items():
        every = [value for run in runs for values in run.latencies.values() for value in values]
        rows[name] = {
            "calls/s": statistics.median(run.calls / run.seconds for run in runs),
            "p50 ms": percentile(every, 0.50) * 1000,
            "p99 ms": percentile(every, 0.99) * 1000,
            "CPU ms/call": statistics.median(run.cpu / run.calls for run in runs) * 1000,
        }
    base = rows[BASELINE]
    lines = [
        f"{clients} concurrent sessions x {iterations} iterations x 5 tools, {rounds} rounds per server "
        f"(medians of rounds; percentiles over all calls). Ratios: server / hand-written "
        "(throughput: higher is better; latency and CPU: lower is better).",
        "",
        "| server | calls/s | p50 ms | p99 ms | server CPU ms/call | throughput ratio | p50 ratio | CPU ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in rows.items():
        lines.append(
            f"| {name} | {row['calls/s']:.0f} | {row['p50 ms']:.2f} | {row['p99 ms']:.2f} | {row['CPU ms/call']:.2f} "
            f"| {row['calls/s'] / base['calls/s']:.2f} | {row['p50 ms'] / base['p50 ms']:.2f} "
            f"| {row['CPU ms/call'] / base['CPU ms/call']:.2f} |"
        )
    tools = sorted({tool for runs in results.values() for run in runs for tool in run.latencies})
    lines += ["", "p50 latency per tool (ms):", "", "| server | " + " | ".join(tools) + " |"]
    lines.append("|---|" + "---:|" * len(tools))
    for name, runs in results.items():
        cells = [percentile([v for run in runs for v in run.latencies.get(tool, [])], 0.5) * 1000 for tool in tools]
        lines.append(f"| {name} | " + " | ".join(f"{cell:.2f}" for cell in cells) + " |")
    return "\n".join(lines)


async def measure(all_servers: list[Server], clients: int, iterations: int, rounds: int) -> dict[str, list[Round]]:
    for server in all_servers:  # warm-up: imports, first connections, the SQLite page cache
        await one_round(server, clients, max(1, iterations // 5))
    results: dict[str, list[Round]] = {server.name: [] for server in all_servers}
    for number in range(rounds):
        order = all_servers[number % len(all_servers) :] + all_servers[: number % len(all_servers)]
        for server in order:
            results[server.name].append(await one_round(server, clients, iterations))
            print(f"round {number + 1}/{rounds}: {server.name} done", file=sys.stderr, flush=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4, help="concurrent MCP sessions (default 4)")
    parser.add_argument("--iterations", type=int, default=60, help="workload iterations per session and round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per server (default 5)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mcpgen-bench-") as name:
        folder = Path(name)
        all_servers = servers(folder)
        with running(all_servers, folder):
            results = anyio.run(measure, all_servers, options.clients, options.iterations, options.rounds)
    print(report(results, options.clients, options.iterations, options.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
