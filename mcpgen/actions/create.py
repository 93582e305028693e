"""`create`: a new record from the given fields, defaults for the rest."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mcpgen.actions.base import Action, Bound, Finding, field_refs
from mcpgen.fields import normalise, now_text, value_schema, writable
from mcpgen.spec.model import ModelSpec, ToolSpec
from mcpgen.storage.base import Transaction


def settable(tool: ToolSpec, model: ModelSpec) -> list[str]:
    """The fields this tool lets a caller set (shared with `update`)."""
    return list(tool.fields) if tool.fields is not None else writable(model)


class Create(Action):
    kind = "create"
    keys = frozenset({"fields"})
    read_only = False
    idempotent = False

    def check(self, tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
        yield from field_refs(model, tool.fields or [], "fields", writable(model))
        for name in writable(model):
            field = model.fields[name]
            if field.required and field.default is None and name not in settable(tool, model):
                yield (
                    ("fields",),
                    f"required field '{name}' cannot be set by this tool",
                    f"add '{name}' to fields",
                )

    def input_schema(self, bound: Bound) -> dict[str, Any]:
        fields = {name: bound.model.fields[name] for name in settable(bound.tool, bound.model)}
        properties = {}
        for name, field in fields.items():
            properties[name] = value_schema(field)
            if field.default is not None:
                properties[name]["default"] = field.default
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        required = [name for name, field in fields.items() if field.required and field.default is None]
        if required:
            schema["required"] = required
        schema["additionalProperties"] = False
        return schema

    def output_schema(self, bound: Bound) -> dict[str, Any]:
        return bound.record_schema()

    async def run(self, bound: Bound, tx: Transaction, args: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        now = now_text()
        for name, field in bound.model.fields.items():
            if field.auto:
                values[name] = now
            elif name in args:
                values[name] = normalise(field, args[name])
            elif field.default is not None:
                values[name] = normalise(field, field.default)
        return await tx.insert(bound.model_name, values)

    def summary(self, bound: Bound, args: dict[str, Any], result: dict[str, Any]) -> str:
        return f"Created {bound.label(result)}."
