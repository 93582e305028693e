"""`board`: every record in columns, one per value of an enum field, in the enum's order (a Kanban board)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mcpgen.actions.base import Action, Bound, Finding, clashes, field_refs, plural
from mcpgen.actions.listing import filter_parameters
from mcpgen.fields import display_field, id_field, value_schema
from mcpgen.spec.model import LimitSpec, ModelSpec, ToolSpec
from mcpgen.storage.base import Query, Transaction


def column_title(value: str) -> str:
    """`in_progress` → "In progress": how a column is headed."""
    return value.replace("_", " ").replace("-", " ").capitalize()


def card_fields(tool: ToolSpec, model: ModelSpec) -> list[str]:
    """The fields of each card: id, the display field, the column's field, then `fields`."""
    names = [id_field(model), display_field(model), tool.group_by or "", *(tool.fields or [])]
    return list(dict.fromkeys(names))


class Board(Action):
    kind = "board"
    keys = frozenset({"group_by", "fields", "filters", "limit"})
    read_only = True
    idempotent = True

    def check(self, tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
        enums = [name for name, field in model.fields.items() if field.type == "enum"]
        if tool.group_by is None:
            yield ("group_by",), "a board needs the enum field whose values are its columns", "e.g. group_by: status"
        elif tool.group_by in model.fields and tool.group_by not in enums:
            yield ("group_by",), f"field '{tool.group_by}' is not an enum", "expected one of: " + ", ".join(enums)
        elif tool.group_by not in model.fields:
            for _, message, hint in field_refs(model, [tool.group_by], "group_by", enums):
                yield ("group_by",), message, hint
        yield from field_refs(model, tool.fields or [], "fields")
        yield from field_refs(model, tool.filters or [], "filters")
        yield from clashes(tool.filters or [], (), "filters")

    def _shown(self, bound: Bound) -> list[str]:
        return card_fields(bound.tool, bound.model)

    def input_schema(self, bound: Bound) -> dict[str, Any]:
        return {"type": "object", "properties": filter_parameters(bound), "additionalProperties": False}

    def output_schema(self, bound: Bound) -> dict[str, Any]:
        fields = bound.model.fields
        card = {
            "type": "object",
            "properties": {
                name: value_schema(fields[name], nullable=name != bound.id_field) for name in self._shown(bound)
            },
            "required": self._shown(bound),
        }
        column = {
            "type": "object",
            "properties": {
                "id": {"type": "string", "description": f"The {bound.tool.group_by} of the column's records."},
                "title": {"type": "string", "description": "The column's heading."},
                plural(bound.model_name): {"type": "array", "items": card},
            },
            "required": ["id", "title", plural(bound.model_name)],
        }
        columns = {"type": "array", "items": column, "description": "The columns, in order."}
        return {"type": "object", "properties": {"columns": columns}, "required": ["columns"]}

    async def run(self, bound: Bound, tx: Transaction, args: dict[str, Any]) -> dict[str, Any]:
        group_by = bound.tool.group_by or ""
        per_column = (bound.tool.limit or LimitSpec()).max
        shown = self._shown(bound)
        columns = []
        for value in bound.model.fields[group_by].values or []:
            query = Query(filters={**args, group_by: value}, limit=per_column)
            records = await tx.select(bound.model_name, query)
            cards = [{name: record[name] for name in shown} for record in records]
            columns.append({"id": value, "title": column_title(value), plural(bound.model_name): cards})
        return {"columns": columns}

    def summary(self, bound: Bound, args: dict[str, Any], result: dict[str, Any]) -> str:
        key = plural(bound.model_name)
        counts = ", ".join(f"{column['title']}: {len(column[key])}" for column in result["columns"])
        return f"The board by {bound.tool.group_by}: {counts}."
