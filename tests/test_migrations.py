"""Storage changes over time: real SQLite files created, widened and protected; the same rules in memory."""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from mcpgen.errors import StorageError
from mcpgen.runtime.model import Model
from mcpgen.runtime.storage.base import Query
from mcpgen.runtime.storage.sqlite import SQLiteStore
from mcpgen.spec.compile import compile_models
from mcpgen.spec.model import ModelSpec
from mcpgen.storage import BACKENDS, open_store
from tests.conftest import storage_for

pytestmark = pytest.mark.anyio


def models(**fields: dict[str, Any]) -> dict[str, Model]:
    return compiled({"fields": {"id": {"type": "id"}, "body": {"type": "text"}, **fields}})


def compiled(note: dict[str, Any]) -> dict[str, Model]:
    """The runtime models of a spec with one model, `note`."""
    return compile_models({"note": ModelSpec.model_validate(note)})


async def test_the_file_and_tables_are_created_on_first_open_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "notes.db"
    store = SQLiteStore(path, models())
    await store.open()
    await store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert [row[1] for row in db.execute("PRAGMA table_info(note)")] == ["id", "body"]


async def test_data_survives_closing_and_reopening(tmp_path: Path) -> None:
    first = SQLiteStore(tmp_path / "n.db", models())
    await first.open()
    async with first.transaction() as tx:
        await tx.insert("note", {"body": "remember me"})
    await first.close()
    second = SQLiteStore(tmp_path / "n.db", models())
    await second.open()
    async with second.transaction() as tx:
        assert await tx.get("note", 1) == {"id": 1, "body": "remember me"}
    await second.close()


async def reopen(path: Path, spec: dict[str, Model]) -> SQLiteStore:
    store = SQLiteStore(path, spec)
    await store.open()
    return store


async def seeded(path: Path) -> None:
    store = await reopen(path, models())
    async with store.transaction() as tx:
        await tx.insert("note", {"body": "old"})
    await store.close()


async def test_a_new_optional_field_is_added_and_old_rows_get_its_default(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    await seeded(path)
    store = await reopen(path, models(pinned={"type": "boolean", "default": False}, tag={"type": "string"}))
    async with store.transaction() as tx:
        assert await tx.get("note", 1) == {"id": 1, "body": "old", "pinned": False, "tag": None}
    await store.close()


async def test_a_required_field_without_default_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    await seeded(path)
    with pytest.raises(StorageError, match=r"note\.owner: cannot add a required field without a default"):
        await reopen(path, models(owner={"type": "string", "required": True}))
    store = await reopen(path, models())  # refused means untouched
    await store.close()
    with sqlite3.connect(path) as db:
        assert [row[1] for row in db.execute("PRAGMA table_info(note)")] == ["id", "body"]


async def test_a_changed_type_is_refused_naming_the_field(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    await seeded(path)
    changed = compiled({"fields": {"id": {"type": "id"}, "body": {"type": "integer"}}})
    with pytest.raises(StorageError, match=r"note\.body: the table stores TEXT but the spec now asks for INTEGER"):
        await reopen(path, changed)


async def test_a_removed_field_keeps_its_column_and_data(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    await seeded(path)
    slim = compiled({"fields": {"id": {"type": "id"}}})
    store = await reopen(path, slim)
    async with store.transaction() as tx:
        assert await tx.get("note", 1) == {"id": 1}
    await store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT body FROM note").fetchall() == [("old",)]


@pytest.mark.parametrize("backend", sorted(BACKENDS))
async def test_migrate_while_open_follows_the_same_rules(backend: str, tmp_path: Path) -> None:
    store = open_store(storage_for(backend, "n.db"), tmp_path, models())
    await store.open()
    try:
        async with store.transaction() as tx:
            await tx.insert("note", {"body": "old"})
        with pytest.raises(StorageError, match=r"note\.owner"):
            await store.migrate(models(owner={"type": "string", "required": True}))
        await store.migrate(models(stars={"type": "integer", "default": 0}))
        async with store.transaction() as tx:
            assert await tx.select("note", Query()) == [{"id": 1, "body": "old", "stars": 0}]
            assert (await tx.insert("note", {"body": "new", "stars": 5}))["stars"] == 5
    finally:
        await store.close()


async def test_reopening_an_unchanged_sqlite_file_changes_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    spec = {"unique": [["body", "stars"]], "fields": {"id": {"type": "id"}, "body": {"type": "text"}}}
    spec["fields"] |= {"stars": {"type": "integer", "unique": True}, "by": {"type": "ref", "model": "note"}}
    found = dataclasses.replace(compiled(spec)["note"], search=("body",), owner="subject")
    for _ in range(2):
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="mcpgen.runtime.storage.sqlite"):
            store = SQLiteStore(tmp_path / "notes.db", {"note": found})
            await store.open()
            await store.close()
    assert caplog.messages == []


async def test_a_unique_key_over_duplicates_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    store = SQLiteStore(path, models(stars={"type": "integer"}))
    await store.open()
    async with store.transaction() as tx:
        for stars in (1, 1, 2):
            await tx.insert("note", {"body": "x", "stars": stars})
    await store.close()
    store = SQLiteStore(path, models(stars={"type": "integer", "unique": True}))
    with pytest.raises(StorageError, match=r"cannot make stars unique: 1 is in 2 records; make them differ first"):
        await store.open()
    with sqlite3.connect(path) as db:
        assert db.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'note__%'"
        ).fetchone() == (0,)
