"""`update`: changes some fields of one record; `fields:` restricts which."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mcpgen.actions.base import Action, Bound, Finding, field_refs, id_parameter
from mcpgen.actions.create import settable
from mcpgen.errors import ToolCallError
from mcpgen.fields import always_set, normalise, now_text, value_schema, writable
from mcpgen.spec.model import ModelSpec, ToolSpec
from mcpgen.storage.base import Transaction


class Update(Action):
    kind = "update"
    keys = frozenset({"fields"})
    read_only = False
    idempotent = True

    def check(self, tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
        yield from field_refs(model, tool.fields or [], "fields", writable(model))

    def input_schema(self, bound: Bound) -> dict[str, Any]:
        properties = {bound.id_field: id_parameter(bound)}
        names = settable(bound.tool, bound.model)
        for name in names:
            field = bound.model.fields[name]
            properties[name] = value_schema(field, nullable=not always_set(field))
        # With one changeable field, leaving it out can only fail ("nothing to change"): require it.
        required = [bound.id_field, *names] if len(names) == 1 else [bound.id_field]
        return {
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        }

    def output_schema(self, bound: Bound) -> dict[str, Any]:
        return bound.record_schema()

    async def run(self, bound: Bound, tx: Transaction, args: dict[str, Any]) -> dict[str, Any]:
        id = args[bound.id_field]
        fields = bound.model.fields
        changes = {name: normalise(fields[name], value) for name, value in args.items() if name != bound.id_field}
        if not changes:
            allowed = ", ".join(settable(bound.tool, bound.model))
            raise ToolCallError(f"Nothing to change: pass at least one of {allowed}.")
        changes |= {name: now_text() for name, field in fields.items() if field.auto == "updated"}
        record = await tx.update(bound.model_name, id, changes)
        if record is None:
            raise bound.not_found(id)
        return record

    def summary(self, bound: Bound, args: dict[str, Any], result: dict[str, Any]) -> str:
        changed = ", ".join(f"{name} → {result[name]}" for name in args if name != bound.id_field)
        return f"Updated {bound.label(result)}: {changed}."
