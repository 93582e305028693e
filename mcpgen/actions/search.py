"""`search`: word match over chosen fields, best first, a page at a time (the runtime's Search)."""

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
    page_parameters,
    page_schema,
)
from mcpgen.runtime.actions import Search
from mcpgen.spec.model import ModelSpec, ToolSpec

SEARCHABLE = frozenset({"string", "text", "enum"})


def searched_fields(tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
    """A search tool's `fields`: present, and each a text field of the model."""
    if not tool.fields:
        yield ("fields",), "search needs the fields to search", "e.g. fields: [title, notes]"
    textual = [name for name, field in model.fields.items() if field.type in SEARCHABLE]
    yield from field_refs(model, tool.fields or [], "fields", textual)


class SearchKind(RecordKind):
    """`fields` (required) and `limit`."""

    summary = "Full-text search over fields: words and their prefixes, any case, best matches first."
    docs = {
        "fields": "the text fields searched, the first weighing most (required)",
        "limit": "the page size: default and max",
        "expand": "ref fields whose record's display value each result also carries (customer → customer_name)",
    }
    runtime = Search

    def check(self, tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
        """`fields` are text fields; `expand` names refs."""
        yield from searched_fields(tool, model)
        yield from expand_findings(tool, model)

    def input_schema(self, bound: Bound) -> dict[str, Any]:
        """The query, limit and cursor."""
        action = bound.action
        assert isinstance(action, Search)
        query = {
            "type": "string",
            "minLength": 1,
            "description": f"Words to look for in {', '.join(action.fields)}, in any case; a word also finds longer "
            "words it begins. Records matching more of the words rank first.",
        }
        return closed({"query": query} | page_parameters(action.limit), ["query"])

    def output_schema(self, bound: Bound) -> dict[str, Any]:
        """A page of records."""
        return page_schema(bound)
