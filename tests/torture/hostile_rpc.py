"""Part 2: thousands of hostile JSON-RPC requests against a real server process, then probes with expectations.

The flood (hostile_requests.py) runs concurrently; every answer must keep the rules: no 5xx, no dropped
connection, no hang, no internal error, JSON where JSON is said, and the status a case expects. Then, in both
eras: injection strings stored with create_task and read back verbatim with get_task (and found by the filter
and search tools without an error); forged list cursors; duplicate in-flight ids on one session; ChatGPT's
origins (the server runs with a tunnel's host allowed, as ChatGPT reaches it); and at the end the server must
still answer.
"""

from __future__ import annotations

import asyncio
import base64
import json
import random
import time
from pathlib import Path
from typing import Any

import httpx2
import orjson

from tests.torture import hostile_arguments as calls
from tests.torture import hostile_requests as requests
from tests.torture.client import ERAS, Session, http_client, send
from tests.torture.figures import Figures
from tests.torture.hostile_requests import Case, Tool
from tests.torture.injections import INJECTIONS
from tests.torture.judge import Judge, still_answers
from tests.torture.servers import ServerProcess, Target

KINDS = (
    "5xx", "dropped", "hangs", "tracebacks", "internal errors", "bad answers", "wrong status", "not verbatim",
    "origins refused", "server died",
)  # fmt: skip
CHATGPT_ORIGINS = ("https://chatgpt.com", "https://chat.openai.com")
TUNNEL = "torture-tunnel.example"  # the server runs as behind a tunnel (--allowed-host), as ChatGPT reaches it
FORGED: tuple[Any, ...] = (None, [], {}, "x", 2**70, -1, 1.5, True, "'; DROP TABLE task; --", [1, 2, 3], {"a": [1]})


def cases(tools: list[Tool], session_id: str, count: int, rng: random.Random) -> list[Case]:
    """Every systematic case, then fuzzed ones to make `count` (the systematic ones are all kept)."""
    systematic = [
        *requests.malformed(), *requests.content_types(), *requests.http_methods(), *requests.batches(),
        *requests.sized(), *requests.identifiers(), *requests.sessions(session_id), *requests.envelopes(),
        *requests.initializes(), *requests.other_methods(), *requests.hosts_and_origins(),
        *calls.wrong_arguments(tools), *calls.surrogates(), *calls.injected_arguments(),
    ]  # fmt: skip
    return systematic + list(calls.fuzzed(max(0, count - len(systematic)), rng))


async def _flood(
    http: httpx2.AsyncClient, server: ServerProcess, judge: Judge, all_cases: list[Case], session_id: str
) -> None:
    base = f"http://127.0.0.1:{server.port}"
    gate = asyncio.Semaphore(16)

    async def one(case: Case) -> None:
        async with gate:
            reply = await send(
                http, base + case.path, body=case.body, headers=case.header_list(session_id), method=case.method
            )
            judge(case.label, reply, case.expect)

    await asyncio.gather(*(one(case) for case in all_cases))


def _storable(string: str) -> dict[str, str]:
    """Arguments that store `string` in each text field of a task, within its lengths."""
    return {"title": string[:200] or "-", "notes": f"{string}\n{string}", "assignee": string[:100]}


async def _injections(session: Session, judge: Judge) -> None:
    """Each injection string stored with create_task, read back with get_task, found by its filter and search."""
    figures = judge.figures
    refused = 0
    for string in INJECTIONS:
        label = f"{session.era} injection {string[:40]!r}"
        stored = _storable(string)
        created = await session.call("create_task", stored)
        judge(f"{label}: create", created)
        if not created.ok():
            refused += 1
            figures.note("injections refused", refused)
            figures.examples.setdefault("refused", []).append(f"{label}: {created.body[:120]!r}")
            continue
        identifier = (created.structured() or {}).get("id")
        got = await session.call("get_task", {"id": identifier})
        judge(f"{label}: get", got)
        record = got.structured() or {}
        for name, value in stored.items():
            if record.get(name) != value:
                figures.fail("not verbatim", f"{label}: {name} came back {record.get(name)!r}")
        listed = await session.call("list_tasks", {"assignee": stored["assignee"], "limit": 100})
        judge(f"{label}: list by assignee", listed)
        found = [item.get("id") for item in (listed.structured() or {}).get("items", [])]
        if listed.ok() and identifier not in found:
            figures.fail("not verbatim", f"{label}: list_tasks assignee= did not find task {identifier}")
        judge(f"{label}: search", await session.call("search_tasks", {"query": string}))


