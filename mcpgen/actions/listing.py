"""`list`: filters by exact match, ordering, a page at a time (the runtime's List)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mcpgen.actions.base import (
    Bound,
    Finding,
    RecordKind,
    closed,
    expand_findings,
    field_refs,
    filter_findings,
    filter_parameters,
    page_parameters,
    page_schema,
)
from mcpgen.runtime.actions import List
from mcpgen.runtime.words import listed
from mcpgen.spec.model import ModelSpec, ToolSpec


class ListKind(RecordKind):
    """`filters`, `order_by` and `limit`."""

    summary = "Records narrowed by filters, ordered, a page at a time."
    docs = {
        "filters": "fields a caller may narrow by: a name (exact match) or {field, ops} for comparisons",
        "order_by": "the fields results may be ordered by",
        "limit": "the page size: default and max",
        "expand": "ref fields whose record's display value each result also carries (customer → customer_name)",
    }
    runtime = List

    def check(self, tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
        """Filters and order_by name fields; no filter takes the name of the tool's own parameters."""
        yield from filter_findings(tool, model, ("order_by", "order", "limit", "cursor"))
        yield from field_refs(model, tool.order_by or [], "order_by")
        yield from expand_findings(tool, model)

    def input_schema(self, bound: Bound) -> dict[str, Any]:
        """The filters, order_by and order, limit and cursor."""
        action = bound.action
        assert isinstance(action, List)
        properties = filter_parameters(bound, action.filters)
        if action.order_by:
            fields = listed(action.order_by, "or")
            properties["order_by"] = {
                "type": "string",
                "enum": list(action.order_by),
                "description": f"The field to sort by: {fields}; without it, oldest records first.",
            }
            properties["order"] = {
                "type": "string",
                "enum": ["asc", "desc"],
                "default": "asc",
                "description": "asc: smallest or earliest first; desc: the reverse. Empty values come last.",
            }
        return closed(properties | page_parameters(action.limit))

    def output_schema(self, bound: Bound) -> dict[str, Any]:
        """A page of records."""
        return page_schema(bound)
