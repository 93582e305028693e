"""Results a page at a time: cursors tied to their query, and the text that lists a page.

A cursor carries a fingerprint of the call that made it (its arguments but the cursor and the limit), so one passed
back with other filters or another order is refused rather than silently skipping records. A list's cursor is a
keyset: the order values and id of the last record shown, so records added or deleted between pages shift nothing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

import orjson

from .errors import ToolError
from .model import Limit, Model, Record

UNRELATED = ("cursor", "limit")  # arguments a caller may change between pages
_INVALID = "Invalid cursor: pass the next_cursor of a previous result unchanged, or omit it."
# A cursor is not signed: what it carries is checked like an argument, to what storage holds
_BIGGEST = 2**63 - 1  # a whole number a record holds (64 bits)
_SAFE = 2**53 - 1  # an offset: the largest whole number every JSON reader keeps exact


def size(limit: Limit, args: Mapping[str, Any]) -> int:
    """How many records the page holds; callers fetch one more to know whether more exist."""
    return int(args.get("limit", limit.default))


def fingerprint(model: Model, kind: str, args: Mapping[str, Any]) -> str:
    """What identifies the query of a call: its model, its kind and every argument that shapes the results."""
    shaping = {name: value for name, value in args.items() if name not in UNRELATED}
    text = json.dumps([model.name, kind, shaping], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def resume(args: Mapping[str, Any], query: str) -> dict[str, Any]:
    """Where the page starts, from the cursor (empty without one); a tool error for a cursor of another query."""
    cursor = args.get("cursor")
    if not cursor:
        return {}
    try:  # orjson refuses lone surrogates, infinities and deep nesting, which storage could not take either
        position = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):
        position = None
    if not isinstance(position, dict) or not isinstance(position.get("q"), str):
        raise ToolError(_INVALID)
    if position["q"] != query:
        raise ToolError(
            "This cursor belongs to a call with other arguments (filters, order or query): repeat that call's "
            "arguments with it, or omit the cursor to start from the first page."
        )
    return position


def cursor(query: str, **position: Any) -> str:
    """The cursor of the page after this one."""
    text = json.dumps({"q": query, **position}, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def keyset_page(records: list[Record], size: int, query: str, key: tuple[str, ...]) -> dict[str, Any]:
    """`{items, next_cursor}` from up to size + 1 records; the cursor holds the last item's `key` values."""
    items = records[:size]
    more = len(records) > size
    return {"items": items, "next_cursor": cursor(query, after=[items[-1][name] for name in key]) if more else None}


def offset_page(records: list[Record], size: int, query: str, offset: int) -> dict[str, Any]:
    """`{items, next_cursor}` from up to size + 1 records of the page that starts at `offset`."""
    more = len(records) > size
    return {"items": records[:size], "next_cursor": cursor(query, offset=offset + size) if more else None}


def offset(position: Mapping[str, Any]) -> int:
    """Where a ranked page starts."""
    start = position.get("offset", 0)
    if type(start) is not int or not 0 <= start <= _SAFE:
        raise ToolError(_INVALID)
    return start


def after(position: Mapping[str, Any], length: int) -> tuple[Any, ...] | None:
    """The keyset a list page starts after (the order values and the id), or None for the first page."""
    if "after" not in position:
        return None
    values = position["after"]
    if not isinstance(values, list) or len(values) != length or not all(map(_storable, values)):
        raise ToolError(_INVALID)
    return tuple(values)


def _whole(value: Any) -> bool:
    return type(value) is int and -_BIGGEST - 1 <= value <= _BIGGEST


def _storable(value: Any) -> bool:
    """A value a record's field can hold: what a list's cursor carries of the last record."""
    return value is None or isinstance(value, (str, bool, float)) or _whole(value)


def summary(
    model: Model, result: dict[str, Any], matching: str = "", label: Callable[[Record], str] | None = None
) -> str:
    """`Found 2 tasks:` and a line per record (named by `label`, else the model), and how to get the next page."""
    items = result["items"]
    noun = model.name if len(items) == 1 else model.plural
    name = label or model.label
    lines = [f"Found {len(items)} {noun}{matching}{':' if items else '.'}"]
    lines += [f"- {name(record)}" for record in items]
    if result["next_cursor"]:
        lines.append(f'More results: call again with cursor "{result["next_cursor"]}".')
    return "\n".join(lines)
