"""Part 3: clients that hang up mid-request and mid-stream, in both eras, while honest writers work.

The hang-ups go over raw sockets: a body cut short, headers cut short or trickled, a request sent and never
read, a connection reset (RST) just after sending or halfway through the answer, notification streams (a
legacy GET, a 2026 subscriptions/listen) dropped, and client-side cancellation. Afterwards the honest writers'
answers must have kept the rules, their acknowledged writes must all be stored once, a request whose client
hung up may be stored at most once, the session's stream must open again, and the server must still answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
import time
from pathlib import Path
from typing import Any

import httpx2
import orjson

from tests.torture.client import ERAS, Reply, Session, enveloped, http_client, modern_headers, request
from tests.torture.figures import Figures
from tests.torture.judge import Judge, still_answers
from tests.torture.servers import ServerProcess, Target
from tests.torture.writes import Writes, write

KINDS = (
    "5xx", "dropped", "hangs", "tracebacks", "internal errors", "write errors", "lost", "duplicated", "phantom",
    "corrupt", "stuck streams", "leaks", "server died",
)  # fmt: skip
ABORTS = (
    "partial body", "unread", "reset after send", "half headers", "slow headers", "legacy stream", "modern listen",
    "cancelled", "mid-response",
)  # fmt: skip
HONEST, ABORTERS = 8, 8
LEAK = 20  # file descriptors a server may hold beyond its count before the load, once every client has gone


def _head(port: int, headers: dict[str, str], length: int | None, method: str = "POST") -> bytes:
    lines = [f"{method} /mcp HTTP/1.1", f"Host: 127.0.0.1:{port}", *(f"{k}: {v}" for k, v in headers.items())]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _raw(port: int, chunks: list[bytes], *, pause: float = 0.0, read: int = 0, reset: bool = False) -> None:
    """Sends `chunks` (pausing between them), reads up to `read` bytes, then hangs up (with RST when `reset`)."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return
    try:
        for chunk in chunks:
            writer.write(chunk)
            await writer.drain()
            if pause:
                await asyncio.sleep(pause)
        if read:
            await asyncio.wait_for(reader.read(read), timeout=2)
    except (OSError, TimeoutError):
        pass
    finally:
        if reset:
            with contextlib.suppress(OSError):
                writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


def _request(session: Session, identifier: int, method: str, params: dict[str, Any]) -> tuple[dict[str, str], bytes]:
    return session.headers(method, params), session.body(identifier, method, params)


async def _abort(
    kind: str, *, session: Session, writes: Writes, number: int, rng: random.Random, http: httpx2.AsyncClient
) -> None:
    """One client that hangs up, the way `kind` says."""
    port = int(session.url.split(":")[-1].split("/")[0])
    title = f"{writes.prefix}-abort-{number}"
    create = {"name": "create_task", "arguments": {"title": title, "notes": "v0"}}
    headers, body = _request(session, number, "tools/call", create)
    if kind in ("unread", "reset after send", "cancelled"):
        writes.maybe(title)
    if kind == "partial body":
        await _raw(
            port,
            [_head(port, headers, len(body) + 1000), body[: rng.randrange(1, len(body))]],
            pause=rng.uniform(0, 0.05),
        )
    elif kind == "unread":
        await _raw(port, [_head(port, headers, len(body)) + body])
    elif kind == "reset after send":
        await _raw(port, [_head(port, headers, len(body)) + body], pause=rng.uniform(0, 0.02), reset=True)
    elif kind == "half headers":
        head = _head(port, headers, len(body))
        await _raw(port, [head[: rng.randrange(1, len(head))]], reset=rng.random() < 0.5)
    elif kind == "slow headers":
        head = _head(port, headers, len(body))
        await _raw(port, [head[i : i + 16] for i in range(0, min(len(head), 160), 16)], pause=0.02)
    elif kind == "legacy stream":
        stream = {"Accept": "text/event-stream", "Mcp-Session-Id": session.session_id}
        await _raw(port, [_head(port, stream, None, "GET")], read=rng.choice([0, 1, 64]), reset=rng.random() < 0.5)
    elif kind == "modern listen":
        params = {"notifications": {"toolsListChanged": True}}
        listen = orjson.dumps(request(number, "subscriptions/listen", enveloped(params)))
        listen_headers = {**modern_headers("subscriptions/listen", params), "Accept": "text/event-stream"}
        chunks = [_head(port, listen_headers, len(listen)) + listen]
        await _raw(port, chunks, read=rng.choice([0, 1, 256]), reset=rng.random() < 0.5)
    elif kind == "cancelled":
        with contextlib.suppress(TimeoutError, httpx2.HTTPError):
            await asyncio.wait_for(
                http.post(session.url, content=body, headers=headers), timeout=rng.uniform(0.001, 0.03)
            )
    else:  # mid-response: a long answer, read a little of, then reset
        listing = {"name": "list_tasks", "arguments": {"limit": 100}}
        headers, body = _request(session, number, "tools/call", listing)
        await _raw(port, [_head(port, headers, len(body)) + body], read=rng.choice([1, 50, 500]), reset=True)


