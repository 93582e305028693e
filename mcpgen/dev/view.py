"""The client view: exactly what a client receives about a connector, and what it costs in tokens."""

from __future__ import annotations

import json
import math
from typing import Any

from mcpgen.runtime.tool import Connector


def client_view(connector: Connector) -> dict[str, Any]:
    """The server's instructions and its tool and resource lists, exactly as tools/list and resources/list send them."""
    return {
        "instructions": connector.instructions,
        "tools": [dict(tool.definition) for tool in connector.tools.values()],
        "resources": [dict(resource.definition) for resource in connector.resources.values()],
    }


def compact(value: Any) -> str:
    """JSON as the server writes it: no spaces, UTF-8 kept, keys in the order given."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def estimate_tokens(value: Any) -> int:
    """An estimate of what a JSON value costs in a model's context: about four characters a token."""
    return math.ceil(len(compact(value)) / 4)
