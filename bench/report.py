"""The results table: per workload and server, throughput, latency and CPU, each beside its ratio to the ceiling."""

from __future__ import annotations

import os
import platform
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from servers import CEILING

SATURATED = 85.0  # client CPU %, above which the client may be what limits the throughput


@dataclass
class Round:
    """What one server did in one timed round of one workload."""

    calls: int = 0
    seconds: float = 0.0
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    bytes_in: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        """Calls answered per second."""
        return self.calls / self.seconds if self.seconds else 0.0

    @property
    def cpu_per_call(self) -> float | None:
        """Server CPU seconds per answered call."""
        return self.server_cpu / self.calls if self.calls else None


Results = dict[str, dict[str, list[Round]]]  # workload -> server -> rounds, in round order


def percentile(values: list[float], share: float) -> float | None:
    """The value below which `share` of the values lie (nearest rank), or None for no values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else None


def median(values: Sequence[float | None]) -> float | None:
    """The median of the known values."""
    known = [value for value in values if value is not None]
    return statistics.median(known) if known else None


def paired(runs: list[Round], base: list[Round], metric: Callable[[Round], float | None]) -> float | None:
    """The median over rounds of metric(run) / metric(the ceiling's run of the same round)."""
    ratios = []
    for run, reference in zip(runs, base, strict=True):
        mine, theirs = metric(run), metric(reference)
        if mine is not None and theirs:
            ratios.append(mine / theirs)
    return median(ratios)


def cell(value: float | None, digits: int = 2) -> str:
    """A number for the table, or a dash."""
    return "—" if value is None else f"{value:.{digits}f}"


def errors(runs: list[Round]) -> str:
    """The error count, with its kinds when there are any."""
    total: Counter[str] = Counter()
    for run in runs:
        total.update(run.errors)
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(total.items()))
    return f"{sum(total.values())} ({kinds})" if total else "0"


def row(workload: str, server: str, runs: list[Round], base: list[Round]) -> tuple[str, float | None]:
    """One line of the table, and the client's CPU share during it."""
    every = [value for run in runs for value in run.latencies]
    p50, p99 = percentile(every, 0.50), percentile(every, 0.99)
    base_every = [value for run in base for value in run.latencies]
    base_p50, base_p99 = percentile(base_every, 0.50), percentile(base_every, 0.99)
    rate, cpu = median([run.rate for run in runs]), median([run.cpu_per_call for run in runs])
    server_share = median([100 * run.server_cpu / run.seconds if run.seconds else None for run in runs])
    client_share = median([100 * run.client_cpu / run.seconds if run.seconds else None for run in runs])
    size = median([run.bytes_in / run.calls / 1000 if run.calls else None for run in runs])
    rate_x: float | None = 1.0
    p50_x, p99_x, cpu_x = rate_x, rate_x, rate_x
    if server != CEILING:
        rate_x, cpu_x = paired(runs, base, lambda r: r.rate), paired(runs, base, lambda r: r.cpu_per_call)
        p50_x = p50 / base_p50 if p50 is not None and base_p50 else None
        p99_x = p99 / base_p99 if p99 is not None and base_p99 else None
    cells = [
        workload,
        server,
        cell(rate, 0),
        cell(rate_x),
        cell(None if p50 is None else p50 * 1000),
        cell(p50_x),
        cell(None if p99 is None else p99 * 1000),
        cell(p99_x),
        cell(None if cpu is None else cpu * 1000, 3),
        cell(cpu_x),
        cell(server_share, 0),
        cell(client_share, 0),
        cell(size, 1),
        errors(runs),
    ]
    return "| " + " | ".join(cells) + " |", client_share


def environment(settings: str) -> list[str]:
    """What the figures depend on: the machine, the versions, the settings."""
    try:
        cpu = next(line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
        model = cpu.split(":", 1)[1].strip()
    except (OSError, StopIteration):
        model = platform.processor()
    packages = ", ".join(f"{name} {version(name)}" for name in ("mcp", "uvicorn", "starlette", "h11", "pydantic"))
    return [
        f"{os.cpu_count()} CPUs ({model}); Python {platform.python_version()}; {packages}.",
        settings,
    ]


def report(results: Results, settings: str) -> str:
    """The markdown table of a run, with the ratios to the ceiling measured in the same rounds."""
    lines = [
        *environment(settings),
        "",
        "ratio = the server's figure / the ceiling's in the same run (calls/s and CPU: median of per-round ratios; "
        "latency: of the "
        "percentiles over all calls). Higher calls/s is better; lower latency and CPU are better. "
        "CPU % = share of one core, median of rounds; KB = mean answer body.",
        "",
        "| workload | server | calls/s | ratio | p50 ms | ratio | p99 ms | ratio | server CPU ms/call | ratio "
        "| server CPU % "
        "| client CPU % | KB | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    busy = []
    for workload, by_server in results.items():
        base = by_server[CEILING]
        for server, runs in by_server.items():
            line, client_share = row(workload, server, runs, base)
            lines.append(line)
            if client_share is not None and client_share > SATURATED:
                busy.append(f"{workload} / {server} ({client_share:.0f}%)")
    if busy:
        lines += ["", f"Warning: the client was near saturation in: {'; '.join(busy)}."]
    return "\n".join(lines)
