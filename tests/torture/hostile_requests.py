"""The hostile requests of part 2: malformed JSON-RPC over HTTP in both protocol eras, as raw bytes and headers.

Each Case is one HTTP request. Most have no expected answer beyond the rules every answer keeps (no 5xx, no
dropped connection, no hang, no internal error, JSON where JSON is said); a few must get a given status.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from tests.torture.client import BASE_HEADERS, ENVELOPE, LEGACY, MODERN, enveloped, modern_headers, request

MAX_BODY = 4 * 1024 * 1024  # what the server takes (runtime/jsonrpc.py); beyond it, 413
Tool = dict[str, Any]


@dataclass(frozen=True)
class Case:
    """One hostile HTTP request; `session` adds the run's legacy session id; `expect` is the status it must get."""

    label: str
    body: bytes | None
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "POST"
    session: bool = False
    path: str = "/mcp"
    expect: int | None = None
    repeated: tuple[tuple[str, str], ...] = ()  # headers sent a second time

    def with_headers(self, **headers: str) -> Case:
        """The same request with these headers set."""
        return Case(
            self.label, self.body, {**self.headers, **headers}, self.method, self.session, self.path, self.expect
        )

    def header_list(self, session_id: str) -> list[tuple[bytes, bytes]]:
        """Its headers as sent (Latin-1, as HTTP has them), with the session's and the repeated ones."""
        headers = [*self.headers.items(), *self.repeated]
        if self.session:
            headers.append(("Mcp-Session-Id", session_id))
        return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers]


def legacy(label: str, body: bytes | None, method: str = "", params: Any = None, **more: Any) -> Case:
    """A handshake-era request on the run's session (`method` and `params` only matter to modern ones)."""
    return Case(f"legacy {label}", body, dict(BASE_HEADERS), session=True, **more)


def modern(label: str, body: bytes | None, method: str = "tools/list", params: Any = None, **more: Any) -> Case:
    """A 2026-07-28 request, its routing headers made for `method` and `params`."""
    headers = modern_headers(method, params if isinstance(params, dict) else None)
    return Case(f"modern {label}", body, headers, **more)


def both(label: str, body: bytes, method: str = "tools/list", params: Any = None) -> list[Case]:
    """The same body in both eras."""
    return [legacy(label, body), modern(label, body, method, params)]


def good(era: str, identifier: Any, method: str, params: dict[str, Any] | None = None) -> bytes:
    """A well-formed request of an era (stdlib json: it writes integers of any size)."""
    message = request(identifier, method, enveloped(params) if era == "modern" else params)
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode()


_RPC = b'{"jsonrpc":"2.0",'  # the start of most malformed requests below
MALFORMED: tuple[bytes, ...] = (
    b"", b" ", b"{", b"[", b"}", b"nul", b"NaN", b"Infinity", b'"text"', b"123", b"true", b"null", b"[]", b"{}",
    b'{"jsonrpc":"2.0"', _RPC + b'"id":1,"method":"tools/list",}', _RPC + b'"id":NaN,"method":"ping"}',
    _RPC + b'"id":1,"method":"ping"}' + _RPC + b'"id":2,"method":"ping"}', b"\xff\xfe\x00{", b"\x00" * 64,
    b"\xef\xbb\xbf" + _RPC + b'"id":1,"method":"tools/list"}',
    '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'.encode("utf-16"),
    b'{"jsonrpc":"1.0","id":1,"method":"tools/list"}', b'{"jsonrpc":2,"id":1,"method":"tools/list"}',
    b'{"id":1,"method":"tools/list"}', _RPC + b'"id":1}', _RPC + b'"id":1,"method":5}', _RPC + b'"id":1,"method":""}',
    _RPC + b'"id":1,"method":null}', _RPC + b'"id":1,"method":["tools/list"]}',
    _RPC + b'"id":1,"id":2,"method":"ping"}',
    _RPC + b'"id":1,"method":"tools/list","params":[]}', _RPC + b'"id":1,"method":"tools/list","params":"x"}',
    _RPC + b'"id":1,"method":"tools/list","params":7}', _RPC + b'"id":1,"method":"tools/list","params":null}',
    _RPC + b'"id":1,"result":{}}', _RPC + b'"id":1,"error":{"code":1,"message":"x"}}',
    _RPC + b'"id":1,"method":"tools/list","params":{"_meta":7}}', _RPC + b'"id":1e400,"method":"ping"}',
    _RPC + b'"id":123456789012345678901234567890,"method":"ping"}', _RPC + b'"id":-0,"method":"ping"}',
    _RPC + b'"id":"\\u0000","method":"ping"}', _RPC + b'"id":1,"method":"tools/list\\u0000"}',
    _RPC + b'"id":1,"method":"tools/call","params":{"name":"x","arguments":[]}}',
    b"{" + b'"a":' * 10 + b"1" + b"}" * 10,
)  # fmt: skip

