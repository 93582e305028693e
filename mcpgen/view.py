"""The client view: exactly what a client receives about a connector, and what it costs in tokens."""

from __future__ import annotations

import json
import math
from typing import Any

from mcp import types
from mcp_types import methods

from mcpgen.spec.model import Spec
from mcpgen.tooldefs import ToolDef

CHATGPT_ERA = "2025-11-25"  # the handshake-era revision ChatGPT speaks


def client_view(spec: Spec, tools: dict[str, ToolDef], version: str = CHATGPT_ERA) -> dict[str, Any]:
    """The server's instructions and its tool and resource lists, shaped for `version` as the SDK sends them."""
    listed = types.ListToolsResult(tools=[d.tool for d in tools.values()])
    sent = methods.serialize_server_result(
        "tools/list", version, listed.model_dump(by_alias=True, mode="json", exclude_none=True)
    )
    return {"instructions": spec.instructions, "tools": sent["tools"], "resources": []}


def compact(value: Any) -> str:
    """JSON as the SDK writes it: no spaces, UTF-8 kept, keys in the order given."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def estimate_tokens(value: Any) -> int:
    """An estimate of what a JSON value costs in a model's context: about four characters a token."""
    return math.ceil(len(compact(value)) / 4)
