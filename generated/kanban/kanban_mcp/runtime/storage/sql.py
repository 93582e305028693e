"""What the SQL backends share: the statements behind every Transaction method, and reading rows back.

A backend subclasses SQLTransaction with its placeholder, how it finds a term in a column case-insensitively,
and the two ways it talks to its database: fetching rows and executing a statement.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..model import Field, Model, Record
from .base import Query, TextQuery


def quote(name: str) -> str:
    """A name as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


class Table:
    """What the statements need of a model, worked out once: quoted names, the column list, value readers."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.name = quote(model.name)
        self.key = quote(model.id)
        self.columns = ", ".join(map(quote, model.fields))
        self.names = tuple(model.fields)
        self.inserts: dict[tuple[str, ...], str] = {}  # INSERT statements by the columns they set
        # Only these columns can come back in another type than the field's (booleans as 0 and 1, say).
        self.converted = tuple(
            (name, read) for name, field in model.fields.items() if (read := reader(field)) is not _same
        )

    def record(self, row: tuple[Any, ...]) -> Record:
        """A row read back as a record of the field's Python types."""
        record = dict(zip(self.names, row, strict=True))
        for name, read in self.converted:
            record[name] = read(record[name])
        return record


def tables(models: Mapping[str, Model]) -> dict[str, Table]:
    """A Table per model."""
    return {name: Table(model) for name, model in models.items()}


