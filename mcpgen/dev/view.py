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


def confirmation(tool: dict[str, Any]) -> str:
    """What the annotations mean for ChatGPT: `read-only`, or `write, destructive, open world: asks for confirmation`.

    Missing hints count as the worst case, as ChatGPT counts them.
    """
    hints = tool.get("annotations", {})
    if hints.get("readOnlyHint"):
        return "read-only"
    words = [
        "write",
        "destructive" if hints.get("destructiveHint", True) else "",
        "open world" if hints.get("openWorldHint", True) else "",
    ]
    return ", ".join(word for word in words if word) + ": asks for confirmation"


def sign_in(tool: dict[str, Any]) -> str:
    """How ChatGPT lets users call it under OAuth: `no sign-in`, `sign-in: SCOPES`, or "" without auth."""
    schemes = tool.get("_meta", {}).get("securitySchemes")
    if schemes is None:
        return ""
    if {"type": "noauth"} in schemes:
        return "no sign-in"
    scopes = sorted({scope for scheme in schemes for scope in scheme.get("scopes", [])})
    return f"sign-in: {' '.join(scopes) or 'any scope'}"


def widget(tool: dict[str, Any]) -> str | None:
    """The address of the widget a tool shows (MCP Apps, or the legacy Apps SDK's), or None."""
    meta = tool.get("_meta") or {}
    uri = (meta.get("ui") or {}).get("resourceUri") or meta.get("openai/outputTemplate")
    return str(uri) if uri else None


def parameter_type(parameter: dict[str, Any]) -> str:
    """A parameter's type as a person reads it: `todo|doing|done`, `string, date`, `integer|null`."""
    if "enum" in parameter:
        return "|".join(map(str, parameter["enum"]))
    kind = parameter.get("type", "any")
    shown = "|".join(kind) if isinstance(kind, list) else str(kind)
    return f"{shown}, {parameter['format']}" if "format" in parameter else shown
