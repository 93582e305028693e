"""mcpgen beside a bare-Starlette ceiling and the SDK default: four Kanban servers, two workloads, one run.

Each server runs as its own uvicorn process on its own SQLite file, seeded through its own tools to the same
200 todo tasks. Concurrent closed-loop clients, each with its own MCP session over real HTTP (handshake
before the timing), run the main mix (every 5th call create_task, the others list_tasks of the todo column)
and small calls (create_task only); rounds interleave the servers in rotating order. Reported per server and
workload: calls/s, p50 and p99 latency, server CPU per call (from /proc), each as a ratio to the ceiling;
errors are counted, never fatal. Run: `make bench` (or `python bench/run.py --help`).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mcp_client import Session, verdict
from report import Results, Round, report
from servers import Server, lineup, running

PAGE_MAX = 100  # specs/kanban.yaml: list_tasks limit max (the hand-written server allows as many)
LISTED, OTHER = "todo", "in_progress"  # creates go to OTHER, so the listed column keeps its seeded size
TRANSPORT = (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError)


@dataclass(frozen=True)
class Workload:
    """Every `create_every`-th call of a session is create_task (in OTHER); the others list LISTED."""

    name: str
    create_every: int

    def call(self, worker: int, number: int, page: int) -> tuple[str, dict[str, Any]]:
        """The tool and arguments of a session's `number`-th call."""
        if number % self.create_every == 0:
            return "create_task", {"title": f"Load task {worker}-{number}: refactor the pipeline", "status": OTHER}
        return "list_tasks", {"status": LISTED, "limit": page}


WORKLOADS = (Workload("main mix", 5), Workload("small calls", 1))


async def seed(server: Server, tasks: int, page: int) -> None:
    """Fills the todo column with `tasks` tasks through the server's own create_task, then pages to count them."""
    session = Session(server.port)
    try:
        await session.start()
        for number in range(tasks):
            title = f"Seed task {number:04d}: refactor the widget pipeline"
            await session.result("create_task", {"title": title, "assignee": f"person{number % 5}"})
        counted, cursor, first = 0, None, -1
        while True:
            arguments: dict[str, Any] = {"status": LISTED, "limit": page, **({"cursor": cursor} if cursor else {})}
            listed = await session.result("list_tasks", arguments)
            counted += len(listed["items"])
            first = len(listed["items"]) if first < 0 else first
            cursor = listed.get("next_cursor")
            if not cursor:
                break
    except (RuntimeError, KeyError, *TRANSPORT) as exc:
        raise SystemExit(f"seeding {server.name} failed (retry later if it is being changed): {exc!r}") from exc
    finally:
        await session.close()
    if counted != tasks or first != page:
        raise SystemExit(f"{server.name}: {counted} todo tasks, first page {first}; expected {tasks} and {page}")


async def drive(session: Session, workload: Workload, *, worker: int, page: int, deadline: float, tally: Round) -> None:
    """One closed-loop client: the next call as soon as the last one is answered, until the deadline."""
    number = 0
    while time.perf_counter() < deadline:
        number += 1
        tool, arguments = workload.call(worker, number, page)
        started = time.perf_counter()
        try:
            answer = await session.call(tool, arguments)
        except TRANSPORT:
            tally.errors["transport"] += 1
            await asyncio.sleep(0.01)  # a server that refuses connections must not spin the client
            continue
        tally.latencies.append(time.perf_counter() - started)
        tally.calls += 1
        tally.bytes_in += len(answer.body)
        problem = verdict(answer)
        if problem:
            tally.errors[problem] += 1


async def one_round(server: Server, workload: Workload, clients: int, seconds: float, page: int) -> Round:
    """Opens the sessions, runs the workload for `seconds` and measures both processes, then closes them."""
    tally = Round()
    sessions = []
    for _ in range(clients):
        session = Session(server.port)
        try:
            await session.start()
            sessions.append(session)
        except (RuntimeError, KeyError, *TRANSPORT):
            tally.errors["handshake"] += 1
            await session.close()
    cpu, client, started = server.cpu_seconds(), time.process_time(), time.perf_counter()
    try:
        async with asyncio.timeout(seconds + 30):
            deadline = started + seconds
            jobs = (
                drive(s, workload, worker=n, page=page, deadline=deadline, tally=tally) for n, s in enumerate(sessions)
            )
            await asyncio.gather(*jobs)
    except TimeoutError:
        tally.errors["timeout"] += 1
    tally.seconds = time.perf_counter() - started
    tally.server_cpu, tally.client_cpu = server.cpu_seconds() - cpu, time.process_time() - client
    for session in sessions:
        await session.close()
    return tally


async def measure(servers: list[Server], options: argparse.Namespace, page: int) -> Results:
    """Seeds every server, then per workload a warm-up round each and the timed rounds in rotating order."""
    for server in servers:
        await seed(server, options.tasks, page)
    results: Results = {}
    for workload in WORKLOADS:
        results[workload.name] = {server.name: [] for server in servers}
        for server in servers:  # warm-up: first connections, code paths, the SQLite page cache
            await one_round(server, workload, options.clients, options.warmup, page)
        for number in range(options.rounds):
            shift = number % len(servers)
            for server in servers[shift:] + servers[:shift]:
                run = await one_round(server, workload, options.clients, options.seconds, page)
                results[workload.name][server.name].append(run)
                done = f"{workload.name}, round {number + 1}/{options.rounds}: {server.name}"
                print(f"{done}: {run.rate:.0f} calls/s", file=sys.stderr, flush=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent MCP sessions (default 16)")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of a timed round (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per server and workload (default 3)")
    parser.add_argument("--warmup", type=float, default=1.0, help="length of the warm-up round (default 1)")
    parser.add_argument("--tasks", type=int, default=200, help="todo tasks seeded into each server (default 200)")
    options = parser.parse_args()
    if min(options.clients, options.rounds, options.tasks) < 1 or options.seconds <= 0 or options.warmup < 0:
        parser.error("--clients, --rounds and --tasks must be at least 1, --seconds above 0, --warmup not below 0")
    page = min(options.tasks, PAGE_MAX)
    cpus = sorted(os.sched_getaffinity(0))  # servers share one core, the client has another: they never compete
    server_cpu, client_cpu = (cpus[0], cpus[1]) if len(cpus) >= 2 else (None, None)
    settings = (
        f"{options.clients} sessions, {options.rounds} rounds x {options.seconds:g} s per server and workload "
        f"(after a {options.warmup:g} s warm-up); {options.tasks} todo tasks, listed {page} a page; "
        + (f"servers pinned to CPU {server_cpu}, client to CPU {client_cpu}." if len(cpus) >= 2 else "not pinned.")
    )
    with tempfile.TemporaryDirectory(prefix="mcpgen-bench-") as name:
        folder = Path(name)
        servers = lineup(folder)
        with running(servers, folder, server_cpu):
            if client_cpu is not None:
                os.sched_setaffinity(0, {client_cpu})
            results = asyncio.run(measure(servers, options, page))
    print(report(results, settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
