"""The client view: exactly what a client receives about a connector, and what it costs in tokens."""

from __future__ import annotations

import json
import math
from typing import Any

from mcp_types import methods

from mcpgen.runtime.tool import Connector

CHATGPT_ERA = "2025-11-25"  # the handshake-era revision ChatGPT speaks


def client_view(connector: Connector, version: str = CHATGPT_ERA) -> dict[str, Any]:
    """The server's instructions and its tool and resource lists, shaped for `version` as the SDK sends them."""
    tools = [tool.definition for tool in connector.tools.values()]
    resources = [resource.definition for resource in connector.resources.values()]
    return {
        "instructions": connector.instructions,
        "tools": methods.serialize_server_result("tools/list", version, {"tools": tools})["tools"],
        "resources": methods.serialize_server_result("resources/list", version, {"resources": resources})["resources"],
    }


def compact(value: Any) -> str:
    """JSON as the SDK writes it: no spaces, UTF-8 kept, keys in the order given."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def estimate_tokens(value: Any) -> int:
    """An estimate of what a JSON value costs in a model's context: about four characters a token."""
    return math.ceil(len(compact(value)) / 4)
