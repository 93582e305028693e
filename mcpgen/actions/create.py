"""`create`: a new record from the given fields (the runtime's Create)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mcpgen.actions.base import Bound, Finding, RecordKind, closed, expand_findings, field_refs, writable
from mcpgen.fields import value_schema
from mcpgen.runtime.actions import Create
from mcpgen.runtime.actions.base import settable as settable_fields
from mcpgen.spec.model import ModelSpec, ToolSpec


class CreateKind(RecordKind):
    """`fields`: which may be set (default all)."""

    summary = "A new record."
    docs = {
        "fields": "the fields a caller may set (default: all but the id and automatic ones)",
        "expand": "ref fields whose record's display value each result also carries (customer → customer_name)",
    }
    runtime = Create

    def check(self, tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
        """`fields` are writable fields and include every required field without a default."""
        yield from field_refs(model, tool.fields or [], "fields", writable(model))
        yield from expand_findings(tool, model)
        settable = tool.fields if tool.fields is not None else writable(model)
        for name in writable(model):
            field = model.fields[name]
            if field.required and field.default is None and name not in settable:
                yield ("fields",), f"required field '{name}' cannot be set by this tool", f"add '{name}' to fields"

    def input_schema(self, bound: Bound) -> dict[str, Any]:
        """The settable fields, with their defaults; required ones required."""
        action = bound.action
        assert isinstance(action, Create)
        fields = {name: bound.model.fields[name] for name in settable_fields(action.fields, action.model)}
        properties = {}
        for name, field in fields.items():
            properties[name] = value_schema(field, written=True)
            if field.default is not None:
                properties[name]["default"] = field.default
        return closed(properties, [name for name, field in fields.items() if field.required and field.default is None])

    def output_schema(self, bound: Bound) -> dict[str, Any]:
        """The record."""
        return bound.record_schema()
