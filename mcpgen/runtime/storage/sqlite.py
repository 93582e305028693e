"""SQLite: the embedded default. One file, WAL mode, tables created and widened from the models.

Statements run on the event loop's thread, as short local calls: a transaction has no point where another
request (or a cancellation) can come in between its BEGIN and its COMMIT or ROLLBACK.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from ..errors import ConstraintError, StorageError, ToolError
from ..model import LOCAL_OWNER, OWNER, Model, Record
from .base import STORAGE_CLASS, Confirm, TextQuery, refusal
from .sql import Dialect, SQLTransaction, Table, index_name, quote, tables
from .statements import Rows

log = logging.getLogger(__name__)

DIALECT = Dialect(STORAGE_CLASS, "INTEGER PRIMARY KEY AUTOINCREMENT", "1", "0", inline_references=True)


class SQLiteStore:
    """One connection to the database file at `path` (created, with its folder, on first open)."""

    def __init__(self, path: Path | str, models: Mapping[str, Model]) -> None:
        self.path = Path(path)
        self.models = models
        self._tables = tables(models)
        self._db: sqlite3.Connection | None = None
        self._lock = asyncio.Lock()  # only for bodies that await something else: SQLite itself never waits

    async def open(self, confirm: Confirm | None = None) -> None:
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
            changes = _migrate(db, self.models, confirm)
        except sqlite3.Error as exc:
            db.close()
            raise StorageError(f"SQLite cannot use {self.path}: {exc}") from exc
        except BaseException:
            db.close()
            raise
        self._db = db
        for change in changes:
            log.info("storage: %s", change)

    async def migrate(self, models: Mapping[str, Model]) -> None:
        """Adopts changed models while open, with the rules of open(); on StorageError nothing changes."""
        async with self._lock:
            changes = _migrate(self._open(), models)
            self.models, self._tables = models, tables(models)
        for change in changes:
            log.info("storage: %s", change)

    async def close(self) -> None:
        """Closes the connection."""
        if self._db is not None:
            self._db.close()
            self._db = None

    @asynccontextmanager
    async def transaction(self, *, write: bool = True, owner: str = LOCAL_OWNER) -> AsyncIterator[SQLiteTransaction]:
        """One transaction; BEGIN IMMEDIATE takes the write lock at once, so writers never deadlock."""
        async with self._lock:
            db = self._open()
            db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield SQLiteTransaction(db, self._tables, owner)
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

    def __init__(self, db: sqlite3.Connection, tables: Mapping[str, Table], owner: str) -> None:
        super().__init__(tables, owner)
        self.db = db

    async def fetch(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        """Runs a query and returns its rows."""
        try:
            return self.db.execute(sql, params).fetchall()
        except sqlite3.IntegrityError as exc:
            raise ConstraintError(f"The change was refused: {exc}.") from None

    async def execute(self, sql: str, params: list[Any]) -> int:
        """Runs a statement and returns how many rows it touched."""
        try:
            return self.db.execute(sql, params).rowcount
        except sqlite3.IntegrityError as exc:
            raise ConstraintError(f"The change was refused: {exc}.") from None

    async def statement(self, sql: str, params: Mapping[str, Any], *, read_only: bool, limit: int) -> Rows:
        """Runs a spec's statement with SQLite's own `:name` binding; read-only ones under PRAGMA query_only."""
        if read_only:
            self.db.execute("PRAGMA query_only = ON")
        try:
            cursor = self.db.execute(sql, dict(params))
            rows = cursor.fetchmany(limit)
            columns = tuple(column[0] for column in cursor.description or ())
            changed = max(cursor.rowcount, 0) if not read_only else 0
            cursor.close()
        except sqlite3.IntegrityError as exc:
            raise ConstraintError(f"The change was refused: {exc}.") from None
        except sqlite3.Error as exc:
            raise ToolError(f"The tool's statement failed: {exc}.") from None
        finally:
            if read_only:
                self.db.execute("PRAGMA query_only = OFF")
        return Rows(columns, rows, changed)

    async def search(self, model: str, query: TextQuery) -> list[Record]:
        """FTS5: any of the words as a prefix, in the tool's fields, ranked by bm25 (earlier fields weigh more)."""
        table = self.tables[model]
        found = query.terms
        if not found:
            return []
        index = quote(search_table(model))
        indexed = table.model.search
        weights = ", ".join(
            str(len(query.fields) - query.fields.index(name)) if name in query.fields else "0" for name in indexed
        )
        columns = " ".join(quote(name) for name in query.fields)
        match = "{" + columns + "} : (" + " OR ".join(f'"{word}"*' for word in found) + ")"
        clauses, params = self._conditions(table, query.where, "t.")
        where = "".join(f" AND {clause}" for clause in clauses)
        sql = (
            f"SELECT {table.qualified('t')} FROM {index} JOIN {table.name} AS t ON t.{table.key} = {index}.rowid "
            f"WHERE {index} MATCH ?{where} ORDER BY bm25({index}, {weights}), t.{table.key} LIMIT ? OFFSET ?"
        )
        return await self._rows(table, sql, [match, *params, self._limit(query.limit), query.offset])


