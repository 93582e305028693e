"""`create`: a new record from the given fields, defaults for the rest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import integrity, values
from ..storage.base import Transaction
from .base import Expansion, RecordAction, Result, expand, label


@dataclass(frozen=True)
class Create(RecordAction):
    """`fields`: the fields a caller may set (None: every writable one)."""

    fields: tuple[str, ...] | None = None
    expand: tuple[Expansion, ...] = ()
    kind = "create"
    read_only = False
    idempotent = False

    async def run(self, tx: Transaction, args: dict[str, Any]) -> Result:
        """The new record as stored; automatic timestamps are now."""
        record: dict[str, Any] = {}
        now = values.now_text()
        for name, field in self.model.fields.items():
            if field.auto:
                record[name] = now
            elif name in args:
                record[name] = values.normalise(field, args[name])
            elif field.default is not None:
                record[name] = values.normalise(field, field.default)
        await integrity.check_write(tx, self.model, record)
        created = await tx.insert(self.model.name, record)
        await expand(tx, self.model, self.expand, [created])
        return created

    def summary(self, args: dict[str, Any], result: Result) -> str:
        """What was created: `Created task 3 "Write docs".`."""
        return f"Created {label(self.model, self.expand, result)}."
