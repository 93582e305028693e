"""`fetch`: ChatGPT's `fetch(id)`: one record as a document with its text, citation URL and metadata."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from mcpgen.actions import documents
from mcpgen.actions.base import Action, Bound, Finding, field_refs
from mcpgen.spec.model import ModelSpec, ToolSpec
from mcpgen.storage.base import Record, Transaction


class Fetch(Action):
    kind = "fetch"
    keys = frozenset({"fields", "url", "text"})
    read_only = True
    idempotent = True

    def check(self, tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
        yield from field_refs(model, tool.fields or [], "fields")
        yield from documents.check_template(model, "url", tool.url, required=True)
        yield from documents.check_template(model, "text", tool.text, required=False)

    def input_schema(self, bound: Bound) -> dict[str, Any]:
        id = {"type": "string", "description": f"The id of the {bound.model_name}, as search returned it."}
        return {"type": "object", "properties": {"id": id}, "required": ["id"], "additionalProperties": False}

    def output_schema(self, bound: Bound) -> dict[str, Any]:
        return documents.document_schema(
            {
                "id": documents.ID,
                "title": documents.TITLE,
                "text": {"type": "string", "description": f"The whole {bound.model_name}, as text."},
                "url": documents.URL,
                "metadata": {"type": "object", "description": "The record's other fields."},
            }
        )

    async def run(self, bound: Bound, tx: Transaction, args: dict[str, Any]) -> dict[str, Any]:
        record = await tx.get(bound.model_name, documents.document_id(bound, args["id"]))
        if record is None:
            raise bound.not_found(args["id"])
        shown = self._shown(bound)
        return {
            "id": str(record[bound.id_field]),
            "title": documents.title(bound, record),
            "text": documents.render(bound.tool.text, record) if bound.tool.text else _text(record, shown),
            "url": documents.url(bound, record),
            "metadata": {name: value for name, value in record.items() if name not in shown and value is not None},
        }

    def summary(self, bound: Bound, args: dict[str, Any], result: dict[str, Any]) -> str:
        return json.dumps(result, ensure_ascii=False)  # ChatGPT reads the same JSON as text

    @staticmethod
    def _shown(bound: Bound) -> list[str]:
        """The fields in the text: `fields`, else every field but the id."""
        return bound.tool.fields or [name for name in bound.model.fields if name != bound.id_field]


def _text(record: Record, shown: list[str]) -> str:
    return "\n".join(f"{name}: {record[name]}" for name in shown if record.get(name) not in (None, ""))