def search_table(model: str) -> str:
    """The name of a model's FTS5 index."""
    return f"{model}__search"


def _migrate(db: sqlite3.Connection, models: Mapping[str, Model], confirm: Confirm | None = None) -> list[str]:
    """Renames, creates and widens tables, keys and search indexes; returns what it changed.

    Refuses, naming every field, what it cannot do; then it changes nothing. So it does when `confirm` (asked only
    when the file held tables before) raises.
    """
    refusals: list[str] = []
    changes: list[str] = []
    db.execute("BEGIN IMMEDIATE")
    try:
        held_tables = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1").fetchone() is not None
        for model, spec in models.items():
            columns = _columns(db, model)
            if spec.renamed_from and _columns(db, spec.renamed_from):
                if columns:
                    refusals.append(f"{model}: renamed_from {spec.renamed_from}, but both tables exist; drop one")
                    continue
                _drop_search(db, spec.renamed_from)
                db.execute(f"ALTER TABLE {quote(spec.renamed_from)} RENAME TO {quote(model)}")
                changes.append(f"renamed table {spec.renamed_from} to {model}")
                columns = _columns(db, model)
            if not columns:
                db.execute(DIALECT.create_table(model, spec))
                changes.append(f"created table {model}")
            else:
                refusals += _widen(db, model, spec, columns, changes)
            if not refusals:
                refusals += _keys(db, model, spec, changes)
                _search(db, model, spec, changes)
        if refusals:
            raise StorageError("incompatible schema change:\n" + "\n".join(refusals))
        dangling = db.execute("PRAGMA foreign_key_check").fetchall()
        if dangling:
            raise StorageError("incompatible schema change:\n" + _dangling(dangling))
        if confirm is not None and held_tables and changes:
            confirm(changes)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return changes


def _columns(db: sqlite3.Connection, table: str) -> dict[str, str]:
    return {row[1]: str(row[2]).upper() for row in db.execute(f"PRAGMA table_info({quote(table)})")}


def _references(db: sqlite3.Connection, table: str) -> dict[str, tuple[str, str]]:
    """(target table, on_delete) per column with a foreign key."""
    actions = {"CASCADE": "cascade", "SET NULL": "set_null"}
    rows = db.execute(f"PRAGMA foreign_key_list({quote(table)})")
    return {row[3]: (row[2], actions.get(row[6], "restrict")) for row in rows}


def _widen(db: sqlite3.Connection, model: str, spec: Model, columns: dict[str, str], changes: list[str]) -> list[str]:
    """Renames and adds columns; the refusals of what cannot change in place."""
    refusals = []
    rows = db.execute(f"SELECT COUNT(*) FROM {quote(model)}").fetchone()[0]
    for name, field in spec.fields.items():
        old = field.renamed_from
        if old and old in columns:
            if name in columns:
                refusals.append(f"{model}.{name}: renamed_from {old}, but both columns exist; drop one")
                continue
            _drop_search(db, model)
            db.execute(f"ALTER TABLE {quote(model)} RENAME COLUMN {quote(old)} TO {quote(name)}")
            changes.append(f"renamed column {model}.{old} to {name}")
            columns[name] = columns.pop(old)
        reason = refusal(model, name, field, columns.get(name), rows)
        if reason:
            refusals.append(reason)
        elif name not in columns:
            db.execute(f"ALTER TABLE {quote(model)} ADD COLUMN {DIALECT.column(name, field)}")
            changes.append(f"added column {model}.{name}")
        elif field.ref is not None and (now := _references(db, model).get(name)) != (field.ref, field.on_delete):
            refusals.append(
                f"{model}.{name}: SQLite cannot change a column's reference in place (it is {now or 'none'}, the "
                f"spec asks for {field.ref} with on_delete {field.on_delete}); change it back, or add a new field"
            )
    if spec.owner and OWNER not in columns:
        db.execute(f"ALTER TABLE {quote(model)} ADD COLUMN {DIALECT.owner_column()}")
        changes.append(f"gave {model} an owner (its {rows} records are the local owner's)")
    return refusals