IDS: tuple[Any, ...] = (
    None,
    True,
    False,
    1.5,
    -1,
    0,
    2**53 + 1,
    2**63,
    -(2**63),
    "",
    "x" * 10000,
    {},
    [],
    {"a": 1},
    [1],
)
METHODS = (
    "prompts/list", "prompts/get", "resources/templates/list", "resources/subscribe", "completion/complete",
    "logging/setLevel", "sampling/createMessage", "roots/list", "$/cancelRequest", "__proto__", "constructor",
    "tools/list/", "TOOLS/LIST", "tools/call\n", "initialize", "notifications/initialized", "ping", "server/discover",
    "subscriptions/listen", "x" * 10000,
)  # fmt: skip
VERSIONS = (
    "",
    "garbage",
    "2026-07-28x",
    "2026-07-28,2026-07-28",
    "2099-01-01",
    "2024-11-05",
    "2025-06-18",
    "1",
    "\x7f",
    "v" * 5000,
)


def malformed() -> Iterator[Case]:
    """Bodies that are not JSON, not JSON-RPC, or odd JSON-RPC, in both eras."""
    for body in MALFORMED:
        yield from both(f"malformed {body[:40]!r}", body)


def content_types() -> Iterator[Case]:
    """Wrong, odd and missing Content-Type and Accept headers, in both eras; text/plain must get 400."""
    for era in ("legacy", "modern"):
        body = good(era, 1, "tools/list")
        make = legacy if era == "legacy" else modern
        for kind in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
            case = make(f"content type {kind}", body)
            yield Case(case.label, body, {**case.headers, "Content-Type": kind}, session=case.session, expect=400)
        for odd in (
            None,
            "",
            "application/json; charset=utf-16",
            "APPLICATION/JSON",
            "application/json-seq",
            "application/jsonx",
        ):
            case = make(f"content type {odd!r}", body)
            headers = {k: v for k, v in case.headers.items() if k != "Content-Type"}
            if odd is not None:
                headers["Content-Type"] = odd
            yield Case(case.label, body, headers, session=case.session)
        for accept in ("text/html", "", "application/*", "*/*", ";;;,,,", "application/json;q=0", "text/event-stream"):
            case = make(f"accept {accept!r}", body)
            yield Case(case.label, body, {**case.headers, "Accept": accept}, session=case.session)


def http_methods() -> Iterator[Case]:
    """Other HTTP methods and paths, in both eras."""
    body = good("legacy", 1, "tools/list")
    for method in ("PUT", "PATCH", "HEAD", "OPTIONS", "TRACE", "GET", "DELETE"):
        yield legacy(f"HTTP {method}", body if method in ("PUT", "PATCH") else None, method=method)
        yield modern(f"HTTP {method}", body if method in ("PUT", "PATCH") else None, method=method)
        yield Case(f"HTTP {method} without session", None, dict(BASE_HEADERS), method=method)
    yield Case("GET stream accepting JSON only", None, {"Accept": "application/json"}, method="GET", session=True)
    for path in (
        "/mcp/",
        "/mcp?x=1",
        "/MCP",
        "/mcp/../healthz",
        "/%00",
        "/mcp%2f",
        "/healthz?" + "x" * 4000,
        "/" + "a" * 8000,
    ):
        yield legacy(f"path {path[:30]}", body, path=path)


def batches() -> Iterator[Case]:
    """JSON arrays of requests: empty, one, many, garbage, nested."""
    for era in ("legacy", "modern"):
        one = orjson.loads(good(era, 1, "tools/list"))
        make = legacy if era == "legacy" else modern
        for label, batch in (
            ("empty", []),
            ("one", [one]),
            ("hundred", [{**one, "id": i} for i in range(100)]),
            ("garbage", [1, "x", None]),
            ("nested", [[one]]),
            ("notification", [{"jsonrpc": "2.0", "method": "notifications/initialized"}]),
        ):
            yield make(f"batch {label}", orjson.dumps(batch))


