"""Writes sent and writes acknowledged, and the check of the stored rows against them (lost, duplicated, phantom).

A writer creates tasks of its own, titled `<run>-<writer>-<n>`, with notes `v0`, then updates each one in turn to
`v1`, `v2`, ... and may delete it. A write is acknowledged when its answer came back successful. Since only one
writer touches a task, and one request at a time, the stored version of a task is known within bounds: at least
the last acknowledged, at most the last sent. Anything else is a lost write, a duplicate or a phantom.
"""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.torture.client import Reply, Session
from tests.torture.figures import Figures

VERSION = re.compile(r"^v(\d+)$")
Observe = Callable[[str, Reply], None]  # what a part does with every answer a writer gets


@dataclass
class Written:
    """One task a writer made: what was sent and what was acknowledged."""

    title: str
    identifier: int | None = None  # from the acknowledged create
    created: bool = False
    sent: int = -1  # the highest version sent (0: the create)
    acknowledged: int = -1  # the highest version acknowledged
    delete_sent: bool = False
    deleted: bool = False


class Writes:
    """Every write of one run, by task title."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.tasks: dict[str, Written] = {}

    def acknowledged(self) -> int:
        """How many writes were acknowledged."""
        return sum(task.acknowledged + 1 + task.deleted for task in self.tasks.values())

    def maybe(self, title: str) -> None:
        """A create that was sent but whose answer will never be read (the client hung up)."""
        self.tasks[title] = Written(title, sent=0)

    def check(self, rows: list[tuple[int, str, str | None]], figures: Figures) -> None:
        """Counts lost, duplicated and phantom rows among `rows` (id, title, notes of this run's tasks)."""
        stored: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
        for identifier, title, notes in rows:
            stored[title].append((identifier, notes))
        for title, found in stored.items():
            if title not in self.tasks:
                figures.fail("phantom", f"{title}: stored, never sent")
            if len(found) > 1:
                figures.fail("duplicated", f"{title}: {len(found)} rows {[i for i, _ in found]}")
        for title, task in self.tasks.items():
            found = stored.get(title, [])
            if task.deleted:
                if found:
                    figures.fail("lost", f"{title}: its acknowledged delete did not happen")
                continue
            if not found:
                if task.created and not task.delete_sent:
                    figures.fail("lost", f"{title}: acknowledged create (id {task.identifier}) missing")
                continue
            identifier, notes = found[0]
            if task.created and identifier != task.identifier:
                figures.fail("lost", f"{title}: stored as id {identifier}, acknowledged as {task.identifier}")
            version = VERSION.match(notes or "")
            if version is None:
                figures.fail("phantom", f"{title}: notes {notes!r} were never sent")
            elif int(version[1]) < task.acknowledged:
                figures.fail("lost", f"{title}: v{version[1]} stored, v{task.acknowledged} acknowledged")
            elif int(version[1]) > task.sent:
                figures.fail("phantom", f"{title}: v{version[1]} stored, only v{task.sent} sent")


async def write(
    session: Session,
    writes: Writes,
    writer: str,
    observe: Observe,
    *,
    records: int | None,
    updates: int,
    stop: asyncio.Event | None = None,
    deleting: bool = False,
) -> None:
    """One writer: creates tasks one at a time (`records`, or until `stop`), updates each `updates` times, and
    deletes every fourth when `deleting`; returns early when the server stops answering."""
    if await session.open() is not None:
        return
    made = 0
    while (records is None or made < records) and not (stop is not None and stop.is_set()):
        title = f"{writes.prefix}-{writer}-{made}"
        task = writes.tasks[title] = Written(title, sent=0)
        made += 1
        reply = await session.call("create_task", {"title": title, "notes": "v0"})
        observe(f"{writer} create {title}", reply)
        if reply.failure is not None:
            return
        if not reply.ok():
            continue
        task.created, task.acknowledged = True, 0
        task.identifier = _identifier(reply)
        for version in range(1, updates + 1):
            if stop is not None and stop.is_set():
                return
            task.sent = version
            reply = await session.call("update_task", {"id": task.identifier, "notes": f"v{version}"})
            observe(f"{writer} update {title} to v{version}", reply)
            if reply.failure is not None:
                return
            if reply.ok():
                task.acknowledged = version
        if deleting and made % 4 == 0:
            task.delete_sent = True
            reply = await session.call("delete_task", {"id": task.identifier})
            observe(f"{writer} delete {title}", reply)
            if reply.failure is not None:
                return
            task.deleted = reply.ok()


def _identifier(reply: Reply) -> int | None:
    found: Any = (reply.structured() or {}).get("id")
    return found if isinstance(found, int) else None