def _keys(db: sqlite3.Connection, model: str, spec: Model, changes: list[str]) -> list[str]:
    """Unique indexes for the model's keys, indexes on its refs and owner; drops keys the spec no longer has."""
    owner = (OWNER,) if spec.owner else ()
    wanted = {index_name(model, "unique", key): key for key in spec.keys}
    found = db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", [model])
    existing = {row[0] for row in found if str(row[0]).startswith(f"{model}__unique__")}
    for name in sorted(existing - set(wanted)):
        db.execute(f"DROP INDEX {quote(name)}")
        changes.append(f"dropped the unique key {name}")
    refusals = []
    for name, key in wanted.items():
        if name in existing:
            continue
        try:
            db.execute(f"CREATE UNIQUE INDEX {quote(name)} ON {quote(model)} ({', '.join(map(quote, (*owner, *key)))})")
        except sqlite3.IntegrityError:
            refusals.append(f"{model}: cannot make {' and '.join(key)} unique: {_duplicates(db, model, owner, key)}")
            continue
        changes.append(f"made {model}.{' and '.join(key)} unique")
    for field in (*spec.refs, *owner):
        index = quote(index_name(model, "by", (field,)))
        db.execute(f"CREATE INDEX IF NOT EXISTS {index} ON {quote(model)} ({quote(field)})")
    return refusals


def _duplicates(db: sqlite3.Connection, model: str, owner: tuple[str, ...], key: tuple[str, ...]) -> str:
    columns = ", ".join(map(quote, (*owner, *key)))
    present = " AND ".join(f"{quote(name)} IS NOT NULL" for name in key)
    sql = f"SELECT {columns}, COUNT(*) FROM {quote(model)} WHERE {present} GROUP BY {columns} HAVING COUNT(*) > 1"
    rows = db.execute(sql).fetchall()
    shown = "; ".join(f"{', '.join(map(repr, row[len(owner) : -1]))} is in {row[-1]} records" for row in rows[:3])
    return f"{shown}; make them differ first"


def _dangling(rows: list[Any]) -> str:
    found: dict[tuple[str, str], int] = {}
    for table, _, target, _ in rows:
        found[(table, target)] = found.get((table, target), 0) + 1
    return "\n".join(
        f"{table}: {n} records refer to {target} records that do not exist; fix or clear them first"
        for (table, target), n in found.items()
    )


def _search(db: sqlite3.Connection, model: str, spec: Model, changes: list[str]) -> None:
    """The model's FTS5 index over its searched fields, kept in step by triggers; rebuilt when they change."""
    if not spec.search:
        if _drop_search(db, model):
            changes.append(f"dropped the search index of {model}")
        return
    statements = _search_statements(model, spec)
    found = db.execute("SELECT sql FROM sqlite_master WHERE name = ? OR tbl_name = ?", [search_table(model), model])
    present = {row[0] for row in found}
    if all(statement in present for statement in statements):
        return
    _drop_search(db, model)
    for statement in statements:
        db.execute(statement)
    index = quote(search_table(model))
    db.execute(f"INSERT INTO {index} ({index}) VALUES ('rebuild')")
    changes.append(f"indexed {', '.join(f'{model}.{name}' for name in spec.search)} for search")


def _search_statements(model: str, spec: Model) -> list[str]:
    """The FTS5 table (external content: the model's table) and the triggers that keep it in step."""
    index, table, key = quote(search_table(model)), quote(model), quote(spec.id)
    columns = ", ".join(map(quote, spec.search))
    new = ", ".join(f"new.{quote(name)}" for name in spec.search)
    old = ", ".join(f"old.{quote(name)}" for name in spec.search)
    add = f"INSERT INTO {index} (rowid, {columns}) VALUES (new.{key}, {new});"
    remove = f"INSERT INTO {index} ({index}, rowid, {columns}) VALUES ('delete', old.{key}, {old});"
    triggers = {"insert": add, "delete": remove, "update": f"{remove} {add}"}
    return [
        f"CREATE VIRTUAL TABLE {index} USING fts5({columns}, content={table}, content_rowid={key}, "
        "tokenize='unicode61 remove_diacritics 0')",
        *(
            f"CREATE TRIGGER {quote(f'{search_table(model)}_{when}')} AFTER {when.upper()} ON {table} BEGIN {body} END"
            for when, body in triggers.items()
        ),
    ]


def _drop_search(db: sqlite3.Connection, model: str) -> bool:
    """Drops a model's search index and its triggers; whether there was one."""
    index = search_table(model)
    for event in ("insert", "delete", "update"):
        db.execute(f"DROP TRIGGER IF EXISTS {quote(f'{index}_{event}')}")
    existed = db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [index]).fetchone() is not None
    db.execute(f"DROP TABLE IF EXISTS {quote(index)}")
    return existed
