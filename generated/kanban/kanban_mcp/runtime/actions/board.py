"""`board`: every record in columns, one per value of an enum field, in the enum's order (a Kanban board)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..filters import Filter, conditions
from ..model import Limit
from ..storage.base import Query, Transaction
from .base import RecordAction, Result


def column_title(value: str) -> str:
    """`in_progress` → "In progress": how a column is headed."""
    return value.replace("_", " ").replace("-", " ").capitalize()


@dataclass(frozen=True)
class Board(RecordAction):
    """`group_by`: the enum whose values are the columns; `fields`: shown on cards; `limit.max`: cards a column."""

    group_by: str = ""
    fields: tuple[str, ...] = ()
    filters: tuple[Filter, ...] = ()
    limit: Limit = field(default_factory=Limit)
    kind = "board"
    read_only = True
    idempotent = True
    cards: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        model = self.model
        shown = (model.id, model.display, self.group_by, *self.fields)
        object.__setattr__(self, "cards", tuple(dict.fromkeys(shown)))

    async def run(self, tx: Transaction, args: dict[str, Any]) -> Result:
        """`{columns: [{id, title, <plural>: [cards], more}]}`: `more` when a column holds more than limit.max."""
        model, key = self.model, self.model.plural
        where = conditions(model, self.filters, args)
        columns = []
        for value in model.fields[self.group_by].values:
            query = Query(where=(*where, (self.group_by, "eq", value)), limit=self.limit.max + 1)
            records = await tx.select(model.name, query)
            cards = [{name: record[name] for name in self.cards} for record in records[: self.limit.max]]
            more = len(records) > self.limit.max
            columns.append({"id": value, "title": column_title(value), key: cards, "more": more})
        return {"columns": columns}

    def summary(self, args: dict[str, Any], result: Result) -> str:
        """The count per column: `The board by status: To do: 2, In progress: 1, Done: 0.`."""
        key = self.model.plural
        counts = ", ".join(
            f"{column['title']}: {len(column[key])}{' (more not shown)' if column['more'] else ''}"
            for column in result["columns"]
        )
        return f"The board by {self.group_by}: {counts}."
