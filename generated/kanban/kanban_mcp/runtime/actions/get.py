"""`get`: one record by id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..storage.base import Transaction
from .base import Action, Result


@dataclass(frozen=True)
class Get(Action):
    """No settings: the id is the argument."""

    kind = "get"
    read_only = True
    idempotent = True

    async def run(self, tx: Transaction, args: dict[str, Any]) -> Result:
        """The record."""
        id = args[self.model.id]
        return self.found(await tx.get(self.model.name, id), id)

    def summary(self, args: dict[str, Any], result: Result) -> str:
        """The record named: `Task 3 "Write docs".`."""
        return self.model.label(result).capitalize() + "."
