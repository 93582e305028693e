"""`search`: case-insensitive text match over chosen fields, best matches first."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mcpgen.actions.base import (
    Action,
    Bound,
    Finding,
    field_refs,
    page_parameters,
    page_result,
    page_schema,
    page_summary,
    page_window,
)
from mcpgen.errors import ToolCallError
from mcpgen.spec.model import LimitSpec, ModelSpec, ToolSpec
from mcpgen.storage.base import TextQuery, Transaction

SEARCHABLE = frozenset({"string", "text", "enum"})


class Search(Action):
    kind = "search"
    keys = frozenset({"fields", "limit"})
    read_only = True
    idempotent = True

    def check(self, tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
        return searched_fields(tool, model)

    def input_schema(self, bound: Bound) -> dict[str, Any]:
        searched = ", ".join(bound.tool.fields or [])
        query = {
            "type": "string",
            "minLength": 1,
            "description": f"Words to look for in {searched}; records matching more words rank first.",
        }
        properties = {"query": query} | page_parameters(bound.tool.limit or LimitSpec())
        return {
            "type": "object",
            "properties": properties,
            "required": ["query"],
            "additionalProperties": False,
        }

    def output_schema(self, bound: Bound) -> dict[str, Any]:
        return page_schema(bound)

    async def run(self, bound: Bound, tx: Transaction, args: dict[str, Any]) -> dict[str, Any]:
        size, offset = page_window(bound.tool.limit or LimitSpec(), args)
        query = text_query(bound, args["query"], size + 1, offset)
        return page_result(await tx.search(bound.model_name, query), size, offset)

    def summary(self, bound: Bound, args: dict[str, Any], result: dict[str, Any]) -> str:
        return page_summary(bound, result, f' matching "{args["query"]}"')


def searched_fields(tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
    """A search tool's `fields`: present, and each a text field of the model."""
    if not tool.fields:
        yield ("fields",), "search needs the fields to search", "e.g. fields: [title, notes]"
    textual = [name for name, field in model.fields.items() if field.type in SEARCHABLE]
    yield from field_refs(model, tool.fields or [], "fields", textual)


def text_query(bound: Bound, words: str, limit: int, offset: int) -> TextQuery:
    """The store query for the words of `words`, each once, case-folded."""
    terms = tuple(dict.fromkeys(word.casefold() for word in words.split()))
    if not terms:
        raise ToolCallError("query: give at least one word to search for.")
    return TextQuery(fields=tuple(bound.tool.fields or ()), terms=terms, limit=limit, offset=offset)
