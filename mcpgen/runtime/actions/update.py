"""`update`: changes some fields of one record."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .. import integrity, values
from ..errors import ToolError
from ..storage.base import Transaction
from .base import Expansion, RecordAction, Result, expand, label, settable


@dataclass(frozen=True)
class Update(RecordAction):
    """`fields`: the fields a caller may change (None: every writable one)."""

    fields: tuple[str, ...] | None = None
    expand: tuple[Expansion, ...] = ()
    kind = "update"
    read_only = False
    idempotent = True

    async def run(self, tx: Transaction, args: dict[str, Any]) -> Result:
        """The whole record after the change; `updated` timestamps are now."""
        model = self.model
        id = args[model.id]
        changes = {
            name: values.normalise(model.fields[name], value) for name, value in args.items() if name != model.id
        }
        if not changes:
            allowed = ", ".join(settable(self.fields, model))
            raise ToolError(f"Nothing to change: pass at least one of {allowed}.")
        if model.refs or model.keys:
            await integrity.check_write(tx, model, changes, self.found(await tx.get(model.name, id), id))
        now = values.now_text()
        changes |= {name: now for name, field in model.fields.items() if field.auto == "updated"}
        updated = self.found(await tx.update(model.name, id, changes), id)
        await expand(tx, model, self.expand, [updated])
        return updated

    def summary(self, args: dict[str, Any], result: Result) -> str:
        """What changed: `Updated task 3 "Write docs": status → done.`."""
        changed = ", ".join(
            f"{name} cleared" if result[name] is None else f"{name} → {shown(result[name])}"
            for name in args
            if name != self.model.id
        )
        return f"Updated {label(self.model, self.expand, result)}: {changed}."


def shown(value: object) -> str:
    """A value as the model reads it: text as it is, anything else as JSON (`true`, `2.5`)."""
    return value if isinstance(value, str) else json.dumps(value)
