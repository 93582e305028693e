"""What the SQL backends share: the statements behind every Transaction method, and reading rows back.

A backend subclasses SQLTransaction with its placeholder, how it finds a term in a column case-insensitively,
and the two ways it talks to its database: fetching rows and executing a statement.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any

from mcpgen.fields import id_field
from mcpgen.spec.model import FieldSpec, ModelSpec
from mcpgen.storage.base import Query, Record, TextQuery


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class SQLTransaction(ABC):
    mark = "?"  # the driver's placeholder
    no_limit: int | None = -1  # what LIMIT takes for "all rows"

    def __init__(self, models: Mapping[str, ModelSpec]) -> None:
        self.models = models

    @abstractmethod
    async def fetch(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    async def execute(self, sql: str, params: list[Any]) -> int:
        """Runs a statement and returns how many rows it touched."""

    @abstractmethod
    def contains(self, column: str) -> str:
        """SQL that is true when the folded term (the next parameter) occurs in `column`, whatever its case."""

    def fold(self, term: str) -> str:
        return term.casefold()

    async def _rows(self, model: str, sql: str, params: list[Any]) -> list[Record]:
        fields = self.models[model].fields
        return [record(fields, row) for row in await self.fetch(sql, params)]

    def _columns(self, model: str) -> str:
        return ", ".join(map(quote, self.models[model].fields))

    async def insert(self, model: str, values: Record) -> Record:
        columns = ", ".join(map(quote, values))
        marks = ", ".join(self.mark for _ in values)
        sql = f"INSERT INTO {quote(model)} ({columns}) VALUES ({marks}) RETURNING {self._columns(model)}"
        if not values:
            sql = f"INSERT INTO {quote(model)} DEFAULT VALUES RETURNING {self._columns(model)}"
        return (await self._rows(model, sql, list(values.values())))[0]

    async def get(self, model: str, id: Any) -> Record | None:
        key = quote(id_field(self.models[model]))
        sql = f"SELECT {self._columns(model)} FROM {quote(model)} WHERE {key} = {self.mark}"
        rows = await self._rows(model, sql, [id])
        return rows[0] if rows else None

    async def update(self, model: str, id: Any, values: Record) -> Record | None:
        assignments = ", ".join(f"{quote(name)} = {self.mark}" for name in values)
        key = quote(id_field(self.models[model]))
        sql = f"UPDATE {quote(model)} SET {assignments} WHERE {key} = {self.mark} RETURNING {self._columns(model)}"
        rows = await self._rows(model, sql, [*values.values(), id])
        return rows[0] if rows else None

    async def delete(self, model: str, id: Any) -> bool:
        key = quote(id_field(self.models[model]))
        return bool(await self.execute(f"DELETE FROM {quote(model)} WHERE {key} = {self.mark}", [id]))

    async def select(self, model: str, query: Query) -> list[Record]:
        where, params = self._where(query.filters)
        order: list[str] = []
        for name, descending in query.order:
            expression, extra = self._sort_key(self.models[model].fields[name], name)
            order += [f"({quote(name)} IS NULL)", expression + (" DESC" if descending else "")]
            params += extra
        order.append(quote(id_field(self.models[model])))
        sql = (
            f"SELECT {self._columns(model)} FROM {quote(model)}{where} "
            f"ORDER BY {', '.join(order)} LIMIT {self.mark} OFFSET {self.mark}"
        )
        return await self._rows(model, sql, [*params, self._limit(query.limit), query.offset])

    async def search(self, model: str, query: TextQuery) -> list[Record]:
        parts, params = [], []
        for term in query.terms:
            for index, name in enumerate(query.fields):
                weight = len(query.fields) - index
                parts.append(f"(CASE WHEN {self.contains(quote(name))} THEN {weight} ELSE 0 END)")
                params.append(self.fold(term))
        score = " + ".join(parts) or "0"
        key = quote(id_field(self.models[model]))
        sql = (
            f"SELECT {self._columns(model)} FROM (SELECT *, {score} AS _score FROM {quote(model)}) AS scored "
            f"WHERE _score > 0 ORDER BY _score DESC, {key} LIMIT {self.mark} OFFSET {self.mark}"
        )
        return await self._rows(model, sql, [*params, self._limit(query.limit), query.offset])

    async def count(self, model: str, filters: Mapping[str, Any], group_by: str | None) -> dict[Any, int]:
        where, params = self._where(filters)
        if group_by is None:
            rows = await self.fetch(f"SELECT COUNT(*) FROM {quote(model)}{where}", params)
            return {None: int(rows[0][0])}
        column = quote(group_by)
        rows = await self.fetch(f"SELECT {column}, COUNT(*) FROM {quote(model)}{where} GROUP BY {column}", params)
        convert = reader(self.models[model].fields[group_by])
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

    def _sort_key(self, field: FieldSpec, name: str) -> tuple[str, list[Any]]:
        if field.type == "enum" and field.values:
            cases = " ".join(f"WHEN {self.mark} THEN {index}" for index in range(len(field.values)))
            return f"CASE {quote(name)} {cases} ELSE {len(field.values)} END", list(field.values)
        return quote(name), []


def reader(field: FieldSpec) -> Callable[[Any], Any]:
    """Turns a stored value back into the field's Python type."""
    if field.type == "boolean":
        return lambda value: None if value is None else bool(value)  # SQLite stores 0 and 1
    if field.type in ("id", "integer"):
        # SQLite 3.40's RETURNING can hand back an integer column as REAL when a REAL column precedes it.
        return lambda value: value if value is None or isinstance(value, int) else int(value)
    if field.type == "number":
        return lambda value: value if value is None else float(value)
    return lambda value: value


def record(fields: Mapping[str, FieldSpec], row: tuple[Any, ...]) -> Record:
    return {name: reader(field)(value) for (name, field), value in zip(fields.items(), row, strict=True)}


def literal(value: Any, true: str, false: str) -> str:
    """A default value as SQL, with the backend's words for true and false."""
    if isinstance(value, bool):
        return true if value else false
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"
