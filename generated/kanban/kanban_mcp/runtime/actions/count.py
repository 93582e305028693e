"""`count`: how many records match, in all and per value of `group_by`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..filters import Filter, conditions
from ..storage.base import Transaction
from .base import RecordAction, Result


@dataclass(frozen=True)
class Count(RecordAction):
    """`filters`: what callers may narrow by; `group_by`: the field to count by (an enum's values come in order)."""

    filters: tuple[Filter, ...] = ()
    group_by: str | None = None
    kind = "count"
    read_only = True
    idempotent = True

    async def run(self, tx: Transaction, args: dict[str, Any]) -> Result:
        """`{total, groups: [{<group_by>: value, count}]}`: every enum value, then the others by count."""
        group_by = self.group_by
        counts = await tx.count(self.model.name, conditions(self.model, self.filters, args), group_by)
        result: Result = {"total": sum(counts.values())}
        if group_by:
            ordered = {value: counts.get(value, 0) for value in self.model.fields[group_by].values}
            rest = sorted(
                (item for item in counts.items() if item[0] not in ordered),
                key=lambda item: (item[0] is None, -item[1], str(item[0])),
            )
            ordered |= dict(rest)
            result["groups"] = [{group_by: value, "count": n} for value, n in ordered.items()]
        return result

    def summary(self, args: dict[str, Any], result: Result) -> str:
        """The total and the counts: `3 tasks (todo: 2, done: 1).`."""
        total = result["total"]
        text = f"{total} {self.model.name if total == 1 else self.model.plural}"
        if "groups" in result:
            parts = [f"{group[self.group_by or '']}: {group['count']}" for group in result["groups"]]
            text += " (" + ", ".join(parts) + ")"
        return text + "."
