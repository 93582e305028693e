"""JSON-RPC 2.0 over HTTP, as MCP uses it: messages classified as the SDK reads them, answers encoded and sent."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.types import Receive, Send

JSON = (b"content-type", b"application/json")
Headers = dict[bytes, bytes]


class RpcError(Exception):
    """A JSON-RPC error answer: its code, message and (optional) data."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code, self.message, self.data = code, message, data

    def body(self) -> dict[str, Any]:
        """The `error` member."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error


def kind_of(message: Any) -> str | None:
    """request, notification or response, as the SDK reads a JSON-RPC message; None for anything else."""
    if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
        return None
    if isinstance(message.get("method"), str):
        if not isinstance(message.get("params", {}), dict | None):
            return None
        identifier = message.get("id")
        is_id = isinstance(identifier, int | str) and not isinstance(identifier, bool)
        return "request" if is_id else "notification"
    if "id" in message and ("result" in message or "error" in message):
        return "response"
    return None


def accepts(headers: Headers, media: bytes) -> bool:
    """Whether the Accept header (absent: anything) allows `media`."""
    accept = headers.get(b"accept")
    if accept is None:
        return True
    kind = media.split(b"/")[0] + b"/*"
    offered = {part.split(b";")[0].strip().lower() for part in accept.split(b",")}
    return bool(offered & {media, kind, b"*/*"})


async def body(headers: Headers, receive: Receive, send: Send, limit: int) -> bytes | None:
    """The request body; None once a 413 has been sent for one over `limit` bytes (or the client has left).

    A Content-Length over the limit is refused before a byte is read, a longer chunked body as soon as it passes
    the limit; the server (uvicorn) then discards what the client still sends, and the connection stays usable.
    """
    declared = headers.get(b"content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        await _too_large(send, limit)
        return None
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            await _too_large(send, limit)
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


async def _too_large(send: Send, limit: int) -> None:
    message = f"Payload Too Large: the request body is larger than the server's limit of {limit} bytes (--max-body)"
    await reply(send, 413, error(None, RpcError(-32600, message)))


async def disconnect(receive: Receive) -> None:
    """Returns when the client has hung up."""
    while (await receive())["type"] != "http.disconnect":
        pass


def result(identifier: Any, encoded: bytes) -> bytes:
    """A response carrying an already encoded result."""
    return b'{"jsonrpc":"2.0","id":' + orjson.dumps(identifier) + b',"result":' + encoded + b"}"


def error(identifier: Any, failure: RpcError) -> bytes:
    """An error response."""
    return orjson.dumps({"jsonrpc": "2.0", "id": identifier, "error": failure.body()})


def notification(method: str, params: dict[str, Any]) -> bytes:
    """A notification from the server."""
    return orjson.dumps({"jsonrpc": "2.0", "method": method, "params": params})


def event(message: bytes) -> bytes:
    """One message as an SSE event."""
    return b"event: message\r\ndata: " + message + b"\r\n\r\n"


def content_length(size: int) -> tuple[bytes, bytes]:
    """The Content-Length header."""
    return b"content-length", str(size).encode()


async def reply(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """A JSON answer."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [JSON, *(headers or ()), content_length(len(body))],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def text(send: Send, status: int, body: bytes) -> None:
    """A plain answer without a content type (as the SDK sends its transport refusals)."""
    await send({"type": "http.response.start", "status": status, "headers": [content_length(len(body))]})
    await send({"type": "http.response.body", "body": body})
