"""SQLite: the embedded default. One file, WAL mode, tables created and widened from the models."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from mcpgen.fields import id_field
from mcpgen.spec.model import FieldSpec, ModelSpec
from mcpgen.storage.base import STORAGE_CLASS, Query, Record, StorageError, TextQuery, refusal

T = TypeVar("T")


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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


class SQLiteTransaction:
    def __init__(
        self, db: sqlite3.Connection, models: Mapping[str, ModelSpec], run: Callable[[Callable[[], Any]], Any]
    ) -> None:
        self.db = db
        self.models = models
        self.run = run

    async def _rows(self, model: str, sql: str, params: list[Any]) -> list[Record]:
        fields = self.models[model].fields
        rows = await self.run(lambda: self.db.execute(sql, params).fetchall())
        return [_record(fields, row) for row in rows]

    async def insert(self, model: str, values: Record) -> Record:
        names = list(values)
        columns = ", ".join(map(quote, names))
        marks = ", ".join("?" for _ in names)
        sql = f"INSERT INTO {quote(model)} ({columns}) VALUES ({marks}) RETURNING {self._columns(model)}"
        if not names:
            sql = f"INSERT INTO {quote(model)} DEFAULT VALUES RETURNING {self._columns(model)}"
        return (await self._rows(model, sql, list(values.values())))[0]

    async def get(self, model: str, id: Any) -> Record | None:
        key = quote(id_field(self.models[model]))
        rows = await self._rows(model, f"SELECT {self._columns(model)} FROM {quote(model)} WHERE {key} = ?", [id])
        return rows[0] if rows else None

    async def update(self, model: str, id: Any, values: Record) -> Record | None:
        assignments = ", ".join(f"{quote(name)} = ?" for name in values)
        key = quote(id_field(self.models[model]))
        sql = f"UPDATE {quote(model)} SET {assignments} WHERE {key} = ? RETURNING {self._columns(model)}"
        rows = await self._rows(model, sql, [*values.values(), id])
        return rows[0] if rows else None

    async def delete(self, model: str, id: Any) -> bool:
        key = quote(id_field(self.models[model]))
        cursor = await self.run(lambda: self.db.execute(f"DELETE FROM {quote(model)} WHERE {key} = ?", [id]))
        return bool(cursor.rowcount)

    async def select(self, model: str, query: Query) -> list[Record]:
        where, params = _where(query.filters)
        order: list[str] = []
        for name, descending in query.order:
            expression, extra = _sort_key(self.models[model].fields[name], name)
            order += [f"({quote(name)} IS NULL)", expression + (" DESC" if descending else "")]
            params += extra
        order.append(quote(id_field(self.models[model])))
        sql = f"SELECT {self._columns(model)} FROM {quote(model)}{where} ORDER BY {', '.join(order)} LIMIT ? OFFSET ?"
        return await self._rows(model, sql, [*params, -1 if query.limit is None else query.limit, query.offset])

    async def search(self, model: str, query: TextQuery) -> list[Record]:
        parts, params = [], []
        for term in query.terms:
            for index, name in enumerate(query.fields):
                parts.append(
                    f"(CASE WHEN instr(casefold({quote(name)}), ?) > 0 THEN {len(query.fields) - index} ELSE 0 END)"
                )
                params.append(term.casefold())
        score = " + ".join(parts) or "0"
        key = quote(id_field(self.models[model]))
        sql = (
            f"SELECT {self._columns(model)} FROM (SELECT *, {score} AS _score FROM {quote(model)}) "
            f"WHERE _score > 0 ORDER BY _score DESC, {key} LIMIT ? OFFSET ?"
        )
        return await self._rows(model, sql, [*params, -1 if query.limit is None else query.limit, query.offset])

    async def count(self, model: str, filters: Mapping[str, Any], group_by: str | None) -> dict[Any, int]:
        where, params = _where(filters)
        if group_by is None:
            rows = await self.run(
                lambda: self.db.execute(f"SELECT COUNT(*) FROM {quote(model)}{where}", params).fetchall()
            )
            return {None: rows[0][0]}
        column = quote(group_by)
        sql = f"SELECT {column}, COUNT(*) FROM {quote(model)}{where} GROUP BY {column}"
        rows = await self.run(lambda: self.db.execute(sql, params).fetchall())
        convert = _reader(self.models[model].fields[group_by])
        return {convert(value): n for value, n in rows}

    def _columns(self, model: str) -> str:
        return ", ".join(map(quote, self.models[model].fields))


def _where(filters: Mapping[str, Any]) -> tuple[str, list[Any]]:
    clauses, params = [], []
    for name, value in filters.items():
        if value is None:
            clauses.append(f"{quote(name)} IS NULL")
        else:
            clauses.append(f"{quote(name)} = ?")
            params.append(value)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _sort_key(field: FieldSpec, name: str) -> tuple[str, list[Any]]:
    if field.type == "enum" and field.values:
        cases = " ".join(f"WHEN ? THEN {index}" for index in range(len(field.values)))
        return f"CASE {quote(name)} {cases} ELSE {len(field.values)} END", list(field.values)
    return quote(name), []


def _casefold(value: Any) -> str | None:
    return None if value is None else str(value).casefold()


def _reader(field: FieldSpec) -> Callable[[Any], Any]:
    if field.type == "boolean":
        return lambda value: None if value is None else bool(value)
    if field.type in ("id", "integer"):
        # SQLite 3.40's RETURNING can hand back an integer column as REAL when a REAL column precedes it.
        return lambda value: value if value is None or isinstance(value, int) else int(value)
    if field.type == "number":
        return lambda value: value if value is None else float(value)
    return lambda value: value


def _record(fields: Mapping[str, FieldSpec], row: tuple[Any, ...]) -> Record:
    return {name: _reader(field)(value) for (name, field), value in zip(fields.items(), row, strict=True)}


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
        column += f" DEFAULT {_literal(field.default)}"
    return column


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"
