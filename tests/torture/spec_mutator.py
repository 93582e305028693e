"""Part 1: thousands of mutated specs through `mcpgen validate`, in-process in worker processes with a time bound.

Every answer must be clean: exit 0, or exit 1 with every problem located as `file:line:col:` (a line of the
file). Tracebacks, uncaught exceptions, unlocated problems, hangs and crashes are counted; so are specs that
validate but do not compile, widget paths outside the spec's folder that are accepted, and patterns that take
an evil input forever once accepted.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import random
import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tests.torture import pool
from tests.torture.figures import Figures
from tests.torture.mutations import mutants
from tests.torture.servers import ROOT
from tests.torture.spec_data import ABSOLUTE, OUTSIDE, Mutant, read_base

if TYPE_CHECKING:
    from mcpgen.runtime.server import Outcome
    from mcpgen.runtime.tool import Connector

KINDS = (
    "tracebacks", "unlocated", "hangs", "slow", "crashes", "base rejected", "escapes accepted", "compile fails",
    "unsafe templates",
)  # fmt: skip
ESCAPED = ("pwned", "<class '", "<function ", "<module ")  # what a template that reached Python shows
SLOW = 3.0  # seconds a spec may take to validate, and PER_MB more for each megabyte of it (parsing is linear)
PER_MB = 5.0
BASES = [
    ROOT / "specs" / "kanban.yaml",
    ROOT / "specs" / "support.yaml",
    *sorted((ROOT / "tests/specs_good").glob("*.yaml")),
]
_folders: dict[int, Path] = {}  # each worker's folder, below the run's root


@dataclass(frozen=True)
class Verdict:
    """What validating one mutant showed; empty texts where all was well."""

    code: int | None
    traceback: str = ""
    unlocated: str = ""
    compile_error: str = ""
    call_error: str = ""  # what calling the mutant's tool did wrong (its template failed, or reached Python)


def _folder(root: Path) -> Path:
    """This worker's folder: the spec is written there, beside the widgets and the handler module it names."""
    folder = _folders.get(os.getpid())
    if folder is None:
        folder = _folders[os.getpid()] = root / f"worker-{os.getpid()}"
        (folder / "widgets").mkdir(parents=True)
        (folder / "widgets" / "board.html").write_bytes((ROOT / "specs/widgets/board.html").read_bytes())
        (folder / "support_tools.py").write_bytes((ROOT / "specs/support_tools.py").read_bytes())
    return folder


def check(task: tuple[Path, Mutant]) -> Verdict:
    """Validates one mutant (in a folder below root) as `mcpgen validate` does, printing as a UTF-8 terminal."""
    from mcpgen.cli import main  # noqa: PLC0415 -- imported before the workers fork; this is free

    root, mutant = task
    spec = _folder(root) / "spec.yaml"
    spec.write_bytes(mutant.text.replace(ABSOLUTE.encode(), str(root / OUTSIDE).encode()))
    out, err = io.BytesIO(), io.BytesIO()
    stdout = io.TextIOWrapper(out, encoding="utf-8", errors="strict", write_through=True)
    stderr = io.TextIOWrapper(err, encoding="utf-8", errors="strict", write_through=True)
    logging.root.handlers.clear()  # main() sets logging up again, on this call's stderr
    escaped = ""
    code: int | None = None
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = main(["validate", str(spec)])
        except BaseException as exc:  # anything main() lets out is a traceback the user sees
            escaped = f"{type(exc).__name__}: {exc}"[:200]
    said, complaints = out.getvalue().decode("utf-8", "replace"), err.getvalue().decode("utf-8", "replace")
    traceback = escaped or _traceback(complaints, code)
    unlocated = _unlocated(said, complaints, str(spec), _lines(mutant.text)) if code == 1 else ""
    compiled, called = _compiled(spec, mutant) if code == 0 else ("", "")
    return Verdict(code, traceback, unlocated, compiled, called)


def _lines(text: bytes) -> int:
    """How many lines YAML sees in the text (it breaks lines at CR, LF, CRLF, NEL, LS and PS)."""
    return len(re.split("\r\n|[\r\n\x85\u2028\u2029]", text.decode("utf-8", "replace")))


def _traceback(stderr: str, code: int | None) -> str:
    for line in stderr.splitlines():
        if "(run with --debug for the traceback)" in line or line.startswith("Traceback"):
            return line[:200]
    return "" if code in (0, 1) else f"exit code {code}"


