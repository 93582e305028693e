"""The benchmark harness runs end to end (tiny sizes): three real servers, the same workload, a table of ratios."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_the_benchmark_runs_all_three_servers_and_reports_ratios() -> None:
    run = subprocess.run(
        [sys.executable, "bench/run.py", "--clients", "2", "--iterations", "2", "--rounds", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    header, *rows = [line.split("|")[1:-1] for line in run.stdout.splitlines() if line.startswith("| ")][:4]
    assert [cell.strip() for cell in header][5] == "throughput ratio"
    assert [row[0].strip() for row in rows] == ["hand-written (SDK MCPServer)", "mcpgen serve", "generated project"]
    assert rows[0][5].strip() == "1.00"  # the baseline against itself
    assert all(float(row[1]) > 0 for row in rows)  # every server answered every call (errors stop the run)
