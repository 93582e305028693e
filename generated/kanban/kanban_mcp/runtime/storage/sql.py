"""What the SQL backends share: the statements behind every Transaction method, and reading rows back.

A backend subclasses SQLTransaction with its placeholder, how it finds a term in a column case-insensitively,
and the two ways it talks to its database: fetching rows and executing a statement.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..filters import COMPARISONS, TEXTUAL, Condition
from ..model import LOCAL_OWNER, OWNER, Field, Model, Record
from .base import Query, TextQuery
from .statements import Rows


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
        self.owned = model.owner is not None
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

    def qualified(self, alias: str) -> str:
        """The column list, each name prefixed by `alias`."""
        return ", ".join(f"{alias}.{quote(name)}" for name in self.names)


def tables(models: Mapping[str, Model]) -> dict[str, Table]:
    """A Table per model."""
    return {name: Table(model) for name, model in models.items()}


class SQLTransaction(ABC):
    """The Transaction methods as SQL; a backend supplies how statements run and how it searches."""

    mark = "?"  # the driver's placeholder
    no_limit: int | None = -1  # what LIMIT takes for "all rows"
    distinct = "IS NOT"  # "is not equal to, nulls included"

    def __init__(self, tables: Mapping[str, Table], owner: str) -> None:
        self.tables = tables
        self.owner = owner

    @property
    def models(self) -> dict[str, Model]:
        """The models the transaction works on, by name."""
        return {name: table.model for name, table in self.tables.items()}

    @abstractmethod
    async def fetch(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        """Runs a query and returns its rows; ConstraintError when it breaks a unique key or a reference."""

    @abstractmethod
    async def execute(self, sql: str, params: list[Any]) -> int:
        """Runs a statement and returns how many rows it touched; ConstraintError as fetch."""

    @abstractmethod
    async def search(self, model: str, query: TextQuery) -> list[Record]:
        """The records a TextQuery matches, best first, from the backend's full-text index."""

    @abstractmethod
    async def statement(self, sql: str, params: Mapping[str, Any], *, read_only: bool, limit: int) -> Rows:
        """Runs one of the spec's statements, its `:name` parameters bound; ToolError when the database refuses it."""

    async def _rows(self, table: Table, sql: str, params: list[Any]) -> list[Record]:
        return [table.record(row) for row in await self.fetch(sql, params)]

    async def insert(self, model: str, values: Record) -> Record:
        """Adds a record (the database assigns the id) and returns it as stored."""
        table = self.tables[model]
        if table.owned:
            values = {**values, OWNER: self.owner}
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
        mine, params = self._mine(table, [id])
        sql = f"SELECT {table.columns} FROM {table.name} WHERE {table.key} = {self.mark}{mine}"
        rows = await self._rows(table, sql, params)
        return rows[0] if rows else None

    async def update(self, model: str, id: Any, values: Record) -> Record | None:
        """Changes the given fields; returns the whole record, or None when there is no such id."""
        table = self.tables[model]
        assignments = ", ".join(f"{quote(name)} = {self.mark}" for name in values)
        mine, params = self._mine(table, [*values.values(), id])
        sql = f"UPDATE {table.name} SET {assignments} WHERE {table.key} = {self.mark}{mine} RETURNING {table.columns}"
        rows = await self._rows(table, sql, params)
        return rows[0] if rows else None

    async def delete(self, model: str, id: Any) -> bool:
        """Removes the record; False when there is no such id."""
        table = self.tables[model]
        mine, params = self._mine(table, [id])
        return bool(await self.execute(f"DELETE FROM {table.name} WHERE {table.key} = {self.mark}{mine}", params))

    async def select(self, model: str, query: Query) -> list[Record]:
        """The records a Query asks for, in its order."""
        table = self.tables[model]
        clauses, params = self._conditions(table, query.where)
        if query.after is not None:
            clause, extra = self._after(table, query.order, query.after)
            clauses.append(clause)
            params += extra
        order: list[str] = []
        for name, descending in query.order:  # (after the WHERE clause's parameters: ORDER BY comes later)
            expression, extra = self._sort_key(table.model.fields[name], name)
            order += [f"({quote(name)} IS NULL)", expression + (" DESC" if descending else "")]
            params += extra
        order.append(table.key)
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        sql = f"SELECT {table.columns} FROM {table.name}{where} ORDER BY {', '.join(order)} LIMIT {self.mark}"
        return await self._rows(table, sql, [*params, self._limit(query.limit)])

    async def count(self, model: str, where: tuple[Condition, ...], group_by: str | None) -> dict[Any, int]:
        """Matching records per value of `group_by` (one key, None, without it); absent values are left out."""
        table = self.tables[model]
        clauses, params = self._conditions(table, where)
        condition = " WHERE " + " AND ".join(clauses) if clauses else ""
        if group_by is None:
            rows = await self.fetch(f"SELECT COUNT(*) FROM {table.name}{condition}", params)
            return {None: int(rows[0][0])}
        column = quote(group_by)
        sql = f"SELECT {column}, COUNT(*) FROM {table.name}{condition} GROUP BY {column}"
        rows = await self.fetch(sql, params)
        convert = reader(table.model.fields[group_by])
        return {convert(value): int(n) for value, n in rows}

    def _limit(self, limit: int | None) -> int | None:
        return self.no_limit if limit is None else limit

    def _mine(self, table: Table, params: list[Any]) -> tuple[str, list[Any]]:
        """` AND <owner> = ?` for an owned table (with the owner added to params), else nothing."""
        if not table.owned:
            return "", params
        return f" AND {quote(OWNER)} = {self.mark}", [*params, self.owner]

    def _conditions(self, table: Table, where: tuple[Condition, ...], alias: str = "") -> tuple[list[str], list[Any]]:
        """The WHERE clauses of the conditions, the owner's first."""
        clauses, params = [], []
        if table.owned:
            clauses.append(f"{alias}{quote(OWNER)} = {self.mark}")
            params.append(self.owner)
        for name, op, wanted in where:
            column = alias + quote(name)
            if op == "empty":
                textual = table.model.fields[name].type in TEXTUAL
                empty = f"({column} IS NULL OR {column} = '')" if textual else f"{column} IS NULL"
                clauses.append(empty if wanted else f"NOT {empty}")
            elif op == "in":
                marks = ", ".join(self.mark for _ in wanted)
                clauses.append(f"{column} IN ({marks})" if wanted else "1 = 0")
                params += list(wanted)
            elif op == "eq" and wanted is None:
                clauses.append(f"{column} IS NULL")
            elif op == "not" and wanted is None:
                clauses.append(f"{column} IS NOT NULL")
            else:
                operator = {"eq": "=", "not": self.distinct, **COMPARISONS}[op]
                clauses.append(f"{column} {operator} {self.mark}")
                params.append(wanted)
        return clauses, params

    def _after(
        self, table: Table, order: tuple[tuple[str, bool], ...], after: tuple[Any, ...]
    ) -> tuple[str, list[Any]]:
        """The records that come after the keyset `after` in `order` (empty values last, then by id)."""
        clause, params = f"{table.key} > {self.mark}", [after[-1]]
        for (name, descending), value in reversed(list(zip(order, after, strict=False))):
            column = quote(name)
            if value is None:  # among the empty ones, which come last: only the same, then by what follows
                clause = f"({column} IS NULL AND {clause})"
                continue
            field = table.model.fields[name]
            expression, extra = self._sort_key(field, name)
            key = [_position(field, value)] if extra else [value]  # an enum sorts by its value's position
            beyond, mark = ("<" if descending else ">"), self.mark
            clause = f"({column} IS NULL OR {expression} {beyond} {mark} OR ({expression} = {mark} AND {clause}))"
            params = [*extra, *key, *extra, *key, *params]
        return clause, params

    def _sort_key(self, field: Field, name: str) -> tuple[str, list[Any]]:
        if field.type == "enum" and field.values:
            cases = " ".join(f"WHEN {self.mark} THEN {index}" for index in range(len(field.values)))
            return f"CASE {quote(name)} {cases} ELSE {len(field.values)} END", list(field.values)
        return quote(name), []


