"""Part 5: `kill -9` under write load, again and again; the SQLite file stays sound and keeps every acknowledged write.

Each round starts the server on the same database, lets writers (both eras) create and update tasks for a
moment, and kills the process with SIGKILL while requests are in flight. After the last round the server must
start once more and answer; then `PRAGMA integrity_check` (and the search index's own check) must be ok and
every acknowledged write present (writes.py), none duplicated.
"""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

from tests.torture.client import ERAS, Reply, Session, http_client
from tests.torture.figures import Figures
from tests.torture.judge import Judge, still_answers
from tests.torture.servers import ServerProcess, Target
from tests.torture.writes import Writes, write

KINDS = (
    "5xx", "tracebacks", "internal errors", "write errors", "failed restarts", "lost", "duplicated", "phantom",
    "corrupt", "server died",
)  # fmt: skip
WRITERS = 8


async def _round(server: ServerProcess, writes: Writes, judge: Judge, number: int, rng: random.Random) -> None:
    """Writers at work until the server is killed, between 0.3 and 1.5 s in."""
    stop = asyncio.Event()

    def observe(label: str, reply: Reply) -> None:
        judge(label, reply, write=True)  # the judge forgives the connections the kill cuts

    async def killer() -> None:
        await asyncio.sleep(rng.uniform(0.3, 1.5))
        stop.set()
        server.kill()

    async with http_client(connections=WRITERS * 2) as http:
        writers = [
            write(Session(http, server.url, ERAS[i % 2], timeout=20), writes, f"r{number:02d}w{i}", observe,
                  records=None, updates=3, stop=stop)
            for i in range(WRITERS)
        ]  # fmt: skip
        await asyncio.gather(killer(), *writers)


async def _afterwards(server: ServerProcess, figures: Figures) -> None:
    async with http_client() as http:
        await still_answers(http, server, figures)


def run(target: Target, folder: Path, *, kills: int, seed: int) -> Figures:
    """Part 5 against one target (SQLite)."""
    figures = Figures("5 kill -9 under writes", target.name, KINDS)
    started = time.monotonic()
    rng = random.Random(seed)
    server = ServerProcess(target, folder)
    writes = Writes(f"k9{int(time.time())}")
    judge = Judge(figures, expected_drops=True)
    try:
        for number in range(kills):
            if not server.start():
                figures.fail("failed restarts", f"round {number}: did not start")
                server.kill()
                continue
            asyncio.run(_round(server, writes, judge, number, rng))
        if server.start():
            asyncio.run(_afterwards(server, figures))
        else:
            figures.fail("failed restarts", "after the last kill: did not start")
        server.stop()
        for problem in server.integrity():
            figures.fail("corrupt", problem)
        writes.check(server.rows(writes.prefix), figures)
    finally:
        server.stop()
        for traceback in server.tracebacks():
            figures.fail("tracebacks", traceback)
    figures.seconds = time.monotonic() - started
    figures.note("kills", kills)
    figures.note("acknowledged writes", writes.acknowledged())
    figures.note("unanswered at the kill", sum(t.sent > t.acknowledged for t in writes.tasks.values()))
    print(figures.report(), flush=True)
    return figures
