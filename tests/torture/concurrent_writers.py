"""Part 4: 32 writers at once, half in each protocol era, each on tasks of its own; no write may be lost.

Each writer creates its tasks, updates each several times with known versions and deletes some (writes.py).
Afterwards the database must hold every acknowledged write exactly once: no lost, duplicated or phantom rows,
and (SQLite) a sound file. Every write must also succeed: a tool error under load is a write error.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from tests.torture.client import ERAS, Reply, Session, http_client
from tests.torture.figures import Figures
from tests.torture.judge import Judge, still_answers
from tests.torture.servers import ServerProcess, Target
from tests.torture.writes import Writes, write

KINDS = (
    "5xx", "dropped", "hangs", "tracebacks", "internal errors", "write errors", "lost", "duplicated", "phantom",
    "corrupt", "server died",
)  # fmt: skip
WRITERS = 32


async def _load(server: ServerProcess, writes: Writes, judge: Judge, records: int, updates: int) -> None:
    def observe(label: str, reply: Reply) -> None:
        judge(label, reply, write=True)

    async with http_client(connections=WRITERS * 2) as http:
        writers = [
            write(Session(http, server.url, ERAS[i % 2], timeout=30), writes, f"w{i:02d}", observe,
                  records=records, updates=updates, deleting=True)
            for i in range(WRITERS)
        ]  # fmt: skip
        await asyncio.gather(*writers)
        await still_answers(http, server, judge.figures)


def run(target: Target, folder: Path, *, records: int, updates: int, postgres_url: str) -> Figures:
    """Part 4 against one target."""
    figures = Figures("4 concurrent writers", target.name, KINDS)
    started = time.monotonic()
    server = ServerProcess(target, folder, postgres_url)
    writes = Writes(f"cw{int(time.time())}")
    judge = Judge(figures)
    try:
        if not server.start():
            figures.fail("server died", "did not start")
        else:
            asyncio.run(_load(server, writes, judge, records, updates))
        server.stop()
        writes.check(server.rows(writes.prefix), figures)
        for problem in server.integrity():
            figures.fail("corrupt", problem)
    finally:
        server.stop()
        for traceback in server.tracebacks():
            figures.fail("tracebacks", traceback)
        server.drop()
    figures.seconds = time.monotonic() - started
    figures.note("writers", WRITERS)
    figures.note("acknowledged writes", writes.acknowledged())
    figures.note("statuses", judge.statuses_seen())
    print(figures.report(), flush=True)
    return figures
