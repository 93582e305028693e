"""`get`: one record by id."""

from __future__ import annotations

from typing import Any

from mcpgen.actions.base import Action, Bound, id_parameter
from mcpgen.storage.base import Transaction


class Get(Action):
    kind = "get"
    read_only = True
    idempotent = True

    def input_schema(self, bound: Bound) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {bound.id_field: id_parameter(bound)},
            "required": [bound.id_field],
            "additionalProperties": False,
        }

    def output_schema(self, bound: Bound) -> dict[str, Any]:
        return bound.record_schema()

    async def run(self, bound: Bound, tx: Transaction, args: dict[str, Any]) -> dict[str, Any]:
        record = await tx.get(bound.model_name, args[bound.id_field])
        if record is None:
            raise bound.not_found(args[bound.id_field])
        return record

    def summary(self, bound: Bound, args: dict[str, Any], result: dict[str, Any]) -> str:
        return bound.label(result).capitalize() + "."
