"""`delete`: removes one record by id."""

from __future__ import annotations

from typing import Any

from mcpgen.actions.base import Action, Bound, id_parameter
from mcpgen.storage.base import Transaction


class Delete(Action):
    kind = "delete"
    read_only = False
    destructive = True
    idempotent = True

    def input_schema(self, bound: Bound) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {bound.id_field: id_parameter(bound)},
            "required": [bound.id_field],
            "additionalProperties": False,
        }

    def output_schema(self, bound: Bound) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                bound.id_field: id_parameter(bound),
                "deleted": {"type": "boolean", "const": True},
            },
            "required": [bound.id_field, "deleted"],
        }

    async def run(self, bound: Bound, tx: Transaction, args: dict[str, Any]) -> dict[str, Any]:
        id = args[bound.id_field]
        if not await tx.delete(bound.model_name, id):
            raise bound.not_found(id)
        return {bound.id_field: id, "deleted": True}

    def summary(self, bound: Bound, args: dict[str, Any], result: dict[str, Any]) -> str:
        return f"Deleted {bound.model_name} {result[bound.id_field]}."
