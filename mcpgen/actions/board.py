"""`board`: every record in columns, one per value of an enum field (the runtime's Board)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mcpgen.actions.base import Bound, Finding, RecordKind, closed, field_refs, filter_findings, filter_parameters
from mcpgen.fields import value_schema
from mcpgen.runtime.actions import Board
from mcpgen.spec.model import ModelSpec, ToolSpec


class BoardKind(RecordKind):
    """`group_by` (required: an enum), `fields` on the cards, `filters` and `limit` (cards per column)."""

    summary = "Every record in columns, one per value of an enum field."
    docs = {
        "group_by": "the enum field whose values are the columns (required)",
        "fields": "the fields each card shows besides its id, name and column",
        "filters": "fields a caller may narrow by: a name (exact match) or {field, ops} for comparisons",
        "limit": "max: the most cards a column shows",
    }
    runtime = Board

    def check(self, tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
        """group_by is an enum field; fields and filters name fields."""
        enums = [name for name, field in model.fields.items() if field.type == "enum"]
        if tool.group_by is None:
            yield ("group_by",), "a board needs the enum field whose values are its columns", "e.g. group_by: status"
        elif tool.group_by in model.fields and tool.group_by not in enums:
            yield ("group_by",), f"field '{tool.group_by}' is not an enum", "expected one of: " + ", ".join(enums)
        elif tool.group_by not in model.fields:
            for _, message, hint in field_refs(model, [tool.group_by], "group_by", enums):
                yield ("group_by",), message, hint
        yield from field_refs(model, tool.fields or [], "fields")
        yield from filter_findings(tool, model, ())

    def input_schema(self, bound: Bound) -> dict[str, Any]:
        """The filters."""
        action = bound.action
        assert isinstance(action, Board)
        return closed(filter_parameters(bound, action.filters))

    def output_schema(self, bound: Bound) -> dict[str, Any]:
        """`{columns: [{id, title, <plural>: [cards]}]}`."""
        action = bound.action
        assert isinstance(action, Board)
        fields, model = bound.model.fields, action.model
        card = {
            "type": "object",
            "properties": {name: value_schema(fields[name], nullable=name != model.id) for name in action.cards},
            "required": list(action.cards),
        }
        column = {
            "type": "object",
            "properties": {
                "id": {"type": "string", "description": f"The {action.group_by} of the column's records."},
                "title": {"type": "string", "description": "The column's heading."},
                model.plural: {"type": "array", "items": card},
                "more": {
                    "type": "boolean",
                    "description": f"true when the column holds more than the {action.limit.max} cards shown.",
                },
            },
            "required": ["id", "title", model.plural, "more"],
        }
        columns = {"type": "array", "items": column, "description": "The columns, in order."}
        return {"type": "object", "properties": {"columns": columns}, "required": ["columns"]}
