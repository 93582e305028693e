"""SQLite: the embedded default. One file, WAL mode, tables created and widened from the models."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from mcpgen.spec.model import FieldSpec, ModelSpec
from mcpgen.storage.base import STORAGE_CLASS, StorageError, refusal
from mcpgen.storage.sql import SQLTransaction, literal, quote

T = TypeVar("T")


class SQLiteStore:
    def __init__(self, path: Path, models: Mapping[str, ModelSpec]) -> None:
        self.path = path
        self.models = models
        self._db: sqlite3.Connection | None = None
        self._lock = anyio.Lock()

    async def _run(self, work: Callable[[], T]) -> T:
        return await anyio.to_thread.run_sync(work)

    async def open(self) -> None:
        async with self._lock:
            self._db = await self._run(self._connect)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA busy_timeout=5000")
            db.create_function("casefold", 1, _casefold, deterministic=True)
            _migrate(db, self.models)
        except BaseException:
            db.close()
            raise
        return db

    async def migrate(self, models: Mapping[str, ModelSpec]) -> None:
        async with self._lock:
            db = self._db
            if db is None:
                raise RuntimeError("the SQLite store is not open")
            await self._run(lambda: _migrate(db, models))
            self.models = models

    async def close(self) -> None:
        async with self._lock:
            if self._db is not None:
                await self._run(self._db.close)
                self._db = None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SQLiteTransaction]:
        async with self._lock:
            db = self._db
            if db is None:
                raise RuntimeError("the SQLite store is not open")
            await self._run(lambda: db.execute("BEGIN IMMEDIATE"))
            try:
                yield SQLiteTransaction(db, self.models, self._run)
            except BaseException:
                with anyio.CancelScope(shield=True):
                    await self._run(lambda: db.execute("ROLLBACK"))
                raise
            await self._run(lambda: db.execute("COMMIT"))


class SQLiteTransaction(SQLTransaction):
    """SQLite's statements run in a worker thread, one at a time on the store's connection."""

    def __init__(
        self, db: sqlite3.Connection, models: Mapping[str, ModelSpec], run: Callable[[Callable[[], Any]], Any]
    ) -> None:
        super().__init__(models)
        self.db = db
        self.run = run

    async def fetch(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = await self.run(lambda: self.db.execute(sql, params).fetchall())
        return rows

    async def execute(self, sql: str, params: list[Any]) -> int:
        cursor = await self.run(lambda: self.db.execute(sql, params))
        return int(cursor.rowcount)

    def contains(self, column: str) -> str:
        return f"instr(casefold({column}), ?) > 0"


def _casefold(value: Any) -> str | None:
    return None if value is None else str(value).casefold()


def _migrate(db: sqlite3.Connection, models: Mapping[str, ModelSpec]) -> None:
    """Creates missing tables and adds nullable columns; refuses, naming every field, what it cannot do."""
    refusals: list[str] = []
    db.execute("BEGIN IMMEDIATE")
    try:
        for model, spec in models.items():
            columns = {row[1]: str(row[2]).upper() for row in db.execute(f"PRAGMA table_info({quote(model)})")}
            if not columns:
                db.execute(_create_table(model, spec))
                continue
            rows = db.execute(f"SELECT COUNT(*) FROM {quote(model)}").fetchone()[0]
            for name, field in spec.fields.items():
                reason = refusal(model, name, field, columns.get(name), rows)
                if reason:
                    refusals.append(reason)
                elif name not in columns:
                    db.execute(f"ALTER TABLE {quote(model)} ADD COLUMN {_column(name, field)}")
        if refusals:
            raise StorageError("incompatible schema change:\n" + "\n".join(refusals))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _create_table(model: str, spec: ModelSpec) -> str:
    columns = ", ".join(_column(name, field) for name, field in spec.fields.items())
    return f"CREATE TABLE {quote(model)} ({columns})"


def _column(name: str, field: FieldSpec) -> str:
    if field.type == "id":
        return f"{quote(name)} INTEGER PRIMARY KEY AUTOINCREMENT"
    column = f"{quote(name)} {STORAGE_CLASS[field.type]}"
    if field.default is not None:
        column += f" DEFAULT {literal(field.default, '1', '0')}"
    return column
