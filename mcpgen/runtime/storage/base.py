"""The Store interface every storage backend implements, the query shapes actions pass to it, and migration rules."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from ..filters import Condition
from ..model import LOCAL_OWNER, Field, Model, Record
from .statements import Rows

# How each field type is stored; a field whose storage class changes cannot be migrated in place.
STORAGE_CLASS = {
    "id": "INTEGER",
    "string": "TEXT",
    "text": "TEXT",
    "enum": "TEXT",
    "date": "TEXT",
    "datetime": "TEXT",
    "integer": "INTEGER",
    "number": "REAL",
    "boolean": "INTEGER",
    "ref": "INTEGER",
}


def refusal(
    model: str,
    name: str,
    field: Field,
    stored: str | None,
    rows: int,
    *,
    classes: Mapping[str, str] = STORAGE_CLASS,
) -> str | None:
    """Why `field` cannot replace what is stored (`stored` is None for a new field), or None if it can.

    `classes` maps field types to the backend's column types (SQLite's storage classes by default).
    """
    wanted = classes[field.type]
    if stored is not None and stored != wanted:
        return (
            f"{model}.{name}: the table stores {stored} but the spec now asks for {wanted} ({field.type}); "
            "change it back or migrate the data by hand"
        )
    if stored is None and (field.type == "id" or (field.required and field.default is None and rows)):
        return (
            f"{model}.{name}: cannot add a required field without a default to a table with {rows} rows; "
            "give it a default or make it optional"
        )
    return None


@dataclass(frozen=True)
class Query:
    """Which records to return and in what order.

    `where` holds the conditions records meet (filters.py says what each operator means). `order` lists
    (field, descending) pairs; enum fields order by the position of their values in the spec, empty values always
    come last, and ties are broken by id ascending. `after` is a keyset: the order fields' values and the id of the
    record the page comes after.
    """

    where: tuple[Condition, ...] = ()
    order: tuple[tuple[str, bool], ...] = ()
    limit: int | None = None
    after: tuple[Any, ...] | None = None


WORD = re.compile(r"[^\W_]+")  # a word: a run of letters and digits, as the full-text engines split text


def words(text: str) -> tuple[str, ...]:
    """The words of a text, lower case, each once: the terms of a TextQuery."""
    return tuple(dict.fromkeys(word.lower() for word in WORD.findall(text)))


@dataclass(frozen=True)
class TextQuery:
    """Records in which any of the words occurs in any of `fields`, best matches first.

    A word matches the words of a field that begin with it, whatever their case (`pass` finds "Passwords"); words
    are runs of letters and digits. Each backend ranks with its own full-text engine (SQLite FTS5's bm25,
    PostgreSQL's ts_rank): records that match more of the words, and match them in earlier fields, come first;
    ties are broken by id ascending.
    """

    fields: tuple[str, ...]
    terms: tuple[str, ...]  # words(), none empty
    where: tuple[Condition, ...] = ()
    limit: int | None = None
    offset: int = 0


class Transaction(Protocol):
    """Reads and writes inside one transaction: all of them take effect, or none.

    A transaction acts for one owner: on a model with `owner`, it sees and changes only that owner's records,
    and the records it inserts are theirs.
    """

    @property
    def models(self) -> Mapping[str, Model]:
        """The models it works on, by name."""
        ...

    async def insert(self, model: str, values: Record) -> Record:
        """Adds a record (the store assigns the id field) and returns it as stored."""
        ...

    async def get(self, model: str, id: Any) -> Record | None:
        """The record with this id, or None."""
        ...

    async def update(self, model: str, id: Any, values: Record) -> Record | None:
        """Changes the given fields; returns the whole record, or None when there is no such id."""
        ...

    async def delete(self, model: str, id: Any) -> bool:
        """Removes the record; False when there is no such id."""
        ...

    async def select(self, model: str, query: Query) -> list[Record]:
        """The records a Query asks for, in its order."""
        ...

    async def search(self, model: str, query: TextQuery) -> list[Record]:
        """The records a TextQuery matches, best first."""
        ...

    async def count(self, model: str, where: tuple[Condition, ...], group_by: str | None) -> dict[Any, int]:
        """Counts matching records per value of `group_by` (without it, one key: None).

        Values no record has are absent.
        """
        ...

    async def statement(self, sql: str, params: Mapping[str, Any], *, read_only: bool, limit: int) -> Rows:
        """Runs one of the spec's statements with its `:name` parameters bound, never spliced.

        `read_only` statements may not write (the database refuses them); at most `limit` rows are read.
        """
        ...


Confirm = Callable[[list[str]], None]  # sees the changes to a database that already held tables; raising refuses


class Store(Protocol):
    """A backend's connection to its data; one per server."""

    models: Mapping[str, Model]

    async def open(self, confirm: Confirm | None = None) -> None:
        """Creates missing tables and adds new nullable fields; StorageError on incompatible changes.

        `confirm` is shown what would change in a database that already held tables, before anything is committed;
        when it raises, nothing changes.
        """
        ...

    async def migrate(self, models: Mapping[str, Model]) -> None:
        """Adopts changed models while open, with the same rules as open(); on StorageError nothing changes."""
        ...

    async def close(self) -> None:
        """Lets go of the data (connections, files)."""
        ...

    def transaction(self, *, write: bool = True, owner: str = LOCAL_OWNER) -> AbstractAsyncContextManager[Transaction]:
        """One transaction for `owner`: committed when the block ends, rolled back when it raises.

        `write=False` promises reads only, which lets a backend skip taking the write lock.
        """
        ...
