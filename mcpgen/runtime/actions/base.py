"""What every action kind provides: its settings (a dataclass), its hints, and its behaviour in a transaction."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..errors import ToolError
from ..model import LOCAL_OWNER, Model, Record
from ..storage.base import Query, Store, TextQuery, Transaction
from ..storage.base import words as storage_words

Result = dict[str, Any]


@dataclass(frozen=True)
class Caller:
    """Who a call is for: the owner whose records it works on, and the OAuth token's subject and token, if any."""

    owner: str = LOCAL_OWNER
    subject: str | None = None
    token: str | None = field(default=None, repr=False)  # forwarded to upstreams that trust the same issuer


class Action(ABC):
    """What a tool does; a kind's dataclass fields are its settings."""

    kind: ClassVar[str]
    # Its parameters and results are the spec's own: defaults are filled in, results checked against outputSchema.
    declared: ClassVar[bool] = False

    @abstractmethod
    async def call(self, store: Store, args: dict[str, Any], caller: Caller) -> Result:
        """Does the work for `caller` with checked arguments and returns the structured result."""

    @abstractmethod
    def summary(self, args: dict[str, Any], result: Result) -> str:
        """The short text the model reads when the tool has no `response` template."""


@dataclass(frozen=True)
class RecordAction(Action):
    """One kind of tool on one model, in one transaction. Its dataclass fields after `model` are its settings."""

    model: Model
    read_only: ClassVar[bool]  # also: its transaction takes no write lock
    destructive: ClassVar[bool] = False
    idempotent: ClassVar[bool]

    async def call(self, store: Store, args: dict[str, Any], caller: Caller) -> Result:
        """`run` in one transaction for the caller's records: all or nothing, even when the call is cancelled."""
        async with store.transaction(write=not self.read_only, owner=caller.owner) as tx:
            return await self.run(tx, args)

    @abstractmethod
    async def run(self, tx: Transaction, args: dict[str, Any]) -> Result:
        """Does the work inside one transaction and returns the structured result."""

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
