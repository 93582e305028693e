"""Sample arguments for the generated project's own tests: a record's round trip through its tools."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from mcpgen.runtime.actions import RecordAction
from mcpgen.runtime.patterns import matches
from mcpgen.runtime.tool import Connector


@dataclass(frozen=True)
class RoundTrip:
    """create (with `arguments`), then get, update (with `change`) and delete, where the model has them."""

    create: str
    get: str | None
    update: str | None
    delete: str | None
    arguments: dict[str, Any]
    change: dict[str, Any] | None
    id: str
    model_name: str


def round_trip(connector: Connector) -> RoundTrip | None:
    """The first create tool for which arguments can be made, with the model's other tools; None if none."""
    tools = list(connector.tools.values())
    records = [tool for tool in tools if isinstance(tool.action, RecordAction)]
    for create in (tool for tool in records if tool.action.kind == "create"):
        assert isinstance(create.action, RecordAction)
        if create.action.model.refs:  # its records need others first
            continue
        arguments = sample_arguments(create.definition["inputSchema"])
        if arguments is None:
            continue
        model = create.action.model
        same = [tool for tool in records if isinstance(tool.action, RecordAction) and tool.action.model == model]
        get = next((tool.name for tool in same if tool.action.kind == "get"), None)
        delete = next((tool.name for tool in same if tool.action.kind == "delete"), None)
        update, change = None, None
        for tool in (tool for tool in same if tool.action.kind == "update"):
            schema = tool.definition["inputSchema"]
            change = sample_arguments({**schema, "required": []}, skip=(model.id,), changed=True)
            if change:
                update = tool.name
                break
        return RoundTrip(create.name, get, update, delete, arguments, change, model.id, model.name)
    return None


def sample_arguments(
    schema: dict[str, Any], skip: tuple[str, ...] = (), *, changed: bool = False
) -> dict[str, Any] | None:
    """Arguments that fit `schema`: every property a sample can be found for; None if a required one has none."""
    arguments = {}
    for name, property_ in schema.get("properties", {}).items():
        if name in skip:
            continue
        value = _sample(property_, changed)
        if value is _NONE:
            if name in schema.get("required", []):
                return None
            continue
        arguments[name] = value
        if changed:
            break  # one change is enough
    return arguments


_NONE = object()


def _sample(schema: dict[str, Any], changed: bool) -> Any:
    examples = schema.get("examples") or []
    if examples and not (changed and len(examples) == 1):  # the spec's own, which validate checked
        return examples[-1 if changed else 0]
    if "enum" in schema:
        values = [value for value in schema["enum"] if value is not None]
        return values[-1 if changed else 0] if values else _NONE
    kind = schema.get("type")
    kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
    if kind == "integer":
        return int(min(max(7 if changed else 3, schema.get("minimum", -math.inf)), schema.get("maximum", math.inf)))
    if kind == "number":
        return float(min(max(2.5, schema.get("minimum", -math.inf)), schema.get("maximum", math.inf)))
    if kind == "boolean":
        return not changed
    if kind != "string":
        return _NONE
    if schema.get("format") == "date":
        return "2026-02-01" if changed else "2026-01-31"
    if schema.get("format") == "date-time":
        return "2026-02-01T10:00:00.000Z" if changed else "2026-01-31T09:30:00.000Z"
    low, high = schema.get("minLength", 0), schema.get("maxLength", 10**6)
    for word in ("Changed" if changed else "Sample", "sample", "a", "A", "0", "x"):
        text = (word * (low // len(word) + 1))[: max(low, len(word))][:high]
        if low <= len(text) and (not schema.get("pattern") or matches(schema["pattern"], text)):
            return text
    return _NONE
