"""Streamable HTTP at /mcp, lean: every POST answered with one JSON body, in both protocol eras.

The era is decided as the official SDK decides it, by the MCP-Protocol-Version header: none, or a handshake
version, is the handshake era (sessions, GET streams, DELETE); any other value is the 2026-07-28 revision,
whose requests carry their own `_meta` envelope. Only the notification streams are SSE: GET (handshake era)
and `subscriptions/listen` (2026), which carry `notifications/tools/list_changed`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import orjson
from starlette.types import Receive, Scope, Send

from . import jsonrpc
from .auth import ANONYMOUS, LOCAL, Identity
from .jsonrpc import JSON, Headers, RpcError
from .protocol import CLIENT_INFO, LEGACY, MODERN, SERVER_INFO, Caller, Protocol, invalid_params
from .server import Server
from .sessions import Session, Sessions
from .telemetry import trace_headers

CLIENT_INFO_CHARS = 100  # of a client's name and version kept: a session id carries them, and it is a header
KEEPALIVE = 15.0  # seconds between comments on an idle stream, so proxies keep it open
PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion"
CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities"
SUBSCRIPTION = "io.modelcontextprotocol/subscriptionId"
ROUTING = (b"mcp-protocol-version", b"mcp-method", b"mcp-name")
NAMED = {"tools/call": "name", "prompts/get": "name", "resources/read": "uri"}  # what Mcp-Name must repeat
HTTP_STATUS = {-32700: 400, -32600: 400, -32602: 400, -32020: 400, -32021: 400, -32022: 400, -32601: 404}
SSE = [
    (b"content-type", b"text/event-stream"),
    (b"cache-control", b"no-cache, no-transform"),
    (b"x-accel-buffering", b"no"),
]


class Streamable:
    """The /mcp endpoint of `server`; `sessions` makes and checks handshake-era session ids.

    A request body over `max_body` bytes gets a 413, in both eras.
    """

    def __init__(self, server: Server, sessions: Sessions, max_body: int) -> None:
        self.server, self.sessions, self.protocol, self.max_body = server, sessions, Protocol(server), max_body
        self._streams: dict[str, asyncio.Queue[bool]] = {}  # the GET stream of each session that has one (here)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Routes a request by its era, then by its HTTP method."""
        headers: Headers = dict(scope["headers"])
        version = headers.get(b"mcp-protocol-version")
        if version is not None and version.decode("latin-1") not in LEGACY:
            await self._modern(scope, headers, receive, send)
        elif scope["method"] == "POST":
            await self._post(scope, headers, receive, send)
        elif scope["method"] == "GET":
            await self._get(scope, headers, receive, send)
        elif scope["method"] == "DELETE":
            await self._delete(scope, headers, send)
        else:
            allow = [(b"allow", b"GET, POST, DELETE")]
            await jsonrpc.reply(send, 405, jsonrpc.error(None, RpcError(-32600, "Method Not Allowed")), allow)

    # --- the handshake era ---------------------------------------------------------------------------------

    async def _post(self, scope: Scope, headers: Headers, receive: Receive, send: Send) -> None:
        if not headers.get(b"content-type", b"").lower().startswith(b"application/json"):
            await jsonrpc.text(send, 400, b"Invalid Content-Type header")
            return
        if not jsonrpc.accepts(headers, b"application/json"):
            refused = RpcError(-32600, "Not Acceptable: Client must accept application/json")
            await jsonrpc.reply(send, 406, jsonrpc.error(None, refused))
            return
        body = await jsonrpc.body(headers, receive, send, self.max_body)
        if body is None:
            return
        try:
            message = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            await jsonrpc.reply(send, 400, jsonrpc.error(None, RpcError(-32700, f"Parse error: {exc}")))
            return
        kind = jsonrpc.kind_of(message)
        if kind is None:
            message = "Validation error: the body must be one JSON-RPC request, notification or response object"
            await jsonrpc.reply(send, 400, jsonrpc.error(None, RpcError(-32602, message)))
            return
        if kind == "request" and message["method"] == "initialize":
            await self._initialize(scope, message, send)
            return
        session_id = headers.get(b"mcp-session-id", b"").decode("latin-1")
        session = await self._session(scope, session_id, send)
        if session is None:
            return
        tag = [(b"mcp-session-id", session_id.encode())]
        if kind != "request":
            await send(
                {"type": "http.response.start", "status": 202, "headers": [JSON, *tag, jsonrpc.content_length(0)]}
            )
            await send({"type": "http.response.body", "body": b""})
            return
        trace = trace_headers(scope) if self.server.telemetry else None
        caller = Caller(session.protocol, (session.client, session.client_version), self._identity(scope), trace)
        answer = await self._answer(message, caller)
        await jsonrpc.reply(send, 200, answer, tag)

    async def _initialize(self, scope: Scope, message: dict[str, Any], send: Send) -> None:
        try:
            result, version = self.protocol.initialize(message.get("params"))
        except RpcError as exc:
            await jsonrpc.reply(send, 200, jsonrpc.error(message["id"], exc))
            return
        info = message["params"].get("clientInfo")
        name, client_version = (info.get("name"), info.get("version")) if isinstance(info, dict) else ("", "")
        identity = self._identity(scope)
        session = Session(version, _said(name), _said(client_version), identity.subject)
        session_id = self.sessions.open(session)
        await jsonrpc.reply(
            send, 200, jsonrpc.result(message["id"], result), [(b"mcp-session-id", session_id.encode())]
        )

    async def _session(self, scope: Scope, session_id: str, send: Send) -> Session | None:
        """The request's session, or None once the answer that there is none has been sent."""
        if not session_id:
            await jsonrpc.reply(send, 400, jsonrpc.error(None, RpcError(-32600, "Bad Request: Missing session ID")))
            return None
        session = self.sessions.read(session_id)
        if session is None or session.subject != self._identity(scope).subject:  # sessions are bound to who opened them
            await jsonrpc.reply(send, 404, jsonrpc.error(None, RpcError(-32600, "Session not found")))
            return None
        return session

    async def _get(self, scope: Scope, headers: Headers, receive: Receive, send: Send) -> None:
        """The session's stream of notifications: `notifications/tools/list_changed` after each reload."""
        if not jsonrpc.accepts(headers, b"text/event-stream"):
            refused = RpcError(-32600, "Not Acceptable: Client must accept text/event-stream")
            await jsonrpc.reply(send, 406, jsonrpc.error(None, refused))
            return
        session_id = headers.get(b"mcp-session-id", b"").decode("latin-1")
        if await self._session(scope, session_id, send) is None:
            return
        if session_id in self._streams:
            conflict = RpcError(-32600, "Conflict: Only one SSE stream is allowed per session")
            await jsonrpc.reply(send, 409, jsonrpc.error(None, conflict))
            return
        queue = self._streams[session_id] = self.server.changes.listen()
        try:
            changed = orjson.dumps({"jsonrpc": "2.0", "method": "notifications/tools/list_changed"})
            tag = [(b"mcp-session-id", session_id.encode())]
            await self._stream(queue, receive, send, tag, changed=changed)
        finally:
            del self._streams[session_id]

    async def _delete(self, scope: Scope, headers: Headers, send: Send) -> None:
        """Ends a session; refused (405, as the specification allows) with a key that replicas share.

        The other replicas could not know that the session ended, and would go on serving it.
        """
        if self.sessions.shared:
            refused = RpcError(-32600, "Method Not Allowed: sessions end when their client stops using them")
            await jsonrpc.reply(send, 405, jsonrpc.error(None, refused), [(b"allow", b"GET, POST")])
            return
        session_id = headers.get(b"mcp-session-id", b"").decode("latin-1")
        if await self._session(scope, session_id, send) is None:
            return
        self.sessions.end(session_id)
        if (stream := self._streams.get(session_id)) is not None:
            stream.put_nowait(False)  # its GET stream ends now
        tag = (b"mcp-session-id", session_id.encode())
        await send({"type": "http.response.start", "status": 200, "headers": [JSON, tag, jsonrpc.content_length(0)]})
        await send({"type": "http.response.body", "body": b""})

    # --- the 2026-07-28 revision ---------------------------------------------------------------------------

    async def _modern(self, scope: Scope, headers: Headers, receive: Receive, send: Send) -> None:
        if not headers.get(b"content-type", b"").lower().startswith(b"application/json"):
            await jsonrpc.text(send, 400, b"Invalid Content-Type header")
            return
        if scope["method"] != "POST":
            await send(
                {
                    "type": "http.response.start",
                    "status": 405,
                    "headers": [(b"allow", b"POST"), jsonrpc.content_length(0)],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        if not jsonrpc.accepts(headers, b"application/json"):
            await jsonrpc.text(send, 406, b"")
            return
        body = await jsonrpc.body(headers, receive, send, self.max_body)
        if body is None:
            return
        try:
            message = orjson.loads(body)
        except orjson.JSONDecodeError:
            await jsonrpc.reply(send, 400, jsonrpc.error(None, RpcError(-32700, "Parse error")))
            return
        version = headers[b"mcp-protocol-version"].decode("latin-1")
        if isinstance(message, dict) and "id" not in message and jsonrpc.kind_of(message) == "notification":
            if version != MODERN:
                await jsonrpc.reply(send, 400, jsonrpc.error(None, _unsupported(version)))
                return
            await send({"type": "http.response.start", "status": 202, "headers": [jsonrpc.content_length(0)]})
            await send({"type": "http.response.body", "body": b""})
            return
        if jsonrpc.kind_of(message) != "request":
            invalid = RpcError(-32600, "Body must be a single JSON-RPC request or notification object")
            await jsonrpc.reply(send, 400, jsonrpc.error(None, invalid))
            return
        try:
            envelope = _envelope(scope, headers, message, version)
        except RpcError as exc:
            await jsonrpc.reply(send, HTTP_STATUS.get(exc.code, 200), jsonrpc.error(message["id"], exc))
            return
        info = envelope.get(CLIENT_INFO)
        client = (_said(info.get("name")), _said(info.get("version"))) if isinstance(info, dict) else None
        caller = Caller(MODERN, client, self._identity(scope), trace_headers(scope) if self.server.telemetry else None)
        if message["method"] == "subscriptions/listen":
            await self._listen(message, headers, receive, send)
            return
        try:
            answer = jsonrpc.result(
                message["id"], await self.protocol.answer(message["method"], message["params"], caller)
            )
            status = 200
        except RpcError as exc:
            answer, status = jsonrpc.error(message["id"], exc), HTTP_STATUS.get(exc.code, 200)
        await jsonrpc.reply(send, status, answer)

    async def _listen(self, message: dict[str, Any], headers: Headers, receive: Receive, send: Send) -> None:
        """A 2026 subscription: acknowledged at once, then a frame per tool list change, until either side ends."""
        if not jsonrpc.accepts(headers, b"text/event-stream"):
            await jsonrpc.text(send, 406, b"")
            return
        asked = message["params"].get("notifications")
        if not isinstance(asked, dict):
            await jsonrpc.reply(send, 400, jsonrpc.error(message["id"], invalid_params()))
            return
        honored: dict[str, Any] = {
            kind: True
            for kind in ("toolsListChanged", "promptsListChanged", "resourcesListChanged")
            if asked.get(kind) is True
        }
        if asked.get("resourceSubscriptions"):
            honored["resourceSubscriptions"] = asked["resourceSubscriptions"]
        tag = {SUBSCRIPTION: message["id"]}
        acknowledged = {"_meta": tag, "notifications": honored}
        first = jsonrpc.notification("notifications/subscriptions/acknowledged", acknowledged)
        changed = jsonrpc.notification("notifications/tools/list_changed", {"_meta": tag})
        final = jsonrpc.result(
            message["id"], orjson.dumps({"_meta": {**tag, SERVER_INFO: self.protocol.server_info()}})
        )
        if "toolsListChanged" not in honored:
            changed = b""  # nothing to tell
        await self._stream(self.server.changes.listen(), receive, send, [], changed=changed, first=first, final=final)

    # --- both ----------------------------------------------------------------------------------------------

    async def _answer(self, message: dict[str, Any], caller: Caller) -> bytes:
        try:
            return jsonrpc.result(
                message["id"], await self.protocol.answer(message["method"], message.get("params"), caller)
            )
        except RpcError as exc:
            return jsonrpc.error(message["id"], exc)

    def _identity(self, scope: Scope) -> Identity:
        """Who the auth guard found (ANONYMOUS without a token); LOCAL when the server checks nobody."""
        user = scope.get("user")
        if isinstance(user, Identity):
            return user
        return ANONYMOUS if self.server.authenticator is not None else LOCAL

    async def _stream(
        self,
        queue: asyncio.Queue[bool],
        receive: Receive,
        send: Send,
        headers: list[tuple[bytes, bytes]],
        *,
        changed: bytes | None,
        first: bytes | None = None,
        final: bytes | None = None,
    ) -> None:
        """An SSE stream: `first`, then `changed` each time `queue` (from server.changes) hears True.

        It lasts until the client leaves or the queue hears False: the server stops or the session ends (then it
        sends `final`).
        """
        await send({"type": "http.response.start", "status": 200, "headers": [*SSE, *headers]})
        if first is not None:
            await send({"type": "http.response.body", "body": jsonrpc.event(first), "more_body": True})
        left = asyncio.ensure_future(jsonrpc.disconnect(receive))
        try:
            while True:
                news = asyncio.ensure_future(queue.get())
                done, _ = await asyncio.wait({news, left}, timeout=KEEPALIVE, return_when=asyncio.FIRST_COMPLETED)
                if left in done:
                    news.cancel()
                    return
                if news not in done:
                    news.cancel()
                    await send({"type": "http.response.body", "body": b": ping\r\n\r\n", "more_body": True})
                elif not news.result():
                    ending = jsonrpc.event(final) if final is not None else b""
                    await send({"type": "http.response.body", "body": ending, "more_body": False})
                    return
                elif changed:
                    await send({"type": "http.response.body", "body": jsonrpc.event(changed), "more_body": True})
        finally:
            left.cancel()
            self.server.changes.forget(queue)


def _envelope(scope: Scope, headers: Headers, message: dict[str, Any], version: str) -> Mapping[str, Any]:
    """The request's 2026 `_meta` envelope, checked against its routing headers as the SDK checks it."""
    raw = [name for name, _ in scope["headers"]]
    for name in ROUTING:
        if raw.count(name) > 1:
            raise RpcError(-32020, f"{name.decode()} header appears more than once")
    params = message["params"] = message.get("params") or {}
    meta = params.get("_meta")
    if not isinstance(meta, dict):
        raise RpcError(
            -32602,
            f"params._meta must be an object carrying the required '{PROTOCOL_VERSION}' and "
            f"'{CLIENT_CAPABILITIES}' envelope keys",
        )
    if missing := [key for key in (PROTOCOL_VERSION, CLIENT_CAPABILITIES) if key not in meta]:
        raise RpcError(-32602, f"params._meta is missing the required envelope key(s): {', '.join(missing)}")
    if meta[PROTOCOL_VERSION] != version:
        raise RpcError(-32020, "mcp-protocol-version header does not match the request envelope's protocol version")
    method = message["method"]
    if headers.get(b"mcp-method", b"").decode("latin-1") != method:
        raise RpcError(-32020, "mcp-method header does not match the request body's method")
    key = NAMED.get(method)
    if key is not None and params.get(key) is not None and _decoded(headers.get(b"mcp-name")) != params[key]:
        raise RpcError(-32020, f"mcp-name header does not match the request body's '{key}' parameter")
    if version != MODERN:
        raise _unsupported(version)
    if not isinstance(meta[CLIENT_CAPABILITIES], dict):
        raise invalid_params()
    return meta


def _decoded(value: bytes | None) -> str | None:
    """An Mcp-Name header: plain, or `=?base64?...?=` for names that are not ASCII."""
    if value is None:
        return None
    text = value.decode("latin-1")
    if text.startswith("=?base64?") and text.endswith("?="):
        import base64  # noqa: PLC0415 -- only for names that need it

        try:
            return base64.b64decode(text[9:-2], validate=True).decode()
        except ValueError:
            return None
    return text


def _unsupported(version: str) -> RpcError:
    return RpcError(-32022, "Unsupported protocol version", {"supported": [MODERN], "requested": version})


def _said(value: Any) -> str:
    """A clientInfo text as kept: cut short, as it only names the client in logs and spans.

    Uncut, a client could make a session id (a response header) longer than any HTTP client reads.
    """
    return str(value or "")[:CLIENT_INFO_CHARS]
