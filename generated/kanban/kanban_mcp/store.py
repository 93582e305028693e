"""SQLite storage: one file in WAL mode; tables are created from models.py and widened when it grows."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from kanban_mcp.models import Field, Model

T = TypeVar("T")
Record = dict[str, Any]
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
}


class StorageError(Exception):
    """The database cannot be used as models.py asks (an incompatible change); the text says why."""


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Store:
    """The connection to the database file (":memory:" keeps nothing); one transaction at a time."""

    def __init__(self, path: Path | str, models: Mapping[str, Model]) -> None:
        self.path = path
        self.models = models
        self._db: sqlite3.Connection | None = None
        self._lock = anyio.Lock()
        self._users = 0
        self._usage = anyio.Lock()

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Keeps the database open while any session (or caller) uses it."""
        async with self._usage:
            if self._users == 0:
                await self.open()
            self._users += 1
        try:
            yield
        finally:
            async with self._usage:
                self._users -= 1
                if self._users == 0:
                    await self.close()

    async def open(self) -> None:
        async with self._lock:
            self._db = await anyio.to_thread.run_sync(self._connect)

    def _connect(self) -> sqlite3.Connection:
        if isinstance(self.path, Path):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA busy_timeout=5000")
            db.create_function("casefold", 1, _casefold, deterministic=True)
            _migrate(db, self.models)
        except BaseException:
            db.close()
            raise
        return db

    async def close(self) -> None:
        async with self._lock:
            if self._db is not None:
                await anyio.to_thread.run_sync(self._db.close)
                self._db = None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """Committed when the block ends, rolled back when it raises: a tool call is all or nothing."""
        async with self._lock:
            db = self._db
            if db is None:
                raise RuntimeError("the store is not open")
            await anyio.to_thread.run_sync(lambda: db.execute("BEGIN IMMEDIATE"))
            try:
                yield Transaction(db, self.models)
            except BaseException:
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(lambda: db.execute("ROLLBACK"))
                raise
            await anyio.to_thread.run_sync(lambda: db.execute("COMMIT"))


class Transaction:
    """Reads and writes inside one transaction."""

    def __init__(self, db: sqlite3.Connection, models: Mapping[str, Model]) -> None:
        self.db = db
        self.models = models

    async def _rows(self, model: str, sql: str, params: list[Any]) -> list[Record]:
        fields = self.models[model].fields
        rows = await anyio.to_thread.run_sync(lambda: self.db.execute(sql, params).fetchall())
        return [_record(fields, row) for row in rows]

    def _columns(self, model: str) -> str:
        return ", ".join(map(quote, self.models[model].fields))

    async def insert(self, model: str, values: Record) -> Record:
        """Adds a record (SQLite assigns the id) and returns it as stored."""
        columns = ", ".join(map(quote, values))
        marks = ", ".join("?" for _ in values)
        sql = f"INSERT INTO {quote(model)} ({columns}) VALUES ({marks}) RETURNING {self._columns(model)}"
        if not values:
            sql = f"INSERT INTO {quote(model)} DEFAULT VALUES RETURNING {self._columns(model)}"
        return (await self._rows(model, sql, list(values.values())))[0]

    async def get(self, model: str, id: Any) -> Record | None:
        key = quote(self.models[model].id)
        rows = await self._rows(model, f"SELECT {self._columns(model)} FROM {quote(model)} WHERE {key} = ?", [id])
        return rows[0] if rows else None

    async def update(self, model: str, id: Any, values: Record) -> Record | None:
        """Changes the given fields; returns the whole record, or None when there is no such id."""
        assignments = ", ".join(f"{quote(name)} = ?" for name in values)
        key = quote(self.models[model].id)
        sql = f"UPDATE {quote(model)} SET {assignments} WHERE {key} = ? RETURNING {self._columns(model)}"
        rows = await self._rows(model, sql, [*values.values(), id])
        return rows[0] if rows else None

    async def delete(self, model: str, id: Any) -> bool:
        key = quote(self.models[model].id)
        sql = f"DELETE FROM {quote(model)} WHERE {key} = ?"
        cursor = await anyio.to_thread.run_sync(lambda: self.db.execute(sql, [id]))
        return bool(cursor.rowcount)

    async def select(
        self, model: str, filters: Mapping[str, Any], order: tuple[tuple[str, bool], ...], limit: int, offset: int
    ) -> list[Record]:
        """Exact-match filters; enums sort by the order of their values, empty values last, ties by id."""
        where, params = _where(filters)
        clauses: list[str] = []
        for name, descending in order:
            expression, extra = _sort_key(self.models[model].fields[name], name)
            clauses += [f"({quote(name)} IS NULL)", expression + (" DESC" if descending else "")]
            params += extra
        clauses.append(quote(self.models[model].id))
        sql = f"SELECT {self._columns(model)} FROM {quote(model)}{where} ORDER BY {', '.join(clauses)} LIMIT ? OFFSET ?"
        return await self._rows(model, sql, [*params, limit, offset])

    async def search(
        self, model: str, fields: tuple[str, ...], terms: tuple[str, ...], limit: int, offset: int
    ) -> list[Record]:
        """Records where any term occurs in any field (case-insensitively); earlier fields weigh more."""
        parts, params = [], []
        for term in terms:
            for index, name in enumerate(fields):
                parts.append(f"(CASE WHEN instr(casefold({quote(name)}), ?) > 0 THEN {len(fields) - index} ELSE 0 END)")
                params.append(term.casefold())
        score = " + ".join(parts) or "0"
        key = quote(self.models[model].id)
        sql = (
            f"SELECT {self._columns(model)} FROM (SELECT *, {score} AS _score FROM {quote(model)}) "
            f"WHERE _score > 0 ORDER BY _score DESC, {key} LIMIT ? OFFSET ?"
        )
        return await self._rows(model, sql, [*params, limit, offset])

    async def count(self, model: str, filters: Mapping[str, Any], group_by: str | None) -> dict[Any, int]:
        """Matching records per value of `group_by` (one key, None, without it); absent values are left out."""
        where, params = _where(filters)
        if group_by is None:
            sql = f"SELECT COUNT(*) FROM {quote(model)}{where}"
            rows = await anyio.to_thread.run_sync(lambda: self.db.execute(sql, params).fetchall())
            return {None: rows[0][0]}
        column = quote(group_by)
        sql = f"SELECT {column}, COUNT(*) FROM {quote(model)}{where} GROUP BY {column}"
        rows = await anyio.to_thread.run_sync(lambda: self.db.execute(sql, params).fetchall())
        read = _reader(self.models[model].fields[group_by])
        return {read(value): n for value, n in rows}