def sized() -> Iterator[Case]:
    """Huge and deep bodies: up to 4 MB must be answered, beyond it 413; nesting thousands deep."""
    for era in ("legacy", "modern"):
        make = legacy if era == "legacy" else modern
        for size in (10**6, MAX_BODY - 4096):
            arguments = {"title": "t", "notes": "n" * size}
            body = good(era, 1, "tools/call", {"name": "create_task", "arguments": arguments})
            yield make(f"body of {len(body)} bytes", body, "tools/call", {"name": "create_task"})
        for size in (MAX_BODY + 1024, 2 * MAX_BODY, 8 * MAX_BODY):
            body = good(era, 1, "tools/call", {"name": "create_task", "arguments": {"title": "x" * size}})
            yield make(
                f"body of {len(body)} bytes (too large)", body, "tools/call", {"name": "create_task"}, expect=413
            )
        for depth in (100, 1000, 10000, 100000):
            deep = b"[" * depth + b"]" * depth
            yield make(f"params {depth} deep", good(era, 1, "tools/list")[:-1] + b',"x":' + deep + b"}")
            nested = b'{"a":' * depth + b"1" + b"}" * depth
            wrapped = b'{"name":"list_tasks","arguments":{"cursor":' + nested + b"}}"
            yield make(
                f"arguments {depth} deep",
                b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":' + wrapped + b"}",
                "tools/call",
                {"name": "list_tasks"},
            )
        wide = {f"k{i}": i for i in range(100000)}
        yield make(
            "arguments with 100000 keys",
            good(era, 1, "tools/call", {"name": "list_tasks", "arguments": wide}),
            "tools/call",
            {"name": "list_tasks"},
        )
        yield make(
            "a key of 1 MB",
            good(era, 1, "tools/call", {"name": "list_tasks", "arguments": {"k" * 10**6: 1}}),
            "tools/call",
            {"name": "list_tasks"},
        )


def identifiers() -> Iterator[Case]:
    """Odd JSON-RPC ids, in both eras, and a missing one (a notification in disguise)."""
    for identifier in IDS:
        yield from both(f"id {str(identifier)[:30]}", good("legacy", identifier, "tools/list"))
        yield modern(f"id {str(identifier)[:30]} with envelope", good("modern", identifier, "tools/list"))
    yield modern(
        "no id, with envelope", orjson.dumps({"jsonrpc": "2.0", "method": "tools/list", "params": {"_meta": ENVELOPE}})
    )


def sessions(session_id: str) -> Iterator[Case]:
    """Bad session ids: missing, unknown, forged, huge, of the other era; unknown ones must get 404."""
    body = good("legacy", 1, "tools/list")
    flipped = session_id[:-1] + ("A" if session_id[-1] != "A" else "B")
    payload, _, signature = session_id.partition(".")
    forged_payload = (
        base64.urlsafe_b64encode(json.dumps([LEGACY, "x", "1", "admin", "0"]).encode()).decode().rstrip("=")
    )
    for label, value, expect in (
        ("unknown", "no-such-session", 404),
        ("flipped", flipped, 404),
        ("forged payload", f"{forged_payload}.{signature}", 404),
        ("no signature", payload, 404),
        ("suffix", session_id + ".x", 404),
        ("empty", "", 400),
        ("huge", "s" * 10000, 404),
        ("latin-1", "séssion", 404),
    ):
        headers = {**BASE_HEADERS, "Mcp-Session-Id": value}
        yield Case(f"legacy session {label}", body, headers, expect=expect)
    yield Case("legacy no session header", body, dict(BASE_HEADERS), expect=400)
    yield Case("legacy session DELETE of unknown", None, {"Mcp-Session-Id": flipped}, method="DELETE", expect=404)
    yield Case(
        "legacy GET of unknown session",
        None,
        {"Accept": "text/event-stream", "Mcp-Session-Id": flipped},
        method="GET",
        expect=404,
    )
    for version in VERSIONS:
        headers = {**BASE_HEADERS, "Mcp-Session-Id": session_id, "MCP-Protocol-Version": version}
        yield Case(f"session with version {version[:20]!r}", body, headers)
        yield Case(
            f"modern body, version {version[:20]!r}",
            good("modern", 1, "tools/list"),
            {**modern_headers("tools/list", None), "MCP-Protocol-Version": version},
        )


