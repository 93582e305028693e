"""`count`: how many records match, in all and per value of `group_by` (the runtime's Count)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mcpgen.actions.base import (
    Bound,
    Finding,
    RecordKind,
    clashes,
    closed,
    field_refs,
    filter_findings,
    filter_parameters,
)
from mcpgen.fields import value_schema
from mcpgen.runtime.actions import Count
from mcpgen.spec.model import ModelSpec, ToolSpec

GROUPABLE = frozenset({"string", "enum", "boolean", "integer", "date", "ref"})


class CountKind(RecordKind):
    """`filters` and `group_by`."""

    summary = "How many records match, in all and per value of a field."
    docs = {
        "filters": "fields a caller may narrow by: a name (exact match) or {field, ops} for comparisons",
        "group_by": "the field to count records by",
    }
    runtime = Count

    def check(self, tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
        """Filters name fields; group_by names a field with few values, not called `count`."""
        yield from filter_findings(tool, model, ())
        for _, message, hint in clashes([tool.group_by or ""], ("count",), "group_by"):
            yield ("group_by",), message, hint
        if tool.group_by is not None:
            groupable = [name for name, field in model.fields.items() if field.type in GROUPABLE]
            for (_, _), message, hint in field_refs(model, [tool.group_by], "group_by", groupable):
                yield ("group_by",), message, hint

    def input_schema(self, bound: Bound) -> dict[str, Any]:
        """The filters."""
        action = bound.action
        assert isinstance(action, Count)
        return closed(filter_parameters(bound, action.filters))

    def output_schema(self, bound: Bound) -> dict[str, Any]:
        """`{total, groups}`."""
        action = bound.action
        assert isinstance(action, Count)
        properties: dict[str, Any] = {"total": {"type": "integer", "description": "All matching records."}}
        group_by = action.group_by
        if group_by:
            group = {
                "type": "object",
                "properties": {
                    group_by: value_schema(bound.model.fields[group_by], nullable=True),
                    "count": {"type": "integer"},
                },
                "required": [group_by, "count"],
            }
            enum = action.model.fields[group_by].type == "enum"
            properties["groups"] = {
                "type": "array",
                "items": group,
                "description": f"Counts per {group_by}" + (" (every value, in order)." if enum else "."),
            }
        return {"type": "object", "properties": properties, "required": list(properties)}