def _unlocated(stdout: str, stderr: str, file: str, lines: int) -> str:
    """The first problem printed without a location in the file; empty when all have one."""
    located = re.compile(re.escape(file) + r":(\d+):(\d+): ")
    problems = stdout.rstrip("\n").split("\n")  # lines as a terminal breaks them (not at \x85 or \u2028)
    if not stdout.strip():
        return f"no problem listed: {stderr.strip()[:150]}"
    for problem in problems:
        found = located.match(problem)
        if found is None:
            return problem[:150]
        line, column = int(found[1]), int(found[2])
        if not (1 <= line <= lines + 1 and column >= 1):
            return f"line {line} of {lines}: {problem[:120]}"
    return ""


def _compiled(spec: Path, mutant: Mutant) -> tuple[str, str]:
    """What goes wrong compiling a spec that validated (as serve would), and then calling it: an evil input
    against its patterns (the pool times it), and its tool with a bomb in the response template."""
    from mcpgen.spec import load_spec  # noqa: PLC0415
    from mcpgen.spec.compile import compile_spec  # noqa: PLC0415

    try:
        connector = compile_spec(load_spec(spec))
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"[:200], ""
    if mutant.evil is not None:
        for tool in connector.tools.values():
            properties = tool.definition.get("inputSchema", {}).get("properties", {})
            for name, schema in properties.items():
                if isinstance(schema, dict) and "pattern" in schema:
                    tool.arguments.problems({name: mutant.evil})
    if mutant.call is None:
        return "", ""
    outcome = asyncio.run(_call(connector, mutant.call))
    if outcome.status == "internal error":
        return "", f"{mutant.call}: internal error"
    if any(sign in outcome.text for sign in ESCAPED):
        return "", f"{mutant.call}: the template reached Python: {outcome.text[:100]!r}"
    return "", ""


async def _call(connector: Connector, tool: str) -> Outcome:
    """One call of `tool`, without arguments, on memory storage."""
    from mcpgen.runtime.server import Server  # noqa: PLC0415
    from mcpgen.runtime.storage.memory import MemoryStore  # noqa: PLC0415

    server = Server(connector, MemoryStore(connector.models))
    async with server.running():
        return await server.call(tool, {})


def run(root: Path, *, count: int, timeout: float, costly: int, seed: int) -> Figures:
    """Validates `count` mutants in two workers and counts what went wrong."""
    import mcpgen.cli  # noqa: PLC0415 -- the workers fork with it imported
    import mcpgen.spec.check  # noqa: PLC0415
    import mcpgen.spec.compile  # noqa: F401, PLC0415

    root.mkdir(parents=True, exist_ok=True)
    (root / OUTSIDE).write_text("<p>outside the spec's folder</p>\n")
    figures = Figures("1 spec mutator", "mcpgen validate", KINDS)
    started = time.monotonic()
    rng = random.Random(seed)
    bases = [read_base(file) for file in BASES]
    times: list[float] = []
    codes = {0: 0, 1: 0}
    slowest = (0.0, "")
    tasks = ((root, mutant) for mutant in mutants(bases, count, rng, costly=costly))
    for done in pool.run(check, tasks, workers=2, timeout=timeout):
        mutant = done.task[1]
        figures.tried += 1
        times.append(done.seconds)
        label = mutant.label
        slowest = max(slowest, (done.seconds, label))
        if done.lost is not None:
            figures.fail("hangs" if done.lost == "hang" else "crashes", f"{label} (> {timeout:.0f} s)")
            continue
        verdict = done.outcome
        assert verdict is not None
        if verdict.code in codes:
            codes[verdict.code] += 1
        if done.seconds > SLOW + PER_MB * len(mutant.text) / 1e6:
            figures.fail("slow", f"{label} ({done.seconds:.1f} s)")
        if verdict.traceback:
            figures.fail("tracebacks", f"{label}: {verdict.traceback}")
        if verdict.unlocated and not verdict.traceback:
            figures.fail("unlocated", f"{label}: {verdict.unlocated}")
        if verdict.compile_error:
            figures.fail("compile fails", f"{label}: {verdict.compile_error}")
        if verdict.call_error:
            figures.fail("unsafe templates", f"{label}: {verdict.call_error}")
        if mutant.expect_valid and verdict.code != 0:
            figures.fail("base rejected", label)
        if mutant.escape and verdict.code == 0:
            figures.fail("escapes accepted", label)
    figures.seconds = time.monotonic() - started
    figures.note("valid", codes[0])
    figures.note("refused", codes[1])
    figures.note("median", f"{statistics.median(times) * 1000:.0f} ms" if times else "-")
    figures.note("slowest", f"{slowest[0]:.1f} s ({slowest[1][:80]})")
    print(figures.report(), flush=True)
    return figures
