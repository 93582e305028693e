"""`get`: one record by id (the runtime's Get)."""

from __future__ import annotations

from typing import Any

from mcpgen.actions.base import Bound, Kind, closed, id_parameter
from mcpgen.runtime.actions import Get


class GetKind(Kind):
    """No keys of its own."""

    summary = "One record by id."
    docs = {}
    runtime = Get

    def input_schema(self, bound: Bound) -> dict[str, Any]:
        """The id."""
        return closed({bound.id_field: id_parameter(bound)}, [bound.id_field])

    def output_schema(self, bound: Bound) -> dict[str, Any]:
        """The record."""
        return bound.record_schema()
