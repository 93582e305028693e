"""MCP's methods over JSON-RPC for a Server, in both protocol eras, as the official SDK answers them.

The handshake era (2024-11-05 … 2025-11-25: `initialize`, then a session) and the 2026-07-28 revision (every
request carries its `_meta` envelope; results say `resultType` and who answered) share everything but those
envelopes. Answers that never change between reloads (the tool and resource lists) are encoded once per
connector and era.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import orjson

from .auth import Identity
from .jsonrpc import RpcError
from .server import Server
from .tool import Connector

log = logging.getLogger(__name__)
LEGACY = ("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25")  # newest last: what other offers get
MODERN = "2026-07-28"
SERVER_INFO = "io.modelcontextprotocol/serverInfo"
CLIENT_INFO = "io.modelcontextprotocol/clientInfo"
CACHEABLE = {"tools/list", "resources/list", "resources/read", "server/discover"}


def invalid_params() -> RpcError:
    """What the SDK answers for params that do not fit the method."""
    return RpcError(-32602, "Invalid request parameters", "")


def not_found(method: str) -> RpcError:
    """A method this server does not have (in this era)."""
    return RpcError(-32601, "Method not found", method)


def negotiate(offered: Any) -> str:
    """The handshake-era version to speak: the client's, when it is one of ours, else the newest."""
    return offered if offered in LEGACY else LEGACY[-1]


@dataclass(frozen=True)
class Caller:
    """Who sends a request: the protocol version it speaks, its name and version if it said, its identity."""

    protocol: str
    client: tuple[str, str] | None
    identity: Identity
    trace: dict[str, str] | None = None  # W3C trace context headers, when telemetry is on


class Protocol:
    """Answers a Server's MCP requests; `answer` returns the encoded `result` member."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self._for: Connector | None = None
        self._lists: dict[tuple[str, bool], bytes] = {}
        self._info: dict[str, Any] = {}
        self._complete = self._cacheable = b""  # what ends every 2026 result, and every cacheable one

    def server_info(self) -> dict[str, Any]:
        """`serverInfo`: the connector's name and version (and title, description); made once per connector."""
        self._current()
        return self._info

    def _current(self) -> Connector:
        """The connector now served; after a reload, what was made of the old one is made again."""
        connector = self.server.connector
        if connector is not self._for:
            info: dict[str, Any] = {"name": connector.name}
            if connector.title:
                info["title"] = connector.title
            info["version"] = connector.version
            if connector.description:
                info["description"] = connector.description
            self._lists, self._info, self._for = {}, info, connector
            stamp = orjson.dumps({"_meta": {SERVER_INFO: info}})[1:]  # `"_meta":{...}}`
            self._complete = b',"resultType":"complete",' + stamp
            self._cacheable = b',"resultType":"complete","ttlMs":0,"cacheScope":"private",' + stamp
        return connector

    def initialize(self, params: Any) -> tuple[bytes, str]:
        """The handshake: the encoded result and the version agreed on."""
        if not isinstance(params, dict) or not isinstance(params.get("capabilities", {}), dict):
            raise invalid_params()
        version = negotiate(params.get("protocolVersion"))
        result: dict[str, Any] = {
            "capabilities": {"resources": {"listChanged": False, "subscribe": False}, "tools": {"listChanged": True}}
        }
        if self.server.connector.instructions is not None:
            result["instructions"] = self.server.connector.instructions
        result |= {"protocolVersion": version, "serverInfo": self.server_info()}
        return orjson.dumps(result), version

    async def answer(self, method: str, params: Any, caller: Caller) -> bytes:
        """The encoded result of one request; RpcError for the error answers (never anything else)."""
        telemetry = self.server.telemetry
        if telemetry is None:
            return await self._guarded(method, params, caller)
        with telemetry.request(method, params if isinstance(params, dict) else {}, caller.protocol, caller.trace or {}):
            return await self._guarded(method, params, caller)

    async def _guarded(self, method: str, params: Any, caller: Caller) -> bytes:
        try:
            return await self._answer(method, params, caller)
        except RpcError:
            raise
        except Exception as exc:  # tool calls never raise: this is a bug, logged, and masked for the client
            log.exception("%s failed", method)
            raise RpcError(-32603, "Internal server error") from exc

    async def _answer(self, method: str, params: Any, caller: Caller) -> bytes:
        if params is not None and not isinstance(params, dict):
            raise invalid_params()
        params, modern = params or {}, caller.protocol == MODERN
        if method == "tools/call":
            return self._encoded(await self._call(params, caller), "tools/call", modern)
        if method == "tools/list":
            await self.server.listed(caller.client, caller.protocol)
            return self._list(method, modern)
        if method == "resources/list":
            return self._list(method, modern)
        if method == "resources/read":
            return self._encoded(self._read(params), method, modern)
        if method == "ping" and not modern:
            return b"{}"
        if method == "server/discover" and modern:
            return self._encoded(self._discover(), method, modern)
        raise not_found(method)

    async def _call(self, params: dict[str, Any], caller: Caller) -> dict[str, Any]:
        name, arguments = params.get("name"), params.get("arguments")
        if not isinstance(name, str) or not isinstance(arguments, dict | None):
            raise invalid_params()
        identity, client, protocol = caller.identity, caller.client, caller.protocol
        return (await self.server.call(name, arguments, identity, client=client, protocol=protocol)).as_json()

    def _read(self, params: dict[str, Any]) -> dict[str, Any]:
        uri = params.get("uri")
        if not isinstance(uri, str):
            raise invalid_params()
        resource = self.server.connector.resources.get(uri)
        if resource is None:
            raise RpcError(-32602, f"Unknown resource {uri}")
        return {"contents": [resource.contents()]}

    def _discover(self) -> dict[str, Any]:
        capabilities = {"resources": {"listChanged": True, "subscribe": True}, "tools": {"listChanged": True}}
        result: dict[str, Any] = {"capabilities": capabilities}
        if self.server.connector.instructions is not None:
            result["instructions"] = self.server.connector.instructions
        return result | {"supportedVersions": [MODERN]}

    def _list(self, method: str, modern: bool) -> bytes:
        connector = self._current()
        encoded = self._lists.get((method, modern))
        if encoded is None:
            if method == "tools/list":
                result = {"tools": [tool.definition for tool in connector.tools.values()]}
            else:
                result = {"resources": [resource.definition for resource in connector.resources.values()]}
            encoded = self._lists[(method, modern)] = self._encoded(result, method, modern)
        return encoded

    def _encoded(self, result: dict[str, Any], method: str, modern: bool) -> bytes:
        """The result as the era sends it: the 2026 revision adds resultType, caching hints and who answered."""
        if not modern:
            return orjson.dumps(result)
        if "_meta" in result:  # the result's own _meta (a sign-in challenge, say) gets the stamp too
            meta = {**result["_meta"], SERVER_INFO: self.server_info()}
            result = {**result, "_meta": meta, "resultType": "complete"}
            return orjson.dumps(result | ({"ttlMs": 0, "cacheScope": "private"} if method in CACHEABLE else {}))
        self._current()
        tail = self._cacheable if method in CACHEABLE else self._complete  # the fixed members, encoded once
        return orjson.dumps(result)[:-1] + tail  # (a 2026 result always has members of its own)
