"""PostgreSQL, for when one machine is no longer enough: a connection pool, tables created from the models.

Tables are created, renamed and widened under an advisory lock, so several replicas can start at once against one
database. Full-text search reads a generated tsvector column per searched field, each with a GIN index.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from psycopg import AsyncConnection, DataError, IntegrityError
from psycopg.errors import Error as PostgresError
from psycopg_pool import AsyncConnectionPool

from ..errors import ConstraintError, StorageError, ToolError
from ..model import LOCAL_OWNER, Model, Record
from .base import Confirm, TextQuery
from .postgres_schema import document, migrate_schema, report, searched
from .sql import SQLTransaction, Table, index_name, quote, tables
from .statements import Rows, pyformat

log = logging.getLogger(__name__)

WEIGHTS = "ABCD"  # ts_rank's weights, by the position of a field in the search (past the fourth: D)
KEY_VALUE = re.compile(r"\)=\((.*)\)")  # the value in a violation's detail: `Key (customer)=(5) is not present ...`


class PostgresStore:
    """A pool of connections to the database at `url`, the tables in `schema` (created if missing)."""

    def __init__(self, url: str, schema: str, models: Mapping[str, Model], max_connections: int = 10) -> None:
        self.url, self.schema, self.models = url, schema, models
        self._tables = tables(models)
        self.max_connections = max_connections
        self._pool: AsyncConnectionPool[AsyncConnection[Any]] | None = None

    async def open(self, confirm: Confirm | None = None) -> None:
        """Connects and migrates the tables to the models (migrate_schema); StorageError with the reason if not."""
        try:  # one connection first: a wrong URL or an incompatible schema fails at once, with its reason
            async with await AsyncConnection.connect(self.url, autocommit=True, connect_timeout=10) as db:
                await self._configure(db)
                changes = await migrate_schema(db, self.schema, self.models, confirm)
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
        report(changes)

    async def _configure(self, db: AsyncConnection[Any]) -> None:
        await db.execute(f"SET search_path TO {quote(self.schema)}")  # migrate_schema creates the schema

    async def migrate(self, models: Mapping[str, Model]) -> None:
        """Adopts changed models while open, with the rules of open(); on StorageError nothing changes."""
        try:
            async with self._open().connection() as db:
                changes = await migrate_schema(db, self.schema, models)
        except PostgresError as exc:
            raise StorageError(f"PostgreSQL at {_safe(self.url)}: {exc}") from exc
        self.models, self._tables = models, tables(models)
        report(changes)

    async def close(self) -> None:
        """Closes the pool."""
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    @asynccontextmanager
    async def transaction(self, *, write: bool = True, owner: str = LOCAL_OWNER) -> AsyncIterator[PostgresTransaction]:
        """One transaction for `owner` on a pooled connection (cancelled: rolled back, or its connection dropped)."""
        async with self._open().connection() as db, db.transaction():
            yield PostgresTransaction(db, self._tables, owner)

    def _open(self) -> AsyncConnectionPool[AsyncConnection[Any]]:
        if self._pool is None:
            raise RuntimeError("the PostgreSQL store is not open")
        return self._pool


_NUL = "PostgreSQL text cannot hold the NUL character (\\u0000): send the text without it."


class PostgresTransaction(SQLTransaction):
    """Statements on one pooled connection, inside its transaction.

    A refused statement aborts the whole transaction (PostgreSQL's rule): after a ConstraintError, only the
    rollback that the store's context manager does is left.
    """

    mark = "%s"
    no_limit = None
    distinct = "IS DISTINCT FROM"

    def __init__(self, db: AsyncConnection[Any], tables: Mapping[str, Table], owner: str) -> None:
        super().__init__(tables, owner)
        self.db = db

    async def fetch(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        """Runs a query and returns its rows."""
        try:
            cursor = await self.db.execute(sql, params)
        except IntegrityError as exc:
            raise self._refused(exc, sql) from None
        except DataError:
            if _with_nul(params):
                raise ToolError(_NUL) from None
            raise
        return await cursor.fetchall()

    async def execute(self, sql: str, params: list[Any]) -> int:
        """Runs a statement and returns how many rows it touched."""
        try:
            cursor = await self.db.execute(sql, params)
        except IntegrityError as exc:
            raise self._refused(exc, sql) from None
        except DataError:
            if _with_nul(params):
                raise ToolError(_NUL) from None
            raise
        return cursor.rowcount

    async def statement(self, sql: str, params: Mapping[str, Any], *, read_only: bool, limit: int) -> Rows:
        """Runs a spec's statement, `:name` parameters bound by psycopg; read-only ones in a read-only transaction."""
        try:
            if read_only:
                await self.db.execute("SET TRANSACTION READ ONLY")
            cursor = await self.db.execute(pyformat(sql), dict(params))
        except IntegrityError as exc:
            raise self._refused(exc, sql) from None
        except PostgresError as exc:
            raise ToolError(f"The tool's statement failed: {exc.diag.message_primary or exc}.") from None
        columns = tuple(column.name for column in cursor.description or ())
        rows = await cursor.fetchmany(limit) if cursor.description else []
        return Rows(columns, rows, 0 if read_only else max(cursor.rowcount, 0))

    async def search(self, model: str, query: TextQuery) -> list[Record]:
        """Any of the words as a prefix in any of the fields, ranked by ts_rank (earlier fields weigh more)."""
        table = self.tables[model]
        found = [word for word in query.terms if len(word.encode()) < 2048]  # longer ones are never indexed
        if not found or not query.fields:
            return []
        indexed = table.model.search
        vectors = [
            f"t.{quote(searched(name))}" if name in indexed else document(f"t.{quote(name)}") for name in query.fields
        ]
        matched = " OR ".join(f"{vector} @@ q" for vector in vectors)
        weighted = " || ".join(f"setweight({vector}, '{WEIGHTS[min(n, 3)]}')" for n, vector in enumerate(vectors))
        clauses, params = self._conditions(table, query.where, "t.")
        where = "".join(f" AND {clause}" for clause in clauses)
        sql = (
            f"SELECT {table.qualified('t')} FROM {table.name} AS t, to_tsquery('simple', %s) AS q "
            f"WHERE ({matched}){where} ORDER BY ts_rank({weighted}, q) DESC, t.{table.key} LIMIT %s OFFSET %s"
        )
        prefixes = " | ".join("'" + word.replace("\\", "\\\\").replace("'", "''") + "':*" for word in found)
        return await self._rows(table, sql, [prefixes, *params, self._limit(query.limit), query.offset])

    def _refused(self, exc: IntegrityError, sql: str) -> ConstraintError:
        """The tool error for a violated constraint, in the models' words when it is one of ours."""
        diag = exc.diag
        found = KEY_VALUE.search(diag.message_detail or "")
        value = found[1] if found else None
        for table in self.tables.values():
            spec = table.model
            for key in spec.keys:
                if diag.constraint_name == index_name(spec.name, "unique", key):
                    return ConstraintError(f"The change was refused: {', '.join(key)} must be unique in {spec.name}.")
            for name, target in spec.refs.items():
                if diag.constraint_name != index_name(spec.name, "ref", (name,)):
                    continue
                if sql.startswith("DELETE"):
                    which = f"{target} {value}" if value else f"that {target}"
                    return ConstraintError(f"The change was refused: {spec.name} records still refer to {which}.")
                which = f"no {target} has id {value}" if value else f"{spec.name}.{name} names no {target}"
                return ConstraintError(f"The change was refused: {which}.")
        return ConstraintError(f"The change was refused: {diag.message_primary or exc}.")  # its detail shows whole rows


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    scheme, _, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    return f"{scheme}://{credentials.partition(':')[0]}{at}{host}" if at else url


def _with_nul(params: list[Any]) -> bool:
    """Whether a text holds NUL (U+0000), which SQLite stores and PostgreSQL's text cannot (psycopg refuses it)."""
    return any(isinstance(param, str) and "\x00" in param for param in params)
