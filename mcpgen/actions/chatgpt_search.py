"""`chatgpt_search`: ChatGPT's `search(query)` for deep research and company knowledge: ids, titles, URLs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from mcpgen.actions import documents
from mcpgen.actions.base import Action, Bound, Finding
from mcpgen.actions.search import searched_fields, text_query
from mcpgen.spec.model import LimitSpec, ModelSpec, ToolSpec
from mcpgen.storage.base import Transaction


class ChatGPTSearch(Action):
    kind = "chatgpt_search"
    keys = frozenset({"fields", "limit", "url"})
    read_only = True
    idempotent = True

    def check(self, tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
        yield from searched_fields(tool, model)
        yield from documents.check_template(model, "url", tool.url, required=True)

    def input_schema(self, bound: Bound) -> dict[str, Any]:
        searched = ", ".join(bound.tool.fields or [])
        query = {"type": "string", "description": f"Words to look for in {searched}; best matches come first."}
        return {"type": "object", "properties": {"query": query}, "required": ["query"], "additionalProperties": False}

    def output_schema(self, bound: Bound) -> dict[str, Any]:
        result = documents.document_schema({"id": documents.ID, "title": documents.TITLE, "url": documents.URL})
        return documents.document_schema({"results": {"type": "array", "items": result}})

    async def run(self, bound: Bound, tx: Transaction, args: dict[str, Any]) -> dict[str, Any]:
        query = text_query(bound, args["query"], (bound.tool.limit or LimitSpec()).default, 0)
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