def _position(field: Field, value: Any) -> int:
    """Where an enum value sorts: its position among the values (others after them)."""
    return field.values.index(value) if value in field.values else len(field.values)


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


def index_name(model: str, kind: str, fields: tuple[str, ...]) -> str:
    """`task__unique__title`: an index's or constraint's name, shortened with a hash to fit 63 bytes."""
    name = "__".join((model, kind, *fields))
    if len(name.encode()) <= 63:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:10]
    return name.encode()[:52].decode(errors="ignore") + "_" + digest


@dataclass(frozen=True)
class Dialect:
    """How a backend declares columns: its type per field type, its primary key, its words for true and false.

    With `inline_references`, a ref column declares its foreign key itself (SQLite); without, the backend adds
    the constraints once every table exists (PostgreSQL).
    """

    classes: Mapping[str, str]
    key: str  # the id column's type and constraints
    true: str
    false: str
    inline_references: bool = False

    def create_table(self, model: str, spec: Model) -> str:
        """CREATE TABLE for a model, with its owner column if it has an owner."""
        columns = [self.column(name, field) for name, field in spec.fields.items()]
        if spec.owner:
            columns.append(self.owner_column())
        return f"CREATE TABLE {quote(model)} ({', '.join(columns)})"

    def column(self, name: str, field: Field) -> str:
        """One column's definition, with the field's default (and, inline, its reference)."""
        if field.type == "id":
            return f"{quote(name)} {self.key}"
        column = f"{quote(name)} {self.classes[field.type]}"
        if field.default is not None:
            column += f" DEFAULT {self.literal(field.default)}"
        if field.ref is not None and self.inline_references:
            column += " " + references(field)
        return column

    def owner_column(self) -> str:
        """The hidden column of an owned model: whose each record is (existing records: the local owner's)."""
        return f"{quote(OWNER)} TEXT NOT NULL DEFAULT {self.literal(LOCAL_OWNER)}"

    def literal(self, value: Any) -> str:
        """A default value as SQL."""
        if isinstance(value, bool):
            return self.true if value else self.false
        if isinstance(value, int | float):
            return repr(value)
        return "'" + str(value).replace("'", "''") + "'"


def references(field: Field) -> str:
    """`REFERENCES "customer" ON DELETE CASCADE`: a ref's foreign key (to the primary key of its model)."""
    assert field.ref is not None
    action = {"restrict": "RESTRICT", "cascade": "CASCADE", "set_null": "SET NULL"}[field.on_delete]
    return f"REFERENCES {quote(field.ref)} ON DELETE {action}"
