"""`count`: how many records match, in all and per value of `group_by`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mcpgen.actions.base import Action, Bound, Finding, clashes, field_refs, plural
from mcpgen.actions.listing import filter_parameters
from mcpgen.fields import value_schema
from mcpgen.spec.model import ModelSpec, ToolSpec
from mcpgen.storage.base import Transaction

GROUPABLE = frozenset({"string", "enum", "boolean", "integer", "date"})


class Count(Action):
    kind = "count"
    keys = frozenset({"filters", "group_by"})
    read_only = True
    idempotent = True

    def check(self, tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
        yield from field_refs(model, tool.filters or [], "filters")
        for _, message, hint in clashes([tool.group_by or ""], ("count",), "group_by"):
            yield ("group_by",), message, hint
        if tool.group_by is not None:
            groupable = [name for name, field in model.fields.items() if field.type in GROUPABLE]
            for (_, _), message, hint in field_refs(model, [tool.group_by], "group_by", groupable):
                yield ("group_by",), message, hint

    def input_schema(self, bound: Bound) -> dict[str, Any]:
        return {"type": "object", "properties": filter_parameters(bound), "additionalProperties": False}

    def output_schema(self, bound: Bound) -> dict[str, Any]:
        properties: dict[str, Any] = {"total": {"type": "integer", "description": "All matching records."}}
        group_by = bound.tool.group_by
        if group_by:
            group = {
                "type": "object",
                "properties": {
                    group_by: value_schema(bound.model.fields[group_by], nullable=True),
                    "count": {"type": "integer"},
                },
                "required": [group_by, "count"],
            }
            properties["groups"] = {
                "type": "array",
                "items": group,
                "description": f"Counts per {group_by}" + (" (every value, in order)." if self._enum(bound) else "."),
            }
        return {"type": "object", "properties": properties, "required": list(properties)}

    def _enum(self, bound: Bound) -> list[str]:
        field = bound.model.fields[bound.tool.group_by or ""] if bound.tool.group_by else None
        return list(field.values or []) if field and field.type == "enum" else []

    async def run(self, bound: Bound, tx: Transaction, args: dict[str, Any]) -> dict[str, Any]:
        group_by = bound.tool.group_by
        counts = await tx.count(bound.model_name, args, group_by)
        result: dict[str, Any] = {"total": sum(counts.values())}
        if group_by:
            ordered = {value: counts.get(value, 0) for value in self._enum(bound)}
            rest = sorted(
                (item for item in counts.items() if item[0] not in ordered),
                key=lambda item: (item[0] is None, -item[1], str(item[0])),
            )
            ordered |= dict(rest)
            result["groups"] = [{group_by: value, "count": n} for value, n in ordered.items()]
        return result

    def summary(self, bound: Bound, args: dict[str, Any], result: dict[str, Any]) -> str:
        total = result["total"]
        text = f"{total} {bound.model_name if total == 1 else plural(bound.model_name)}"
        if "groups" in result:
            parts = [f"{group[bound.tool.group_by or '']}: {group['count']}" for group in result["groups"]]
            text += " (" + ", ".join(parts) + ")"
        return text + "."
