"""An MCP client over HTTP for the torture parts: both protocol eras, and raw sends that say what went wrong."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import httpx2
import orjson

LEGACY = "2025-11-25"
MODERN = "2026-07-28"
ERAS = ("legacy", "modern")
ENVELOPE = {
    "io.modelcontextprotocol/protocolVersion": MODERN,
    "io.modelcontextprotocol/clientCapabilities": {},
    "io.modelcontextprotocol/clientInfo": {"name": "torture", "version": "1"},
}
BASE_HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
INTERNAL = -32603  # JSON-RPC's internal error: the server failed, whatever was asked


@dataclass(frozen=True)
class Reply:
    """What came back for one HTTP request: a status and body, or the way it failed (dropped, hang)."""

    status: int | None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    failure: str | None = None  # dropped: the connection broke; hang: no answer in time; unsent: refused by httpx
    detail: str = ""

    def message(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return orjson.loads(self.body)
        except orjson.JSONDecodeError:
            return None

    def result(self) -> dict[str, Any] | None:
        """The JSON-RPC `result` member, when the answer has one."""
        message = self.message()
        result = message.get("result") if isinstance(message, dict) else None
        return result if isinstance(result, dict) else None

    def ok(self) -> bool:
        """Whether this is a successful tool call: 200, a result, and not isError."""
        result = self.result()
        return self.status == 200 and result is not None and result.get("isError") is False

    def internal(self) -> bool:
        """Whether the server answered that it failed: JSON-RPC internal error, or a masked tool error."""
        message = self.message()
        if not isinstance(message, dict):
            return False
        error = message.get("error")
        if isinstance(error, dict) and error.get("code") == INTERNAL:
            return True
        result = message.get("result")
        if isinstance(result, dict) and result.get("isError"):
            return any("internal error" in str(part.get("text", "")) for part in result.get("content") or [])
        return False

    def structured(self) -> dict[str, Any] | None:
        """A tool result's structuredContent."""
        result = self.result()
        content = result.get("structuredContent") if result else None
        return content if isinstance(content, dict) else None


async def send(
    http: httpx2.AsyncClient,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | list[tuple[bytes, bytes]] | None = None,
    method: str = "POST",
    timeout: float = 15.0,
) -> Reply:
    """One HTTP request; a broken connection or a timeout comes back as a Reply saying so, never raised."""
    try:
        response = await http.request(method, url, content=body, headers=headers, timeout=timeout)
    except httpx2.LocalProtocolError as exc:  # this client would not send it: nothing the server did
        return Reply(None, failure="unsent", detail=f"{type(exc).__name__}: {exc}"[:200])
    except httpx2.TimeoutException as exc:
        return Reply(None, failure="hang", detail=type(exc).__name__)
    except (httpx2.TransportError, httpx2.DecodingError) as exc:
        return Reply(None, failure="dropped", detail=f"{type(exc).__name__}: {exc}"[:200])
    return Reply(response.status_code, response.content, dict(response.headers))


def request(identifier: Any, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """A JSON-RPC request object."""
    message: dict[str, Any] = {"jsonrpc": "2.0", "id": identifier, "method": method}
    if params is not None:
        message["params"] = params
    return message


def modern_headers(method: str, params: dict[str, Any] | None) -> dict[str, str]:
    """The 2026-07-28 routing headers for a request: version, method, and the name it calls or reads."""
    headers = {**BASE_HEADERS, "MCP-Protocol-Version": MODERN, "Mcp-Method": method}
    name = (params or {}).get("name") if method != "resources/read" else (params or {}).get("uri")
    if isinstance(name, str):
        headers["Mcp-Name"] = name if name.isascii() else _base64_name(name)
    return headers


def enveloped(params: dict[str, Any] | None) -> dict[str, Any]:
    """Params with the 2026-07-28 `_meta` envelope."""
    return {**(params or {}), "_meta": ENVELOPE}


def _base64_name(name: str) -> str:
    import base64  # noqa: PLC0415 -- only names that are not ASCII need it

    return "=?base64?" + base64.b64encode(name.encode("utf-8", "surrogatepass")).decode() + "?="


class Session:
    """One client of one era: legacy opens a session with `initialize`; modern sends its envelope every time."""

    def __init__(
        self, http: httpx2.AsyncClient, url: str, era: str, timeout: float = 15.0, extra: dict[str, str] | None = None
    ) -> None:
        self.http, self.url, self.era, self.timeout = http, url, era, timeout
        self.extra = extra or {}  # headers every request of this client carries (Origin, Host)
        self.session_id = ""
        self._ids = itertools.count(1)

    async def open(self) -> Reply | None:
        """Legacy: the handshake (initialize, then initialized); None when it worked or nothing was needed."""
        if self.era != "legacy":
            return None
        params = {"protocolVersion": LEGACY, "capabilities": {}, "clientInfo": {"name": "torture", "version": "1"}}
        reply = await send(
            self.http,
            self.url,
            body=orjson.dumps(request(0, "initialize", params)),
            headers={**BASE_HEADERS, **self.extra},
        )
        self.session_id = reply.headers.get("mcp-session-id", "")
        if reply.status != 200 or not self.session_id:
            return reply
        notified = orjson.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"})
        await send(self.http, self.url, body=notified, headers=self.headers("notifications/initialized", None))
        return None

    def headers(self, method: str, params: dict[str, Any] | None) -> dict[str, str]:
        """The headers a request of this era carries."""
        if self.era == "modern":
            return {**modern_headers(method, params), **self.extra}
        return {**BASE_HEADERS, "Mcp-Session-Id": self.session_id, **self.extra}

    def body(self, identifier: Any, method: str, params: dict[str, Any] | None) -> bytes:
        """The encoded request of this era (modern: with the envelope)."""
        if self.era == "modern":
            params = enveloped(params)
        return orjson.dumps(request(identifier, method, params))

    async def request(self, method: str, params: dict[str, Any] | None = None, identifier: Any = None) -> Reply:
        """One request of this era; its id is the next number unless given."""
        identifier = next(self._ids) if identifier is None else identifier
        body = self.body(identifier, method, params)
        return await send(self.http, self.url, body=body, headers=self.headers(method, params), timeout=self.timeout)

    async def call(self, tool: str, arguments: dict[str, Any]) -> Reply:
        """tools/call."""
        return await self.request("tools/call", {"name": tool, "arguments": arguments})


def http_client(connections: int = 64) -> httpx2.AsyncClient:
    """The HTTP client every part uses: loopback only, no proxies from the environment."""
    limits = httpx2.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx2.AsyncClient(limits=limits, trust_env=False, timeout=15.0)
