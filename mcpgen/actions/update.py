"""`update`: changes some fields of one record (the runtime's Update)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mcpgen.actions.base import Bound, Finding, RecordKind, closed, expand_findings, field_refs, id_parameter, writable
from mcpgen.fields import value_schema
from mcpgen.runtime.actions import Update
from mcpgen.runtime.actions.base import settable
from mcpgen.spec.model import ModelSpec, ToolSpec


class UpdateKind(RecordKind):
    """`fields`: which may change (default all)."""

    summary = "Changes some fields of one record."
    docs = {
        "fields": "the fields a caller may change (default: all but the id and automatic ones)",
        "expand": "ref fields whose record's display value each result also carries (customer → customer_name)",
    }
    runtime = Update

    def check(self, tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
        """`fields` are writable fields."""
        yield from field_refs(model, tool.fields or [], "fields", writable(model))
        yield from expand_findings(tool, model)

    def input_schema(self, bound: Bound) -> dict[str, Any]:
        """The id and the changeable fields (null clears an optional one)."""
        action = bound.action
        assert isinstance(action, Update)
        properties = {bound.id_field: id_parameter(bound)}
        names = settable(action.fields, action.model)
        for name in names:
            properties[name] = value_schema(
                bound.model.fields[name], nullable=not action.model.fields[name].always_set, written=True
            )
        # With one changeable field, leaving it out can only fail ("nothing to change"): require it.
        return closed(properties, [bound.id_field, *names] if len(names) == 1 else [bound.id_field])

    def output_schema(self, bound: Bound) -> dict[str, Any]:
        """The record."""
        return bound.record_schema()
