"""`delete`: removes one record by id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import integrity
from ..storage.base import Transaction
from .base import RecordAction, Result


@dataclass(frozen=True)
class Delete(RecordAction):
    """No settings: the id is the argument."""

    kind = "delete"
    read_only = False
    destructive = True
    idempotent = True

    async def run(self, tx: Transaction, args: dict[str, Any]) -> Result:
        """`{id, deleted: true}`, or the not-found error."""
        id = args[self.model.id]
        if self.model.name in referred(tx) and self.found(await tx.get(self.model.name, id), id):
            await integrity.check_delete(tx, dict(tx.models), self.model, id)
        if not await tx.delete(self.model.name, id):
            raise self.not_found(id)
        return {self.model.id: id, "deleted": True}

    def summary(self, args: dict[str, Any], result: Result) -> str:
        """What was deleted: `Deleted task 3.`."""
        return f"Deleted {self.model.name} {result[self.model.id]}."


def referred(tx: Transaction) -> set[str]:
    """The models some ref points to."""
    return {target for model in tx.models.values() for target in model.refs.values()}
