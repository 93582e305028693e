"""`chatgpt_search`: ChatGPT's `search(query)` for deep research and company knowledge: ids, titles, URLs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from mcpgen.actions import documents
from mcpgen.actions.base import Action, Bound, Finding, field_refs
from mcpgen.actions.search import SEARCHABLE
from mcpgen.errors import ToolCallError
from mcpgen.spec.model import LimitSpec, ModelSpec, ToolSpec
from mcpgen.storage.base import TextQuery, Transaction


class ChatGPTSearch(Action):
    kind = "chatgpt_search"
    keys = frozenset({"fields", "limit", "url"})
    read_only = True
    idempotent = True

    def check(self, tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
        if not tool.fields:
            yield ("fields",), "search needs the fields to search", "e.g. fields: [title, notes]"
        textual = [name for name, field in model.fields.items() if field.type in SEARCHABLE]
        yield from field_refs(model, tool.fields or [], "fields", textual)
        yield from documents.check_template(model, "url", tool.url, required=True)

    def input_schema(self, bound: Bound) -> dict[str, Any]:
        searched = ", ".join(bound.tool.fields or [])
        query = {"type": "string", "description": f"Words to look for in {searched}; best matches come first."}
        return {"type": "object", "properties": {"query": query}, "required": ["query"], "additionalProperties": False}

    def output_schema(self, bound: Bound) -> dict[str, Any]:
        result = documents.document_schema({"id": documents.ID, "title": documents.TITLE, "url": documents.URL})
        return documents.document_schema({"results": {"type": "array", "items": result}})

    async def run(self, bound: Bound, tx: Transaction, args: dict[str, Any]) -> dict[str, Any]:
        terms = tuple(dict.fromkeys(word.casefold() for word in args["query"].split()))
        if not terms:
            raise ToolCallError("query: give at least one word to search for.")
        size = (bound.tool.limit or LimitSpec()).default
        query = TextQuery(fields=tuple(bound.tool.fields or ()), terms=terms, limit=size, offset=0)
        records = await tx.search(bound.model_name, query)
        results = [
            {
                "id": str(record[bound.id_field]),
                "title": documents.title(bound, record),
                "url": documents.url(bound, record),
            }
            for record in records
        ]
        return {"results": results}

    def summary(self, bound: Bound, args: dict[str, Any], result: dict[str, Any]) -> str:
        return json.dumps(result, ensure_ascii=False)  # ChatGPT reads the same JSON as text
