"""The client view: exactly what a client receives about a connector, and what it costs in tokens."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from mcp import types
from mcp_types import methods

from mcpgen.spec.model import Spec
from mcpgen.tooldefs import ToolDef

CHATGPT_ERA = "2025-11-25"  # the handshake-era revision ChatGPT speaks


def client_view(
    spec: Spec, tools: dict[str, ToolDef], resources: Sequence[types.Resource] = (), version: str = CHATGPT_ERA
) -> dict[str, Any]:
    """The server's instructions and its tool and resource lists, shaped for `version` as the SDK sends them."""
    return {
        "instructions": spec.instructions,
        "tools": _sent("tools/list", types.ListToolsResult(tools=[d.tool for d in tools.values()]), version)["tools"],
        "resources": _sent("resources/list", types.ListResourcesResult(resources=list(resources)), version)[
            "resources"
        ],
    }


def _sent(method: str, result: types.Result, version: str) -> dict[str, Any]:
    return methods.serialize_server_result(
        method, version, result.model_dump(by_alias=True, mode="json", exclude_none=True)
    )


def compact(value: Any) -> str:
    """JSON as the SDK writes it: no spaces, UTF-8 kept, keys in the order given."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def estimate_tokens(value: Any) -> int:
    """An estimate of what a JSON value costs in a model's context: about four characters a token."""
    return math.ceil(len(compact(value)) / 4)
