"""The client view: exactly what a client receives from tools/list, and what it costs in tokens."""

from __future__ import annotations

import json
import math
from typing import Any

from mcpgen.tooldefs import ToolDef, wire


def client_view(tools: dict[str, ToolDef]) -> dict[str, Any]:
    """The tool and resource lists as they go over the wire."""
    return {"tools": wire(tools), "resources": []}


def compact(value: Any) -> str:
    """JSON as the SDK sends it: no spaces, non-ASCII kept."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def estimate_tokens(value: Any) -> int:
    """An estimate of what a JSON value costs in a model's context: about four characters a token."""
    return math.ceil(len(compact(value)) / 4)