def envelopes() -> Iterator[Case]:
    """2026-07-28 requests with envelopes and routing headers that are missing, mismatched or of wrong types."""
    base = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    version, capabilities, info = (
        f"io.modelcontextprotocol/{key}" for key in ("protocolVersion", "clientCapabilities", "clientInfo")
    )
    metas: list[Any] = [None, 7, "x", [], {}, {version: MODERN}, {**ENVELOPE, capabilities: "x"}]
    metas += [{**ENVELOPE, version: "2099-01-01"}, {**ENVELOPE, info: "x"}]
    metas += [{**ENVELOPE, info: {"name": "n" * 100000, "version": []}}]
    for meta in metas:
        yield modern(f"envelope {str(meta)[:40]}", orjson.dumps({**base, "params": {"_meta": meta}}))
    body = good("modern", 1, "tools/call", {"name": "list_tasks", "arguments": {}})
    headers = modern_headers("tools/call", {"name": "list_tasks"})
    for label, changed in (
        ("no Mcp-Method", {k: v for k, v in headers.items() if k != "Mcp-Method"}),
        ("Mcp-Method mismatch", {**headers, "Mcp-Method": "tools/list"}),
        ("no Mcp-Name", {k: v for k, v in headers.items() if k != "Mcp-Name"}),
        ("Mcp-Name mismatch", {**headers, "Mcp-Name": "delete_task"}),
        ("Mcp-Name bad base64", {**headers, "Mcp-Name": "=?base64?!!!?="}),
        (
            "Mcp-Name base64 of bad UTF-8",
            {**headers, "Mcp-Name": "=?base64?" + base64.b64encode(b"\xed\xa0\x80").decode() + "?="},
        ),
        ("Mcp-Name huge", {**headers, "Mcp-Name": "n" * 10000}),
    ):
        yield Case(f"modern {label}", body, changed)
    yield Case("modern Mcp-Method twice", body, headers, repeated=(("Mcp-Method", "tools/call"),), expect=400)
    for version in VERSIONS:
        yield Case(
            f"modern notification, version {version[:20]!r}",
            b'{"jsonrpc":"2.0","method":"notifications/cancelled"}',
            {**BASE_HEADERS, "MCP-Protocol-Version": version},
        )


def initializes() -> Iterator[Case]:
    """Odd handshakes: params missing or of wrong types, a client name of 100 KB, odd versions."""
    handshake: dict[str, Any] = {"protocolVersion": LEGACY, "capabilities": {}}
    odd: list[Any] = [None, [], "x", {}, {"protocolVersion": 7}, {"protocolVersion": None, "capabilities": []}]
    odd += [{**handshake, "clientInfo": "x"}, {**handshake, "clientInfo": {"name": {"a": 1}, "version": [1]}}]
    odd += [{**handshake, "clientInfo": {"name": "n" * 100000, "version": "1"}}]
    odd += [{"protocolVersion": "x" * 10000, "capabilities": {"a": [1] * 1000}}]
    for params in odd:
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": 1, "method": "initialize"}
        if params is not None:
            message["params"] = params
        yield Case(f"initialize {str(params)[:40]}", orjson.dumps(message), dict(BASE_HEADERS))
    yield legacy(
        "initialize on a session", good("legacy", 1, "initialize", {"protocolVersion": LEGACY, "capabilities": {}})
    )
    yield modern(
        "initialize in 2026",
        good("modern", 1, "initialize", {"protocolVersion": MODERN, "capabilities": {}}),
        "initialize",
    )


def other_methods() -> Iterator[Case]:
    """Methods this server does not have, or has in the other era, and resources/read of odd URIs."""
    for method in METHODS:
        yield legacy(f"method {method[:30]!r}", good("legacy", 1, method, {}))
        yield modern(f"method {method[:30]!r}", good("modern", 1, method, {}), method)
    for uri in (
        "ui://../../etc/passwd",
        "file:///etc/passwd",
        "",
        "ui://widget/board.html?x=1",
        "ui://" + "x" * 10000,
        "\u202e",
    ):
        for era in ("legacy", "modern"):
            make = legacy if era == "legacy" else modern
            yield make(
                f"resources/read {uri[:30]!r}",
                good(era, 1, "resources/read", {"uri": uri}),
                "resources/read",
                {"uri": uri},
            )


def hosts_and_origins() -> Iterator[Case]:
    """Requests for another Host (421) or from another site's page (403): DNS rebinding."""
    body = good("legacy", 1, "tools/list")
    for host in ("evil.example", "127.0.0.1.evil.example", "localhost.", "[::2]", "", "127.0.0.1:1:2"):
        expect = 421 if host in ("evil.example", "127.0.0.1.evil.example") else None
        yield Case(f"legacy Host {host!r}", body, {**BASE_HEADERS, "Host": host}, session=True, expect=expect)
        yield modern(f"Host {host!r}", good("modern", 1, "tools/list"), expect=expect).with_headers(Host=host)
    for origin in ("https://evil.example", "http://127.0.0.1.evil.example", "null", "file://", "javascript:alert(1)"):
        expect = 403 if origin.startswith("http") else None
        yield Case(f"Origin {origin}", body, {**BASE_HEADERS, "Origin": origin}, session=True, expect=expect)
