"""SQLite: the embedded default. One file, WAL mode, tables created and widened from the models.

Statements run on the event loop's thread, as short local calls: a transaction has no point where another
request (or a cancellation) can come in between its BEGIN and its COMMIT or ROLLBACK.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from ..errors import StorageError
from ..model import Model
from .base import STORAGE_CLASS, refusal
from .sql import Dialect, SQLTransaction, Table, quote, tables

DIALECT = Dialect(STORAGE_CLASS, "INTEGER PRIMARY KEY AUTOINCREMENT", "1", "0")


class SQLiteStore:
    """One connection to the database file at `path` (created, with its folder, on first open)."""

    def __init__(self, path: Path | str, models: Mapping[str, Model]) -> None:
        self.path = Path(path)
        self.models = models
        self._tables = tables(models)
        self._db: sqlite3.Connection | None = None
        self._lock = asyncio.Lock()  # only for bodies that await something else: SQLite itself never waits

    async def open(self) -> None:
        """Creates the file and missing tables, adds new nullable columns; StorageError on incompatible changes."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"SQLite cannot open {self.path}: {exc}") from exc
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA busy_timeout=5000")
            db.create_function("casefold", 1, _casefold, deterministic=True)
            _migrate(db, self.models)
        except sqlite3.Error as exc:
            db.close()
            raise StorageError(f"SQLite cannot use {self.path}: {exc}") from exc
        except BaseException:
            db.close()
            raise
        self._db = db

    async def migrate(self, models: Mapping[str, Model]) -> None:
        """Adopts changed models while open, with the rules of open(); on StorageError nothing changes."""
        async with self._lock:
            _migrate(self._open(), models)
            self.models, self._tables = models, tables(models)

    async def close(self) -> None:
        """Closes the connection."""
        if self._db is not None:
            self._db.close()
            self._db = None

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[SQLiteTransaction]:
        """One transaction; BEGIN IMMEDIATE takes the write lock at once, so writers never deadlock."""
        async with self._lock:
            db = self._open()
            db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield SQLiteTransaction(db, self._tables)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("the SQLite store is not open")
        return self._db


class SQLiteTransaction(SQLTransaction):
    """Statements on the store's connection, inside its transaction."""

    def __init__(self, db: sqlite3.Connection, tables: Mapping[str, Table]) -> None:
        super().__init__(tables)
        self.db = db

    async def fetch(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        """Runs a query and returns its rows."""
        return self.db.execute(sql, params).fetchall()

    async def execute(self, sql: str, params: list[Any]) -> int:
        """Runs a statement and returns how many rows it touched."""
        return self.db.execute(sql, params).rowcount

    def contains(self, column: str) -> str:
        """True when the folded term occurs in the column, folded the same way (str.casefold)."""
        return f"instr(casefold({column}), ?) > 0"


def _casefold(value: Any) -> str | None:
    return None if value is None else str(value).casefold()


def _migrate(db: sqlite3.Connection, models: Mapping[str, Model]) -> None:
    """Creates missing tables and adds nullable columns; refuses, naming every field, what it cannot do."""
    refusals: list[str] = []
    db.execute("BEGIN IMMEDIATE")
    try:
        for model, spec in models.items():
            columns = {row[1]: str(row[2]).upper() for row in db.execute(f"PRAGMA table_info({quote(model)})")}
            if not columns:
                db.execute(DIALECT.create_table(model, spec))
                continue
            rows = db.execute(f"SELECT COUNT(*) FROM {quote(model)}").fetchone()[0]
            for name, field in spec.fields.items():
                reason = refusal(model, name, field, columns.get(name), rows)
                if reason:
                    refusals.append(reason)
                elif name not in columns:
                    db.execute(f"ALTER TABLE {quote(model)} ADD COLUMN {DIALECT.column(name, field)}")
        if refusals:
            raise StorageError("incompatible schema change:\n" + "\n".join(refusals))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
