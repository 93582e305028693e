"""`list`: records filtered by exact match, ordered, a page at a time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mcpgen.actions.base import (
    Action,
    Bound,
    Finding,
    clashes,
    field_refs,
    page_parameters,
    page_result,
    page_schema,
    page_summary,
    page_window,
)
from mcpgen.fields import value_schema
from mcpgen.spec.model import LimitSpec, ModelSpec, ToolSpec
from mcpgen.storage.base import Query, Transaction


def filter_parameters(bound: Bound) -> dict[str, Any]:
    """One exact-match parameter per filter field (shared with `count`)."""
    parameters = {}
    for name in bound.tool.filters or []:
        schema = value_schema(bound.model.fields[name])
        doc = schema.get("description")
        schema["description"] = f"Only {bound.model_name} records with this {name}." + (f" {doc}" if doc else "")
        parameters[name] = schema
    return parameters


def _or(words: list[str]) -> str:
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else "".join(words)


class List(Action):
    kind = "list"
    keys = frozenset({"filters", "order_by", "limit"})
    read_only = True
    idempotent = True

    def check(self, tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
        yield from field_refs(model, tool.filters or [], "filters")
        yield from field_refs(model, tool.order_by or [], "order_by")
        yield from clashes(tool.filters or [], ("order_by", "order", "limit", "cursor"), "filters")

    def input_schema(self, bound: Bound) -> dict[str, Any]:
        properties = filter_parameters(bound)
        if bound.tool.order_by:
            properties["order_by"] = {
                "type": "string",
                "enum": list(bound.tool.order_by),
                "description": f"The field to sort by: {_or(bound.tool.order_by)}; without it, oldest records first.",
            }
            properties["order"] = {
                "type": "string",
                "enum": ["asc", "desc"],
                "default": "asc",
                "description": "asc: smallest or earliest first; desc: the reverse. Empty values come last.",
            }
        properties |= page_parameters(bound.tool.limit or LimitSpec())
        return {"type": "object", "properties": properties, "additionalProperties": False}

    def output_schema(self, bound: Bound) -> dict[str, Any]:
        return page_schema(bound)

    async def run(self, bound: Bound, tx: Transaction, args: dict[str, Any]) -> dict[str, Any]:
        size, offset = page_window(bound.tool.limit or LimitSpec(), args)
        order = ((args["order_by"], args.get("order") == "desc"),) if "order_by" in args else ()
        filters = {name: args[name] for name in bound.tool.filters or [] if name in args}
        query = Query(filters=filters, order=order, limit=size + 1, offset=offset)
        return page_result(await tx.select(bound.model_name, query), size, offset)

    def summary(self, bound: Bound, args: dict[str, Any], result: dict[str, Any]) -> str:
        return page_summary(bound, result)
