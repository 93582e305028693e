"""`python -m tests.torture [--short]`: runs the parts, prints their figures, exits 1 if any failure figure is not 0.

Full mode (`make torture`) takes about eight minutes on two cores; short mode (`make torture MODE=short`, in CI)
under two. Everything runs on loopback, in a temporary folder kept when something failed (its failures.log lists
every failure, beside the servers' logs); PostgreSQL parts use a schema of their own, dropped afterwards.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.torture import aborted_connections, concurrent_writers, hostile_rpc, kill_nine, spec_mutator
from tests.torture.figures import TABLE_HEAD, Figures
from tests.torture.servers import (
    DEFAULT_POSTGRES,
    GENERATED_SQLITE,
    SERVE_POSTGRES,
    SERVE_SQLITE,
    Target,
    postgres_reachable,
)


@dataclass(frozen=True)
class Mode:
    """How much each part does, and against which targets."""

    specs: int  # part 1: mutated specs
    spec_timeout: float  # part 1: seconds one spec may take
    costly: int  # part 1: mutants of each costly kind (bombs, huge enums, ReDoS, ...)
    requests: int  # part 2: hostile requests at least (all systematic cases, fuzzed ones to make up the rest)
    hostile: tuple[Target, ...]
    abort_seconds: float  # part 3: seconds of load
    aborted: tuple[Target, ...]
    records: int  # part 4: tasks per writer
    updates: int  # part 4: updates per task
    writers: tuple[Target, ...]
    kills: int  # part 5
    killed: tuple[Target, ...]


FULL = Mode(
    specs=3000, spec_timeout=10.0, costly=6, requests=5000, hostile=(SERVE_SQLITE, SERVE_POSTGRES, GENERATED_SQLITE),
    abort_seconds=20.0, aborted=(SERVE_SQLITE, SERVE_POSTGRES, GENERATED_SQLITE),
    records=12, updates=6, writers=(SERVE_SQLITE, SERVE_POSTGRES, GENERATED_SQLITE),
    kills=20, killed=(SERVE_SQLITE, GENERATED_SQLITE),
)  # fmt: skip
SHORT = Mode(
    specs=600, spec_timeout=10.0, costly=2, requests=3000, hostile=(SERVE_SQLITE,),
    abort_seconds=6.0, aborted=(SERVE_SQLITE,),
    records=4, updates=3, writers=(SERVE_SQLITE, SERVE_POSTGRES),
    kills=3, killed=(SERVE_SQLITE,),
)  # fmt: skip
PARTS = {1: "spec mutator", 2: "hostile JSON-RPC", 3: "aborted connections", 4: "concurrent writers", 5: "kill -9"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tests.torture", description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="the CI mode: fewer inputs, mcpgen serve only")
    parser.add_argument("--parts", default="1,2,3,4,5", help="which parts to run, e.g. 1,4 (default all)")
    parser.add_argument("--seed", type=int, default=14, help="the seed of every random choice (default 14)")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("MCPGEN_TEST_POSTGRES", DEFAULT_POSTGRES),
        help=f"the PostgreSQL to use (default $MCPGEN_TEST_POSTGRES or {DEFAULT_POSTGRES})",
    )
    parser.add_argument("--no-postgres", action="store_true", help="leave out the PostgreSQL targets")
    return parser


def _guarded(name: str, target: str, part: Callable[[], Figures]) -> Figures:
    """A part's figures; a part that breaks is itself a failure, and the others still run."""
    try:
        return part()
    except Exception:
        figures = Figures(name, target, ("suite errors",))
        figures.fail("suite errors", traceback.format_exc().strip().splitlines()[-1])
        print(traceback.format_exc(), file=sys.stderr, flush=True)
        print(figures.report(), flush=True)
        return figures


def main(argv: list[str] | None = None) -> int:
    """Runs the parts asked for; 0 when every failure figure is 0."""
    options = _parser().parse_args(argv)
    mode = SHORT if options.short else FULL
    parts = {int(part) for part in options.parts.split(",")}
    work = Path(tempfile.mkdtemp(prefix="mcpgen-torture-"))
    started = time.monotonic()
    print(f"torture suite, {'short' if options.short else 'full'} mode, seed {options.seed}, in {work}", flush=True)
    postgres_problem = None if options.no_postgres else postgres_reachable(options.postgres)

    def targets(chosen: tuple[Target, ...]) -> list[Target]:
        return [target for target in chosen if target.storage != "postgres" or not options.no_postgres]

    results: list[Figures] = []

    def postgres_refused(name: str, target: Target) -> bool:
        if target.storage != "postgres" or postgres_problem is None:
            return False
        figures = Figures(name, target.name, ("postgres unreachable",))
        figures.fail("postgres unreachable", f"{options.postgres}: {postgres_problem} (or pass --no-postgres)")
        print(figures.report(), flush=True)
        results.append(figures)
        return True

    seed, url = options.seed, options.postgres
    if 1 in parts:
        results.append(
            _guarded(
                "1 spec mutator",
                "mcpgen validate",
                lambda: spec_mutator.run(
                    work / "specs", count=mode.specs, timeout=mode.spec_timeout, costly=mode.costly, seed=seed
                ),
            )
        )
    plans: list[tuple[int, str, tuple[Target, ...], Callable[[Target, Path], Figures]]] = [
        (2, "2 hostile JSON-RPC", mode.hostile,
         lambda t, f: hostile_rpc.run(t, f, count=mode.requests, seed=seed, postgres_url=url)),
        (3, "3 aborted connections", mode.aborted,
         lambda t, f: aborted_connections.run(t, f, seconds=mode.abort_seconds, seed=seed, postgres_url=url)),
        (4, "4 concurrent writers", mode.writers,
         lambda t, f: concurrent_writers.run(t, f, records=mode.records, updates=mode.updates, postgres_url=url)),
        (5, "5 kill -9 under writes", mode.killed, lambda t, f: kill_nine.run(t, f, kills=mode.kills, seed=seed)),
    ]  # fmt: skip
    for number, name, chosen, part in plans:
        if number not in parts:
            continue
        for target in targets(chosen):
            if postgres_refused(name, target):
                continue
            folder = work / f"part{number}-{target.kind}-{target.storage}"
            results.append(_guarded(name, target.name, functools.partial(part, target, folder)))
    return _summary(results, work, time.monotonic() - started)


def _summary(results: list[Figures], work: Path, seconds: float) -> int:
    """Prints the table of every part's figures and gives the exit code; the folder is kept (with failures.log,
    every failure) when something failed, else removed."""
    failed = [figures for figures in results if figures.failed()]
    with (work / "failures.log").open("w", encoding="utf-8") as log:
        for figures in results:
            for line in figures.log:
                log.write(f"[{figures.part} / {figures.target}] {line}\n")
    print(f"\n{TABLE_HEAD}")
    for figures in results:
        print(figures.row())
    if not failed:
        shutil.rmtree(work, ignore_errors=True)
        print(f"\ntorture suite: every failure figure is 0 ({seconds:.0f} s)", flush=True)
        return 0
    runs = f"{len(failed)} of {len(results)} runs with failures"
    print(f"\ntorture suite: {runs}, {seconds:.0f} s; failures.log and the servers' logs in {work}", flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
