"""`get`: one record by id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..storage.base import Transaction
from .base import Expansion, RecordAction, Result, expand, label


@dataclass(frozen=True)
class Get(RecordAction):
    """`expand`: refs whose record's display value the result carries."""

    expand: tuple[Expansion, ...] = ()
    kind = "get"
    read_only = True
    idempotent = True

    async def run(self, tx: Transaction, args: dict[str, Any]) -> Result:
        """The record."""
        id = args[self.model.id]
        record = self.found(await tx.get(self.model.name, id), id)
        await expand(tx, self.model, self.expand, [record])
        return record

    def summary(self, args: dict[str, Any], result: Result) -> str:
        """The record named: `Task 3 "Write docs".`."""
        text = label(self.model, self.expand, result)
        return text[:1].upper() + text[1:] + "."