def _where(filters: Mapping[str, Any]) -> tuple[str, list[Any]]:
    clauses, params = [], []
    for name, value in filters.items():
        if value is None:
            clauses.append(f"{quote(name)} IS NULL")
        else:
            clauses.append(f"{quote(name)} = ?")
            params.append(value)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _sort_key(field: Field, name: str) -> tuple[str, list[Any]]:
    if field.type == "enum" and field.values:
        cases = " ".join(f"WHEN ? THEN {index}" for index in range(len(field.values)))
        return f"CASE {quote(name)} {cases} ELSE {len(field.values)} END", list(field.values)
    return quote(name), []


def _casefold(value: Any) -> str | None:
    return None if value is None else str(value).casefold()


def _reader(field: Field) -> Callable[[Any], Any]:
    if field.type == "boolean":
        return lambda value: None if value is None else bool(value)
    if field.type in ("id", "integer"):
        # SQLite 3.40's RETURNING can hand back an integer column as REAL when a REAL column precedes it.
        return lambda value: value if value is None or isinstance(value, int) else int(value)
    if field.type == "number":
        return lambda value: value if value is None else float(value)
    return lambda value: value


def _record(fields: Mapping[str, Field], row: tuple[Any, ...]) -> Record:
    return {name: _reader(field)(value) for (name, field), value in zip(fields.items(), row, strict=True)}


def _migrate(db: sqlite3.Connection, models: Mapping[str, Model]) -> None:
    """Creates missing tables and adds new optional columns; refuses, naming every field, what it cannot do."""
    refusals: list[str] = []
    db.execute("BEGIN IMMEDIATE")
    try:
        for model, spec in models.items():
            columns = {row[1]: str(row[2]).upper() for row in db.execute(f"PRAGMA table_info({quote(model)})")}
            if not columns:
                definitions = ", ".join(_column(name, field) for name, field in spec.fields.items())
                db.execute(f"CREATE TABLE {quote(model)} ({definitions})")
                continue
            rows = db.execute(f"SELECT COUNT(*) FROM {quote(model)}").fetchone()[0]
            for name, field in spec.fields.items():
                reason = _refusal(model, name, field, columns.get(name), rows)
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


def _refusal(model: str, name: str, field: Field, stored: str | None, rows: int) -> str | None:
    wanted = STORAGE_CLASS[field.type]
    if stored is not None and stored != wanted:
        return (
            f"{model}.{name}: the table stores {stored} but the model now asks for {wanted} ({field.type}); "
            "change it back or migrate the data by hand"
        )
    if stored is None and (field.type == "id" or (field.required and field.default is None and rows)):
        return (
            f"{model}.{name}: cannot add a required field without a default to a table with {rows} rows; "
            "give it a default or make it optional"
        )
    return None


def _column(name: str, field: Field) -> str:
    if field.type == "id":
        return f"{quote(name)} INTEGER PRIMARY KEY AUTOINCREMENT"
    column = f"{quote(name)} {STORAGE_CLASS[field.type]}"
    if field.default is not None:
        column += f" DEFAULT {_literal(field.default)}"
    return column


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"