def _decoded(cursor: str) -> dict[str, Any] | None:
    try:
        position = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, orjson.JSONDecodeError):
        return None
    return position if isinstance(position, dict) else None


def _encoded(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


async def _forged_cursors(session: Session, judge: Judge) -> None:
    """Cursors of real pages with their keyset values replaced by other types (the query fingerprint kept)."""
    for i in range(3):
        await session.call("create_task", {"title": f"cursor page {i}", "notes": "cursor", "due": f"2026-0{i + 1}-01"})
    for tool, arguments in (
        ("list_tasks", {"limit": 1}),
        ("list_tasks", {"limit": 1, "order_by": "due", "order": "desc"}),
        ("list_tasks", {"limit": 1, "order_by": "priority"}),
        ("search_tasks", {"query": "cursor", "limit": 1}),
    ):
        page = await session.call(tool, arguments)
        cursor = (page.structured() or {}).get("next_cursor")
        position = _decoded(cursor) if isinstance(cursor, str) else None
        if position is None:
            continue
        for key in [key for key in position if key != "q"] + ["extra"]:
            for value in FORGED:
                forged = _encoded({**position, key: value})
                reply = await session.call(tool, {**arguments, "cursor": forged})
                judge(f"{session.era} {tool} cursor with {key}={str(value)[:20]}", reply)


async def _duplicate_ids(http: httpx2.AsyncClient, url: str, judge: Judge) -> None:
    """Eight requests with one id in flight at once, on one session (legacy) and stateless (modern)."""
    for era in ERAS:
        for _round in range(3):
            session = Session(http, url, era, timeout=10.0)
            await session.open()
            slow = [("show_board", {}), ("search_tasks", {"query": "a b c d e f"}), ("list_tasks", {"limit": 100})]
            calls = [
                session.request("tools/call", {"name": name, "arguments": arguments}, identifier=7)
                for name, arguments in slow * 3
            ]
            for reply in await asyncio.gather(*calls):
                judge(f"{era} duplicate in-flight ids", reply)


async def _origins(http: httpx2.AsyncClient, url: str, judge: Judge) -> None:
    """ChatGPT's own origins are served through the tunnel, in both eras: the handshake, the list, a call."""
    for origin in CHATGPT_ORIGINS:
        for era in ERAS:
            session = Session(http, url, era, extra={"Origin": origin, "Host": TUNNEL})
            opened = await session.open()
            replies = [opened] if opened is not None else []
            replies += [await session.request("tools/list"), await session.call("list_tasks", {})]
            for reply in replies:
                judge(f"{era} Origin {origin}", reply)
                if reply.status == 403:
                    judge.figures.fail("origins refused", f"{era} Origin {origin}: 403 {reply.body[:60]!r}")


async def _run(server: ServerProcess, figures: Figures, count: int, seed: int) -> None:
    judge = Judge(figures)
    async with http_client() as http:
        session = Session(http, server.url, "legacy")
        if (refused := await session.open()) is not None:
            figures.fail("server died", f"initialize: {refused.status} {refused.failure}")
            return
        tools = (await session.request("tools/list")).result() or {}
        all_cases = cases(tools.get("tools", []), session.session_id, count, random.Random(seed))
        await _flood(http, server, judge, all_cases, session.session_id)
        if not server.alive():
            figures.fail("server died", "during the flood")
            return
        for era in ERAS:
            modern_or_legacy = Session(http, server.url, era)
            await modern_or_legacy.open()
            await _injections(modern_or_legacy, judge)
            await _forged_cursors(modern_or_legacy, judge)
        await _duplicate_ids(http, server.url, judge)
        await _origins(http, server.url, judge)
        await still_answers(http, server, figures)
    figures.note("statuses", judge.statuses_seen())


def run(target: Target, folder: Path, *, count: int, seed: int, postgres_url: str) -> Figures:
    """Part 2 against one target."""
    figures = Figures("2 hostile JSON-RPC", target.name, KINDS)
    started = time.monotonic()
    server = ServerProcess(target, folder, postgres_url, tunnel=TUNNEL)
    try:
        if not server.start():
            figures.fail("server died", "did not start")
        else:
            asyncio.run(_run(server, figures, count, seed))
    finally:
        server.stop()
        for traceback in server.tracebacks():
            figures.fail("tracebacks", traceback)
        server.drop()
    figures.seconds = time.monotonic() - started
    print(figures.report(), flush=True)
    return figures
