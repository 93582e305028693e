"""PostgreSQL: for when one machine is no longer enough. A connection pool; tables created and widened from the
models, under an advisory lock, so several replicas can start at once against one database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from psycopg import AsyncConnection
from psycopg.errors import Error as PostgresError
from psycopg_pool import AsyncConnectionPool

from mcpgen.fields import id_field
from mcpgen.spec.model import FieldSpec, ModelSpec
from mcpgen.storage.base import Query, Record, StorageError, TextQuery, refusal

# How each field type is stored (information_schema's data_type, upper case); dates stay ISO 8601 text, as in SQLite.
POSTGRES_CLASS = {
    "id": "BIGINT",
    "string": "TEXT",
    "text": "TEXT",
    "enum": "TEXT",
    "date": "TEXT",
    "datetime": "TEXT",
    "integer": "BIGINT",
    "number": "DOUBLE PRECISION",
    "boolean": "BOOLEAN",
}
UNICODE = 'COLLATE "und-x-icu"'  # lower() by Unicode rules, whatever the database's locale


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class PostgresStore:
    def __init__(self, url: str, schema: str, models: Mapping[str, ModelSpec], max_connections: int = 10) -> None:
        self.url, self.schema, self.models = url, schema, models
        self.max_connections = max_connections
        self._pool: AsyncConnectionPool[AsyncConnection[Any]] | None = None

    async def open(self) -> None:
        try:  # one connection first: a wrong URL or an incompatible schema fails at once, with its reason
            async with await AsyncConnection.connect(self.url, autocommit=True, connect_timeout=10) as db:
                await self._configure(db)
                await _migrate(db, self.schema, self.models)
        except PostgresError as exc:
            raise StorageError(f"PostgreSQL at {_safe(self.url)}: {exc}") from exc
        pool: AsyncConnectionPool[AsyncConnection[Any]] = AsyncConnectionPool(
            self.url,
            min_size=1,
            max_size=self.max_connections,
            open=False,
            configure=self._configure,
            kwargs={"autocommit": True},
        )
        await pool.open(wait=True, timeout=10)
        self._pool = pool

    async def _configure(self, db: AsyncConnection[Any]) -> None:
        await db.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(self.schema)}")
        await db.execute(f"SET search_path TO {quote(self.schema)}")

    async def migrate(self, models: Mapping[str, ModelSpec]) -> None:
        async with self._open().connection() as db:
            await _migrate(db, self.schema, models)
        self.models = models

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PostgresTransaction]:
        async with self._open().connection() as db, db.transaction():
            yield PostgresTransaction(db, self.models)

    def _open(self) -> AsyncConnectionPool[AsyncConnection[Any]]:
        if self._pool is None:
            raise RuntimeError("the PostgreSQL store is not open")
        return self._pool


class PostgresTransaction:
    def __init__(self, db: AsyncConnection[Any], models: Mapping[str, ModelSpec]) -> None:
        self.db = db
        self.models = models

    async def _rows(self, model: str, sql: str, params: list[Any]) -> list[Record]:
        fields = self.models[model].fields
        cursor = await self.db.execute(sql, params)
        return [_record(fields, row) for row in await cursor.fetchall()]

    async def insert(self, model: str, values: Record) -> Record:
        names = list(values)
        columns = ", ".join(map(quote, names))
        marks = ", ".join("%s" for _ in names)
        sql = f"INSERT INTO {quote(model)} ({columns}) VALUES ({marks}) RETURNING {self._columns(model)}"
        if not names:
            sql = f"INSERT INTO {quote(model)} DEFAULT VALUES RETURNING {self._columns(model)}"
        return (await self._rows(model, sql, list(values.values())))[0]

    async def get(self, model: str, id: Any) -> Record | None:
        key = quote(id_field(self.models[model]))
        rows = await self._rows(model, f"SELECT {self._columns(model)} FROM {quote(model)} WHERE {key} = %s", [id])
        return rows[0] if rows else None

    async def update(self, model: str, id: Any, values: Record) -> Record | None:
        assignments = ", ".join(f"{quote(name)} = %s" for name in values)
        key = quote(id_field(self.models[model]))
        sql = f"UPDATE {quote(model)} SET {assignments} WHERE {key} = %s RETURNING {self._columns(model)}"
        rows = await self._rows(model, sql, [*values.values(), id])
        return rows[0] if rows else None

    async def delete(self, model: str, id: Any) -> bool:
        key = quote(id_field(self.models[model]))
        cursor = await self.db.execute(f"DELETE FROM {quote(model)} WHERE {key} = %s", [id])
        return bool(cursor.rowcount)

    async def select(self, model: str, query: Query) -> list[Record]:
        where, params = _where(query.filters)
        order: list[str] = []
        for name, descending in query.order:
            expression, extra = _sort_key(self.models[model].fields[name], name)
            order += [f"({quote(name)} IS NULL)", expression + (" DESC" if descending else "")]
            params += extra
        order.append(quote(id_field(self.models[model])))
        sql = f"SELECT {self._columns(model)} FROM {quote(model)}{where} ORDER BY {', '.join(order)} LIMIT %s OFFSET %s"
        return await self._rows(model, sql, [*params, query.limit, query.offset])

    async def search(self, model: str, query: TextQuery) -> list[Record]:
        parts, params = [], []
        for term in query.terms:
            for index, name in enumerate(query.fields):
                weight = len(query.fields) - index
                parts.append(
                    f"(CASE WHEN strpos(lower({quote(name)}::text {UNICODE}), %s) > 0 THEN {weight} ELSE 0 END)"
                )
                params.append(term.lower())
        score = " + ".join(parts) or "0"
        key = quote(id_field(self.models[model]))
        sql = (
            f"SELECT {self._columns(model)} FROM (SELECT *, {score} AS _score FROM {quote(model)}) AS scored "
            f"WHERE _score > 0 ORDER BY _score DESC, {key} LIMIT %s OFFSET %s"
        )
        return await self._rows(model, sql, [*params, query.limit, query.offset])

    async def count(self, model: str, filters: Mapping[str, Any], group_by: str | None) -> dict[Any, int]:
        where, params = _where(filters)
        if group_by is None:
            cursor = await self.db.execute(f"SELECT COUNT(*) FROM {quote(model)}{where}", params)
            row = await cursor.fetchone()
            return {None: int(row[0]) if row else 0}
        column = quote(group_by)
        cursor = await self.db.execute(
            f"SELECT {column}, COUNT(*) FROM {quote(model)}{where} GROUP BY {column}", params
        )
        convert = _reader(self.models[model].fields[group_by])
        return {convert(value): int(n) for value, n in await cursor.fetchall()}

    def _columns(self, model: str) -> str:
        return ", ".join(map(quote, self.models[model].fields))


def _where(filters: Mapping[str, Any]) -> tuple[str, list[Any]]:
    clauses, params = [], []
    for name, value in filters.items():
        if value is None:
            clauses.append(f"{quote(name)} IS NULL")
        else:
            clauses.append(f"{quote(name)} = %s")
            params.append(value)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _sort_key(field: FieldSpec, name: str) -> tuple[str, list[Any]]:
    if field.type == "enum" and field.values:
        cases = " ".join(f"WHEN %s THEN {index}" for index in range(len(field.values)))
        return f"CASE {quote(name)} {cases} ELSE {len(field.values)} END", list(field.values)
    return quote(name), []


def _reader(field: FieldSpec) -> Callable[[Any], Any]:
    if field.type == "number":
        return lambda value: value if value is None else float(value)
    return lambda value: value


def _record(fields: Mapping[str, FieldSpec], row: tuple[Any, ...]) -> Record:
    return {name: _reader(field)(value) for (name, field), value in zip(fields.items(), row, strict=True)}


async def _migrate(db: AsyncConnection[Any], schema: str, models: Mapping[str, ModelSpec]) -> None:
    """Creates missing tables and adds nullable columns; refuses, naming every field, what it cannot do."""
    refusals: list[str] = []
    async with db.transaction():
        await db.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"mcpgen:{schema}"])  # one replica at a time
        for model, spec in models.items():
            cursor = await db.execute(
                "SELECT column_name, upper(data_type) FROM information_schema.columns"
                " WHERE table_schema = %s AND table_name = %s",
                [schema, model],
            )
            columns = {str(name): str(kind) for name, kind in await cursor.fetchall()}
            if not columns:
                await db.execute(_create_table(model, spec))
                continue
            counted = await (await db.execute(f"SELECT COUNT(*) FROM {quote(model)}")).fetchone()
            rows = int(counted[0]) if counted else 0
            for name, field in spec.fields.items():
                reason = refusal(model, name, field, columns.get(name), rows, classes=POSTGRES_CLASS)
                if reason:
                    refusals.append(reason)
                elif name not in columns:
                    await db.execute(f"ALTER TABLE {quote(model)} ADD COLUMN {_column(name, field)}")
        if refusals:
            raise StorageError("incompatible schema change:\n" + "\n".join(refusals))


def _create_table(model: str, spec: ModelSpec) -> str:
    columns = ", ".join(_column(name, field) for name, field in spec.fields.items())
    return f"CREATE TABLE {quote(model)} ({columns})"


def _column(name: str, field: FieldSpec) -> str:
    if field.type == "id":
        return f"{quote(name)} BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
    column = f"{quote(name)} {POSTGRES_CLASS[field.type]}"
    if field.default is not None:
        column += f" DEFAULT {_literal(field.default)}"
    return column


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    scheme, _, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    return f"{scheme}://{credentials.partition(':')[0]}{at}{host}" if at else url
