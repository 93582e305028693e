"""The load client: MCP sessions speaking raw JSON-RPC over hand-rolled HTTP/1.1 on asyncio streams.

The same few bytes go to every server, and a call costs the client about 0.2 ms of CPU (httpx2 costs about
0.9 ms, as much as the ceiling spends answering, so it would become the bottleneck on two cores).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any, NamedTuple

PROTOCOL = "2025-11-25"  # the handshake era ChatGPT speaks
ACCEPT = b"Accept: application/json, text/event-stream\r\nContent-Type: application/json\r\n"
OK_MARKS = (b'"isError":false', b'"structuredContent"')


class Answer(NamedTuple):
    """One HTTP response: its status, headers (lower-case names) and body."""

    status: int
    headers: dict[str, str]
    body: bytes


class Connection:
    """One keep-alive HTTP/1.1 connection to 127.0.0.1:port, reopened when the server closes it."""

    def __init__(self, port: int, path: str = "/mcp") -> None:
        self.port, self.path = port, path
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def send(self, method: str, headers: bytes, body: bytes = b"") -> Answer:
        """Sends one request and reads its whole response."""
        if self.streams is None:
            self.streams = await asyncio.open_connection("127.0.0.1", self.port)
        reader, writer = self.streams
        head = f"{method} {self.path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nContent-Length: {len(body)}\r\n"
        writer.write(head.encode() + headers + b"\r\n" + body)
        try:
            answer = await self._read(reader)
        except BaseException:
            await self.close()
            raise
        if answer.headers.get("connection", "").lower() == "close":
            await self.close()
        return answer

    async def _read(self, reader: asyncio.StreamReader) -> Answer:
        lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name:
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            return Answer(status, headers, await reader.readexactly(int(headers["content-length"])))
        if headers.get("transfer-encoding", "").lower() != "chunked":
            headers["connection"] = "close"  # an HTTP/1.0-style body: it ends when the connection does
            return Answer(status, headers, await reader.read())
        chunks = []
        while size := int((await reader.readline()).split(b";")[0], 16):
            chunks.append((await reader.readexactly(size + 2))[:-2])
        await reader.readline()  # the blank line after the last chunk (no trailers are sent)
        return Answer(status, headers, b"".join(chunks))

    async def close(self) -> None:
        """Closes the connection, if open."""
        if self.streams is not None:
            _, writer = self.streams
            self.streams = None
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


def message(answer: Answer) -> dict[str, Any]:
    """The JSON-RPC message of an answer: the JSON body, or the SSE data line that carries a result or error."""
    if not answer.headers.get("content-type", "").startswith("text/event-stream"):
        return dict(json.loads(answer.body))
    for line in answer.body.decode().splitlines():
        if line.startswith("data:") and line[5:].strip():
            found = json.loads(line[5:])
            if "result" in found or "error" in found:
                return dict(found)
    raise ValueError(f"no JSON-RPC response in {answer.body[:200]!r}")


def verdict(answer: Answer) -> str | None:
    """None for a good tool result; else the kind of error: http, rpc (JSON-RPC error), tool (isError), bad."""
    if answer.status != 200:
        return "http"
    if all(mark in answer.body for mark in OK_MARKS):  # the common case, without decoding a 40 KB answer
        return None
    try:
        found = message(answer)
    except ValueError:
        return "bad"
    if "error" in found:
        return "rpc"
    result = found.get("result") or {}
    if result.get("isError"):
        return "tool"
    return None if isinstance(result.get("structuredContent"), dict) else "bad"


class Session:
    """One MCP session on its own connection: the initialize handshake once, then tools/call requests."""

    def __init__(self, port: int) -> None:
        self.connection = Connection(port)
        self.headers = ACCEPT
        self.session_id = ""
        self.next_id = 0

    async def post(self, method: str, params: dict[str, Any] | None = None) -> Answer:
        """Sends one JSON-RPC request (a notification when method starts with notifications/)."""
        request: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if not method.startswith("notifications/"):
            self.next_id += 1
            request["id"] = self.next_id
        if params is not None:
            request["params"] = params
        return await self.connection.send("POST", self.headers, json.dumps(request).encode())

    async def start(self) -> None:
        """The handshake: initialize, then notifications/initialized; keeps the session id if one is issued."""
        params = {"protocolVersion": PROTOCOL, "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}
        answer = await self.post("initialize", params)
        if answer.status != 200:
            raise RuntimeError(f"initialize: HTTP {answer.status}: {answer.body[:200]!r}")
        version = message(answer)["result"].get("protocolVersion") or PROTOCOL
        self.session_id = answer.headers.get("mcp-session-id", "")
        extra = f"Mcp-Protocol-Version: {version}\r\n"
        if self.session_id:
            extra += f"Mcp-Session-Id: {self.session_id}\r\n"
        self.headers = ACCEPT + extra.encode()
        answer = await self.post("notifications/initialized")
        if answer.status not in (200, 202):
            raise RuntimeError(f"notifications/initialized: HTTP {answer.status}")

    async def call(self, tool: str, arguments: dict[str, Any]) -> Answer:
        """One tools/call, answered as it came."""
        return await self.post("tools/call", {"name": tool, "arguments": arguments})

    async def result(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """One tools/call's structuredContent; RuntimeError for any kind of error."""
        answer = await self.call(tool, arguments)
        problem = verdict(answer)
        if problem:
            raise RuntimeError(f"{tool}: {problem} error: {answer.body[:300]!r}")
        return dict(message(answer)["result"]["structuredContent"])

    async def close(self) -> None:
        """Ends the session (DELETE, when the server issued one) and closes the connection."""
        try:
            if self.session_id:
                await self.connection.send("DELETE", self.headers)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            pass
        await self.connection.close()
