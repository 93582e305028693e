"""The hostile tool calls of part 2: wrong arguments, lone surrogates, injections as filters, fuzzed requests.

Every wrong argument type for each parameter of tools/list (and right-typed values its constraints refuse),
lone surrogates as \\ud800 escapes, injection strings as filters, queries and cursors, and well-formed
requests with bytes flipped, cut, repeated or inserted.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import orjson

from tests.torture.client import ENVELOPE
from tests.torture.hostile_requests import Case, Tool, good, legacy, modern
from tests.torture.injections import INJECTIONS


def _wrong_values(schema: dict[str, Any]) -> list[Any]:
    """Values of every wrong type for a property, and right-typed values its constraints refuse."""
    types = schema.get("type", [])
    types = [types] if isinstance(types, str) else list(types)
    found: list[Any] = []
    for value in ("text", 0, -1, 1.5, True, None, [], {}, [1], {"a": 1}, 2**63, -(2**63) - 1, 10**30, "1"):
        fits = (
            (isinstance(value, str) and "string" in types)
            or (type(value) is int and "integer" in types and -(2**63) <= value < 2**63)
            or (isinstance(value, bool) and "boolean" in types)
            or (value is None and "null" in types)
        )
        if not fits:
            found.append(value)
    if "enum" in schema:
        found += ["not_one_of_them", str(schema["enum"][0]).upper(), f" {schema['enum'][0]}"]
    if schema.get("format") == "date":
        found += ["2026-02-30", "2026-13-01", "99999-01-01", "2026-1-1", "today", "2026-01-01T00:00:00Z", "0000-00-00"]
    if "maxLength" in schema:
        found += ["x" * (schema["maxLength"] + 1), "é" * (schema["maxLength"] + 1)]
    if "minLength" in schema:
        found.append("")
    if "minimum" in schema:
        found.append(schema["minimum"] - 1)
    if "maximum" in schema:
        found.append(schema["maximum"] + 1)
    return found


def wrong_arguments(tools: list[Tool]) -> Iterator[Case]:
    """Every wrong argument type for each tool parameter, unknown and missing arguments, in both eras."""
    for tool in tools:
        name, schema = tool["name"], tool.get("inputSchema", {})
        properties: dict[str, Any] = schema.get("properties", {})
        sets: list[tuple[str, Any]] = [("arguments missing", None), ("unknown argument", {"no_such_argument": 1})]
        odd_arguments: tuple[Any, ...] = ([], "x", 7, True)
        sets += [(f"arguments {value!r}", value) for value in odd_arguments]
        for prop, prop_schema in properties.items():
            for value in _wrong_values(prop_schema):
                sets.append((f"{prop}={str(value)[:30]!r}", {prop: value}))
        for era in ("legacy", "modern"):
            make = legacy if era == "legacy" else modern
            for label, arguments in sets:
                params: dict[str, Any] = {"name": name}
                if arguments is not None:
                    params["arguments"] = arguments
                yield make(f"{name} {label}", good(era, 1, "tools/call", params), "tools/call", params)
    for era in ("legacy", "modern"):
        make = legacy if era == "legacy" else modern
        for bad in ("no_such_tool", "", "x" * 10000, "créer", "create_task\x00", 7, None, ["create_task"]):
            params = {"name": bad, "arguments": {}}
            yield make(f"tool name {str(bad)[:30]!r}", good(era, 1, "tools/call", params), "tools/call", params)


SURROGATES = ("\\ud800", "\\udfff", "a\\ud800b", "\\udc00\\ud800", "\\ud83d", "\\ud800\\u0041")


def surrogates() -> Iterator[Case]:
    """Lone surrogates written as \\ud800 escapes in the JSON text: in values, keys, tool names, methods, ids."""
    for era in ("legacy", "modern"):
        make = legacy if era == "legacy" else modern
        envelope = b',"_meta":' + orjson.dumps(ENVELOPE) if era == "modern" else b""
        for escape in SURROGATES:
            text = escape.encode()
            for place, params in (
                ("title", b'{"name":"create_task","arguments":{"title":"' + text + b'"}' + envelope + b"}"),
                ("notes", b'{"name":"create_task","arguments":{"title":"t","notes":"' + text + b'"}' + envelope + b"}"),
                ("query", b'{"name":"search_tasks","arguments":{"query":"' + text + b'"}' + envelope + b"}"),
                ("assignee filter", b'{"name":"list_tasks","arguments":{"assignee":"' + text + b'"}' + envelope + b"}"),
                ("cursor", b'{"name":"list_tasks","arguments":{"cursor":"' + text + b'"}' + envelope + b"}"),
                ("key", b'{"name":"create_task","arguments":{"' + text + b'":"t"}' + envelope + b"}"),
                ("tool name", b'{"name":"' + text + b'","arguments":{}' + envelope + b"}"),
            ):
                body = b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":' + params + b"}"
                yield make(f"surrogate {escape} in {place}", body, "tools/call", {"name": "create_task"})
            yield make(f"surrogate {escape} in method", b'{"jsonrpc":"2.0","id":1,"method":"' + text + b'"}')
            yield make(f"surrogate {escape} in id", b'{"jsonrpc":"2.0","id":"' + text + b'","method":"tools/list"}')


def injected_arguments() -> Iterator[Case]:
    """Injection strings as filters, queries and cursors (their storing is checked apart, read back)."""
    for era in ("legacy", "modern"):
        make = legacy if era == "legacy" else modern
        for string in INJECTIONS:
            for name, arguments in (
                ("search_tasks", {"query": string}),
                ("search", {"query": string}),
                ("list_tasks", {"assignee": string[:100]}),
                ("list_tasks", {"cursor": string}),
                ("board_summary", {"assignee": string[:100]}),
                ("show_board", {"assignee": string[:100]}),
                ("fetch", {"id": string}),
            ):
                params = {"name": name, "arguments": arguments}
                yield make(f"{name} {string[:30]!r}", good(era, 1, "tools/call", params), "tools/call", params)


def fuzzed(count: int, rng: random.Random) -> Iterator[Case]:
    """Well-formed requests with bytes flipped, cut, repeated or inserted."""
    seeds = [
        (
            "tools/call",
            {
                "name": "create_task",
                "arguments": {"title": "fuzz", "notes": "n", "priority": "high", "due": "2026-12-31"},
            },
        ),
        ("tools/call", {"name": "list_tasks", "arguments": {"status": "todo", "limit": 5, "order_by": "due"}}),
        ("tools/call", {"name": "search_tasks", "arguments": {"query": "fuzz notes"}}),
        ("tools/call", {"name": "update_task", "arguments": {"id": 1, "notes": None}}),
        ("tools/call", {"name": "board_summary", "arguments": {}}),
        ("tools/list", None),
        ("resources/list", None),
    ]
    for i in range(count):
        era = ("legacy", "modern")[i % 2]
        method, params = rng.choice(seeds)
        body = bytearray(good(era, i, method, params))
        for _ in range(rng.choice([1, 1, 2, 4, 8])):
            if not body:
                break
            at = rng.randrange(len(body))
            how = rng.randrange(5)
            if how == 0:
                body[at] = rng.randrange(256)
            elif how == 1:
                del body[at : at + rng.randint(1, 8)]
            elif how == 2:
                body[at:at] = body[at : at + rng.randint(1, 16)]
            elif how == 3:
                body[at:at] = rng.choice(
                    [b'"', b"\\", b"{", b"]", b",", b":", b"\\u", b"\\ud800", b"-", b"e9", b"\x00", b"\xff"]
                )
            else:
                body = body[:at]
        make = legacy if era == "legacy" else modern
        yield make(f"fuzzed {method} #{i}", bytes(body), method, params)
