"""PostgreSQL, for when one machine is no longer enough: a connection pool, tables created from the models.

Tables are created and widened under an advisory lock, so several replicas can start at once against one database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from psycopg import AsyncConnection
from psycopg.errors import Error as PostgresError
from psycopg_pool import AsyncConnectionPool

from ..errors import StorageError
from ..model import Field, Model
from .base import refusal
from .sql import SQLTransaction, Table, literal, quote, tables

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


class PostgresStore:
    """A pool of connections to the database at `url`, the tables in `schema` (created if missing)."""

    def __init__(self, url: str, schema: str, models: Mapping[str, Model], max_connections: int = 10) -> None:
        self.url, self.schema, self.models = url, schema, models
        self._tables = tables(models)
        self.max_connections = max_connections
        self._pool: AsyncConnectionPool[AsyncConnection[Any]] | None = None

    async def open(self) -> None:
        """Connects, creates missing tables and adds new nullable columns; StorageError with the reason if not."""
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
        await db.execute(f"SET search_path TO {quote(self.schema)}")  # _migrate creates the schema

    async def migrate(self, models: Mapping[str, Model]) -> None:
        """Adopts changed models while open, with the rules of open(); on StorageError nothing changes."""
        async with self._open().connection() as db:
            await _migrate(db, self.schema, models)
        self.models, self._tables = models, tables(models)

    async def close(self) -> None:
        """Closes the pool."""
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[PostgresTransaction]:
        """One transaction on a pooled connection (a cancelled one is rolled back or the connection discarded)."""
        async with self._open().connection() as db, db.transaction():
            yield PostgresTransaction(db, self._tables)

    def _open(self) -> AsyncConnectionPool[AsyncConnection[Any]]:
        if self._pool is None:
            raise RuntimeError("the PostgreSQL store is not open")
        return self._pool


class PostgresTransaction(SQLTransaction):
    """Statements on one pooled connection, inside its transaction."""

    mark = "%s"
    no_limit = None

    def __init__(self, db: AsyncConnection[Any], tables: Mapping[str, Table]) -> None:
        super().__init__(tables)
        self.db = db

    async def fetch(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        """Runs a query and returns its rows."""
        cursor = await self.db.execute(sql, params)
        return await cursor.fetchall()

    async def execute(self, sql: str, params: list[Any]) -> int:
        """Runs a statement and returns how many rows it touched."""
        cursor = await self.db.execute(sql, params)
        return cursor.rowcount

    def contains(self, column: str) -> str:
        """True when the lowered term occurs in the column, lowered by Unicode rules whatever the locale."""
        return f'strpos(lower({column}::text COLLATE "und-x-icu"), %s) > 0'

    def fold(self, term: str) -> str:
        """Terms are lowered, as the column is."""
        return term.lower()


async def _migrate(db: AsyncConnection[Any], schema: str, models: Mapping[str, Model]) -> None:
    """Creates missing tables and adds nullable columns; refuses, naming every field, what it cannot do."""
    refusals: list[str] = []
    async with db.transaction():
        await db.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"mcpgen:{schema}"])  # one replica at a time
        await db.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(schema)}")
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


def _create_table(model: str, spec: Model) -> str:
    columns = ", ".join(_column(name, field) for name, field in spec.fields.items())
    return f"CREATE TABLE {quote(model)} ({columns})"


def _column(name: str, field: Field) -> str:
    if field.type == "id":
        return f"{quote(name)} BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
    column = f"{quote(name)} {POSTGRES_CLASS[field.type]}"
    if field.default is not None:
        column += f" DEFAULT {literal(field.default, 'TRUE', 'FALSE')}"
    return column


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    scheme, _, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    return f"{scheme}://{credentials.partition(':')[0]}{at}{host}" if at else url
