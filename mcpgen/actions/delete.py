"""`delete`: removes one record by id (the runtime's Delete)."""

from __future__ import annotations

from typing import Any

from mcpgen.actions.base import Bound, RecordKind, closed, id_parameter
from mcpgen.runtime.actions import Delete


class DeleteKind(RecordKind):
    """No keys of its own."""

    summary = "Removes one record by id."
    docs = {}
    runtime = Delete

    def input_schema(self, bound: Bound) -> dict[str, Any]:
        """The id."""
        return closed({bound.id_field: id_parameter(bound)}, [bound.id_field])

    def output_schema(self, bound: Bound) -> dict[str, Any]:
        """`{id, deleted: true}`."""
        return {
            "type": "object",
            "properties": {
                bound.id_field: id_parameter(bound),
                "deleted": {"type": "boolean", "const": True},
            },
            "required": [bound.id_field, "deleted"],
        }
