"""`get`: one record by id (the runtime's Get)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mcpgen.actions.base import Bound, Finding, RecordKind, closed, expand_findings, id_parameter
from mcpgen.runtime.actions import Get
from mcpgen.spec.model import ModelSpec, ToolSpec


class GetKind(RecordKind):
    """`expand` only."""

    summary = "One record by id."
    docs = {
        "expand": "ref fields whose record's display value each result also carries (customer → customer_name)",
    }
    runtime = Get

    def check(self, tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
        """`expand` names refs."""
        return expand_findings(tool, model)

    def input_schema(self, bound: Bound) -> dict[str, Any]:
        """The id."""
        return closed({bound.id_field: id_parameter(bound)}, [bound.id_field])

    def output_schema(self, bound: Bound) -> dict[str, Any]:
        """The record."""
        return bound.record_schema()
