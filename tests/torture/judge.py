"""The rules every answer keeps, whatever was asked: no 5xx, no dropped connection, no hang, no internal error.

A Judge counts each answer's breaches into a part's figures; `still_answers` checks a server after a part.
"""

from __future__ import annotations

from collections import Counter

import httpx2

from tests.torture.client import ERAS, Reply, Session, send
from tests.torture.figures import Figures
from tests.torture.servers import ServerProcess


class Judge:
    """Applies the rules to each answer, counting into `figures`; `expected_drops` forgives broken connections."""

    def __init__(self, figures: Figures, *, expected_drops: bool = False) -> None:
        self.figures, self.expected_drops = figures, expected_drops
        self.statuses: Counter[str] = Counter()

    def __call__(self, label: str, reply: Reply, expect: int | None = None, *, write: bool = False) -> None:
        """Counts one answer; a `write` must also succeed (a tool error there is a write error)."""
        figures = self.figures
        figures.tried += 1
        self.statuses[str(reply.status or reply.failure)] += 1
        if reply.failure == "unsent" or (reply.failure is not None and self.expected_drops):
            return
        if reply.failure is not None:
            figures.fail("hangs" if reply.failure == "hang" else "dropped", f"{label}: {reply.detail}")
            return
        assert reply.status is not None
        if reply.status >= 500:
            figures.fail("5xx", f"{label}: {reply.status} {reply.body[:100]!r}")
        if reply.internal():
            figures.fail("internal errors", f"{label}: {reply.body[:160]!r}")
        elif write and not reply.ok():
            figures.fail("write errors", f"{label}: {reply.status} {reply.body[:160]!r}")
        if "json" in reply.headers.get("content-type", "") and reply.body and reply.message() is None:
            figures.fail("bad answers", f"{label}: not JSON: {reply.body[:100]!r}")
        if expect is not None and reply.status != expect:
            figures.fail("wrong status", f"{label}: {reply.status}, not {expect} ({reply.body[:80]!r})")

    def statuses_seen(self) -> str:
        """The HTTP statuses (and failures) seen, with their counts."""
        return ", ".join(f"{status}: {n}" for status, n in sorted(self.statuses.items()))


async def still_answers(http: httpx2.AsyncClient, server: ServerProcess, figures: Figures) -> None:
    """The server is alive and serves both eras: healthz, tools/list, a create read back (else: server died)."""
    if not server.alive():
        figures.fail("server died", f"its process ended (exit {server.process and server.process.returncode})")
        return
    health = await send(http, f"http://127.0.0.1:{server.port}/healthz", method="GET", timeout=10)
    problems = [] if health.status == 200 else [f"healthz: {health.status or health.failure}"]
    for era in ERAS:
        session = Session(http, server.url, era, timeout=10)
        if (refused := await session.open()) is not None:
            problems.append(f"{era} initialize: {refused.status or refused.failure}")
            continue
        listed = await session.request("tools/list")
        created = await session.call("create_task", {"title": f"alive {era}"})
        identifier = (created.structured() or {}).get("id")
        got = await session.call("get_task", {"id": identifier})
        if listed.result() is None or not created.ok() or not got.ok():
            problems.append(f"{era}: tools/list {listed.status}, create {created.status}, get {got.status}")
    for problem in problems:
        figures.fail("server died", f"not answering afterwards: {problem}")