async def _stream_opens(http: httpx2.AsyncClient, session: Session, figures: Figures) -> None:
    """The session whose GET streams were dropped can open one again (not 409 forever)."""
    status: int | None = None
    for _ in range(20):
        try:
            headers = {"Accept": "text/event-stream", "Mcp-Session-Id": session.session_id}
            async with http.stream("GET", session.url, headers=headers, timeout=5) as response:
                status = response.status_code
        except httpx2.HTTPError:
            status = None
        if status == 200:
            return
        await asyncio.sleep(0.25)
    figures.fail("stuck streams", f"GET stream of the session: {status} after 5 s")


async def _load(server: ServerProcess, writes: Writes, judge: Judge, seconds: float, rng: random.Random) -> int:
    stop = asyncio.Event()
    aborted = 0

    def observe(label: str, reply: Reply) -> None:
        judge(label, reply, write=True)

    async def aborter(era: str, http: httpx2.AsyncClient) -> None:
        nonlocal aborted
        session = Session(http, server.url, "legacy" if era == "legacy" else "modern")
        await session.open()
        while not stop.is_set():
            kind = rng.choice([k for k in ABORTS if not (k == "legacy stream" and era == "modern")])
            number, aborted = aborted, aborted + 1  # taken before awaiting: each hang-up's title its own
            await _abort(kind, session=session, writes=writes, number=number, rng=rng, http=http)

    async with http_client() as http, http_client() as rude:
        streamed = Session(http, server.url, "legacy")
        await streamed.open()
        honest = [
            write(Session(http, server.url, ERAS[i % 2], timeout=30), writes, f"h{i}", observe,
                  records=None, updates=3, stop=stop, deleting=True)
            for i in range(HONEST)
        ]  # fmt: skip
        rude_ones = [aborter(ERAS[i % 2], rude) for i in range(ABORTERS)]
        rude_ones.append(_streams_dropped(streamed, server.port, stop, rng))

        async def timer() -> None:
            await asyncio.sleep(seconds)
            stop.set()

        await asyncio.gather(timer(), *honest, *rude_ones)
        await _stream_opens(http, streamed, judge.figures)
        await still_answers(http, server, judge.figures)
    return aborted


async def _streams_dropped(session: Session, port: int, stop: asyncio.Event, rng: random.Random) -> None:
    """The GET stream of one session opened and dropped again and again (its next opening is checked)."""
    while not stop.is_set():
        stream = {"Accept": "text/event-stream", "Mcp-Session-Id": session.session_id}
        await _raw(port, [_head(port, stream, None, "GET")], read=rng.choice([1, 64]), reset=rng.random() < 0.5)
        await asyncio.sleep(0.05)


def run(target: Target, folder: Path, *, seconds: float, seed: int, postgres_url: str) -> Figures:
    """Part 3 against one target."""
    figures = Figures("3 aborted connections", target.name, KINDS)
    started = time.monotonic()
    server = ServerProcess(target, folder, postgres_url)
    writes = Writes(f"ac{int(time.time())}")
    judge = Judge(figures)
    try:
        if not server.start():
            figures.fail("server died", "did not start")
        else:
            before = server.open_files()
            aborted = asyncio.run(_load(server, writes, judge, seconds, random.Random(seed)))
            time.sleep(1.0)  # the server notices the last hang-ups
            after = server.open_files()
            figures.tried += aborted
            figures.note("aborted", aborted)
            figures.note("open files before/after", f"{before}/{after}")
            if after > before + LEAK:
                figures.fail("leaks", f"{after} file descriptors open after the load, {before} before")
        server.stop()
        rows = server.rows(writes.prefix)
        writes.check(rows, figures)
        hung_up = sum("-abort-" in title for title in writes.tasks)
        figures.note("hung-up creates stored", f"{sum('-abort-' in row[1] for row in rows)} of {hung_up}")
        for problem in server.integrity():
            figures.fail("corrupt", problem)
    finally:
        server.stop()
        for traceback in server.tracebacks():
            figures.fail("tracebacks", traceback)
        server.drop()
    figures.seconds = time.monotonic() - started
    figures.note("acknowledged writes", writes.acknowledged())
    figures.note("statuses", judge.statuses_seen())
    print(figures.report(), flush=True)
    return figures
