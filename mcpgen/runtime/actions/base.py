"""What every action kind provides: its settings (a dataclass), its hints, and its behaviour in a transaction."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

from ..errors import ToolError
from ..model import Model, Record
from ..storage.base import Query, TextQuery, Transaction
from ..storage.base import words as storage_words

Result = dict[str, Any]


@dataclass(frozen=True)
class Action(ABC):
    """One kind of tool on one model. Its dataclass fields after `model` are the kind's settings."""

    model: Model
    kind: ClassVar[str]
    read_only: ClassVar[bool]  # also: its transaction takes no write lock
    destructive: ClassVar[bool] = False
    idempotent: ClassVar[bool]

    @abstractmethod
    async def run(self, tx: Transaction, args: dict[str, Any]) -> Result:
        """Does the work inside one transaction and returns the structured result."""

    @abstractmethod
    def summary(self, args: dict[str, Any], result: Result) -> str:
        """The short text the model reads when the tool has no `response` template."""

    def not_found(self, id: Any) -> ToolError:
        """The error for an id no record has."""
        return ToolError(f"No {self.model.name} with id '{id}'.")

    def found(self, record: Record | None, id: Any) -> Record:
        """The record, or the not-found error."""
        if record is None:
            raise self.not_found(id)
        return record


def text_query(fields: tuple[str, ...], words: str, limit: int | None, offset: int) -> TextQuery:
    """The store query for the words of `words`, each once."""
    terms = storage_words(words)
    if not terms:
        raise ToolError("query: give at least one word to search for.")
    return TextQuery(fields=fields, terms=terms, limit=limit, offset=offset)


@dataclass(frozen=True)
class Expansion:
    """A ref field whose record's display value results carry, under `key` (`customer` → `customer_name`)."""

    field: str
    key: str


async def expand(tx: Transaction, model: Model, expansions: tuple[Expansion, ...], records: list[Record]) -> None:
    """Adds to each record the display value of the record each ref points to (None when it points nowhere)."""
    for expansion in expansions:
        target = tx.models[model.fields[expansion.field].ref or ""]
        ids = tuple({record[expansion.field] for record in records} - {None})
        found = await tx.select(target.name, Query(where=((target.id, "in", ids),))) if ids else []
        titles = {record[target.id]: record[target.display] for record in found}
        for record in records:
            record[expansion.key] = titles.get(record[expansion.field])


def label(model: Model, expansions: tuple[Expansion, ...], record: Record) -> str:
    """`ticket 8 "Login fails" (customer: Ada Lovelace)`: a record named with what its expanded refs point to."""
    shown = [f"{e.field}: {record[e.key]}" for e in expansions if record.get(e.key) is not None]
    return f"{model.label(record)} ({', '.join(shown)})" if shown else model.label(record)


def settable(fields: tuple[str, ...] | None, model: Model) -> tuple[str, ...]:
    """The fields a create or update tool lets a caller set: its `fields`, else every writable one."""
    return fields if fields is not None else model.writable
