"""The benchmark harness runs end to end (tiny sizes): four real servers, both workloads, a table of ratios."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

SERVERS = ["ceiling", "SDK default", "mcpgen serve", "generated project"]
TINY = ["--clients", "2", "--seconds", "0.3", "--rounds", "1", "--warmup", "0.1", "--tasks", "120"]


def test_the_benchmark_runs_four_servers_on_both_workloads_with_ratios_to_the_ceiling() -> None:
    run = subprocess.run(
        [sys.executable, "bench/run.py", *TINY], cwd=ROOT, capture_output=True, text=True, timeout=55, check=False
    )
    assert run.returncode == 0, run.stderr
    header, *rows = [
        [cell.strip() for cell in line.split("|")[1:-1]] for line in run.stdout.splitlines() if line.startswith("| ")
    ]
    assert header[:4] == ["workload", "server", "calls/s", "ratio"]
    assert header[-3:] == ["client CPU %", "KB", "errors"]
    assert [(row[0], row[1]) for row in rows] == [
        (workload, server) for workload in ("main mix", "small calls") for server in SERVERS
    ]
    ceilings = [row for row in rows if row[1] == "ceiling"]
    assert all(row[3] == "1.00" for row in ceilings)  # the ceiling against itself
    assert all(row[-1] == "0" for row in rows), run.stdout  # every call of every server answered without error


def test_the_scale_benchmark_measures_specs_of_each_size() -> None:
    run = subprocess.run(
        [sys.executable, "bench/scale.py", "--sizes", "10", "30", "--runs", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    rows = [line.split("|")[1:-1] for line in run.stdout.splitlines() if line.startswith("| ")][1:]
    assert [(row[0].strip(), row[1].strip()) for row in rows] == [("Kanban (11 tools)", "11"), ("10 tools", "10"),
                                                                  ("30 tools", "30")]  # fmt: skip
    assert "linear part:" in run.stdout
