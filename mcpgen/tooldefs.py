"""Spec → the exact MCP tool list: names, schemas, annotations; shared by the server and the generator."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
import jinja2.sandbox
from jsonschema import Draft202012Validator
from mcp import types

from mcpgen import arguments
from mcpgen.actions import ACTIONS, Action, Bound
from mcpgen.auth import schemes
from mcpgen.spec.model import Spec, ToolSpec
from mcpgen.widgets import Widget


@dataclass(frozen=True)
class ToolDef:
    """One advertised tool and everything needed to run it."""

    bound: Bound
    action: Action
    tool: types.Tool
    validator: Draft202012Validator
    template: jinja2.Template | None


_TEMPLATES = jinja2.sandbox.SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)


def build_tools(spec: Spec, widgets: Mapping[str, Widget] | None = None) -> dict[str, ToolDef]:
    """The tools of a valid spec, in spec order; `widgets` (see load_widgets) give widget tools their `_meta`."""
    tools = {}
    for name, tool in spec.tools.items():
        action = ACTIONS[tool.action]
        bound = Bound(name, tool, tool.model, spec.models[tool.model])
        schema = action.input_schema(bound)
        for parameter, doc in (tool.parameters or {}).items():
            schema["properties"][parameter]["description"] = doc
        advertised = types.Tool(
            name=name,
            title=tool.title or name.replace("_", " ").capitalize(),
            description=tool.description,
            input_schema=schema,
            output_schema=action.output_schema(bound),
            annotations=hints(action, tool),
            meta=_meta(spec, tool, widgets),
        )
        template = _TEMPLATES.from_string(tool.response) if tool.response else None
        tools[name] = ToolDef(bound, action, advertised, arguments.validator(schema), template)
    return tools


def _meta(spec: Spec, tool: ToolSpec, widgets: Mapping[str, Widget] | None) -> dict[str, Any] | None:
    """The tool's `_meta`: its widget in both standards, and its securitySchemes (the SDK sends no top-level one)."""
    meta: dict[str, Any] = widgets[tool.widget].tool_meta() if widgets and tool.widget else {}
    security = schemes(tool, spec.auth)
    if security is not None:
        meta["securitySchemes"] = security
    return meta or None


def hints(action: Action, tool: ToolSpec) -> types.ToolAnnotations:
    """Hints derived from the action kind (all four, as ChatGPT asks), then the spec's justified overrides."""
    hints = {
        "read_only": action.read_only,
        "destructive": action.destructive,
        "idempotent": action.idempotent,
        "open_world": False,  # a spec's tools touch only its own store
    }
    if tool.annotations:
        hints |= tool.annotations.model_dump(exclude_none=True, exclude={"why"})
    return types.ToolAnnotations(
        read_only_hint=hints["read_only"],
        destructive_hint=hints["destructive"],
        idempotent_hint=hints["idempotent"],
        open_world_hint=hints["open_world"],
    )


def wire(tools: dict[str, ToolDef]) -> list[dict[str, Any]]:
    """The tool list exactly as it goes over the wire (JSON-ready)."""
    return [d.tool.model_dump(mode="json", by_alias=True, exclude_none=True) for d in tools.values()]
