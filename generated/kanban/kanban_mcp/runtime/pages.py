"""Results a page at a time: the cursor a caller passes back, and the text that lists a page."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from .errors import ToolError
from .model import Limit, Model, Record


def window(limit: Limit, args: Mapping[str, Any]) -> tuple[int, int]:
    """(size, offset) of a page call; callers fetch one record more to know whether more exist."""
    return int(args.get("limit", limit.default)), decode_cursor(args.get("cursor"))


def page(records: list[Record], size: int, offset: int) -> dict[str, Any]:
    """`{items, next_cursor}` from up to size + 1 records."""
    more = len(records) > size
    return {"items": records[:size], "next_cursor": encode_cursor(offset + size) if more else None}


def encode_cursor(offset: int) -> str:
    """The cursor of the page that starts at `offset`."""
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The offset a cursor stands for; a tool error for one this server did not make."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, number = text.partition(":")
        if kind == "offset" and number.isdigit():
            return int(number)
    except ValueError:
        pass
    raise ToolError("Invalid cursor: pass the next_cursor of a previous result unchanged, or omit it.")


def summary(model: Model, result: dict[str, Any], matching: str = "") -> str:
    """`Found 2 tasks:` and a line per record, with how to get the next page."""
    items = result["items"]
    noun = model.name if len(items) == 1 else model.plural
    lines = [f"Found {len(items)} {noun}{matching}{':' if items else '.'}"]
    lines += [f"- {model.label(record)}" for record in items]
    if result["next_cursor"]:
        lines.append(f'More results: call again with cursor "{result["next_cursor"]}".')
    return "\n".join(lines)