class SQLTransaction(ABC):
    """The Transaction methods as SQL; a backend supplies how statements run."""

    mark = "?"  # the driver's placeholder
    no_limit: int | None = -1  # what LIMIT takes for "all rows"

    def __init__(self, tables: Mapping[str, Table]) -> None:
        self.tables = tables

    @abstractmethod
    async def fetch(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        """Runs a query and returns its rows."""

    @abstractmethod
    async def execute(self, sql: str, params: list[Any]) -> int:
        """Runs a statement and returns how many rows it touched."""

    @abstractmethod
    def contains(self, column: str) -> str:
        """SQL that is true when the folded term (the next parameter) occurs in `column`, whatever its case."""

    def fold(self, term: str) -> str:
        """A search term as `contains` compares it."""
        return term.casefold()

    async def _rows(self, table: Table, sql: str, params: list[Any]) -> list[Record]:
        return [table.record(row) for row in await self.fetch(sql, params)]

    async def insert(self, model: str, values: Record) -> Record:
        """Adds a record (the database assigns the id) and returns it as stored."""
        table = self.tables[model]
        sql = table.inserts.get(tuple(values))
        if sql is None:
            columns = ", ".join(map(quote, values))
            marks = ", ".join(self.mark for _ in values)
            sql = f"INSERT INTO {table.name} ({columns}) VALUES ({marks}) RETURNING {table.columns}"
            if not values:
                sql = f"INSERT INTO {table.name} DEFAULT VALUES RETURNING {table.columns}"
            table.inserts[tuple(values)] = sql
        return (await self._rows(table, sql, list(values.values())))[0]

    async def get(self, model: str, id: Any) -> Record | None:
        """The record with this id, or None."""
        table = self.tables[model]
        sql = f"SELECT {table.columns} FROM {table.name} WHERE {table.key} = {self.mark}"
        rows = await self._rows(table, sql, [id])
        return rows[0] if rows else None

    async def update(self, model: str, id: Any, values: Record) -> Record | None:
        """Changes the given fields; returns the whole record, or None when there is no such id."""
        table = self.tables[model]
        assignments = ", ".join(f"{quote(name)} = {self.mark}" for name in values)
        sql = f"UPDATE {table.name} SET {assignments} WHERE {table.key} = {self.mark} RETURNING {table.columns}"
        rows = await self._rows(table, sql, [*values.values(), id])
        return rows[0] if rows else None

    async def delete(self, model: str, id: Any) -> bool:
        """Removes the record; False when there is no such id."""
        table = self.tables[model]
        return bool(await self.execute(f"DELETE FROM {table.name} WHERE {table.key} = {self.mark}", [id]))

    async def select(self, model: str, query: Query) -> list[Record]:
        """The records a Query asks for, in its order."""
        table = self.tables[model]
        where, params = self._where(query.filters)
        order: list[str] = []
        for name, descending in query.order:
            expression, extra = self._sort_key(table.model.fields[name], name)
            order += [f"({quote(name)} IS NULL)", expression + (" DESC" if descending else "")]
            params += extra
        order.append(table.key)
        sql = (
            f"SELECT {table.columns} FROM {table.name}{where} "
            f"ORDER BY {', '.join(order)} LIMIT {self.mark} OFFSET {self.mark}"
        )
        return await self._rows(table, sql, [*params, self._limit(query.limit), query.offset])

    async def search(self, model: str, query: TextQuery) -> list[Record]:
        """The records a TextQuery matches, best first."""
        table = self.tables[model]
        parts, params = [], []
        for term in query.terms:
            for index, name in enumerate(query.fields):
                weight = len(query.fields) - index
                parts.append(f"(CASE WHEN {self.contains(quote(name))} THEN {weight} ELSE 0 END)")
                params.append(self.fold(term))
        score = " + ".join(parts) or "0"
        sql = (
            f"SELECT {table.columns} FROM (SELECT *, {score} AS _score FROM {table.name}) AS scored "
            f"WHERE _score > 0 ORDER BY _score DESC, {table.key} LIMIT {self.mark} OFFSET {self.mark}"
        )
        return await self._rows(table, sql, [*params, self._limit(query.limit), query.offset])

    async def count(self, model: str, filters: Mapping[str, Any], group_by: str | None) -> dict[Any, int]:
        """Matching records per value of `group_by` (one key, None, without it); absent values are left out."""
        table = self.tables[model]
        where, params = self._where(filters)
        if group_by is None:
            rows = await self.fetch(f"SELECT COUNT(*) FROM {table.name}{where}", params)
            return {None: int(rows[0][0])}
        column = quote(group_by)
        rows = await self.fetch(f"SELECT {column}, COUNT(*) FROM {table.name}{where} GROUP BY {column}", params)
        convert = reader(table.model.fields[group_by])
        return {convert(value): int(n) for value, n in rows}

    def _limit(self, limit: int | None) -> int | None:
        return self.no_limit if limit is None else limit

    def _where(self, filters: Mapping[str, Any]) -> tuple[str, list[Any]]:
        clauses, params = [], []
        for name, value in filters.items():
            if value is None:
                clauses.append(f"{quote(name)} IS NULL")
            else:
                clauses.append(f"{quote(name)} = {self.mark}")
                params.append(value)
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params

    def _sort_key(self, field: Field, name: str) -> tuple[str, list[Any]]:
        if field.type == "enum" and field.values:
            cases = " ".join(f"WHEN {self.mark} THEN {index}" for index in range(len(field.values)))
            return f"CASE {quote(name)} {cases} ELSE {len(field.values)} END", list(field.values)
        return quote(name), []


def _same(value: Any) -> Any:
    return value


def _boolean(value: Any) -> bool | None:
    return None if value is None else bool(value)  # SQLite stores 0 and 1


def _integer(value: Any) -> int | None:
    # SQLite 3.40's RETURNING can hand back an integer column as REAL when a REAL column precedes it.
    return value if value is None or isinstance(value, int) else int(value)


def _number(value: Any) -> float | None:
    return value if value is None else float(value)


def reader(field: Field) -> Callable[[Any], Any]:
    """Turns a stored value back into the field's Python type."""
    if field.type == "boolean":
        return _boolean
    if field.type in ("id", "integer"):
        return _integer
    if field.type == "number":
        return _number
    return _same


@dataclass(frozen=True)
class Dialect:
    """How a backend declares columns: its type per field type, its primary key, its words for true and false."""

    classes: Mapping[str, str]
    key: str  # the id column's type and constraints
    true: str
    false: str

    def create_table(self, model: str, spec: Model) -> str:
        """CREATE TABLE for a model."""
        columns = ", ".join(self.column(name, field) for name, field in spec.fields.items())
        return f"CREATE TABLE {quote(model)} ({columns})"

    def column(self, name: str, field: Field) -> str:
        """One column's definition, with the field's default."""
        if field.type == "id":
            return f"{quote(name)} {self.key}"
        column = f"{quote(name)} {self.classes[field.type]}"
        if field.default is not None:
            column += f" DEFAULT {self.literal(field.default)}"
        return column

    def literal(self, value: Any) -> str:
        """A default value as SQL."""
        if isinstance(value, bool):
            return self.true if value else self.false
        if isinstance(value, int | float):
            return repr(value)
        return "'" + str(value).replace("'", "''") + "'"
