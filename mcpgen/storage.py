"""The registry of storage backends: the one list of where a spec's data can live, and how each is opened."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from mcpgen.errors import StorageError
from mcpgen.runtime.model import Model
from mcpgen.runtime.storage.base import Store
from mcpgen.runtime.storage.memory import MemoryStore
from mcpgen.runtime.storage.sqlite import SQLiteStore
from mcpgen.spec.model import StorageSpec

Factory = Callable[[StorageSpec, Path, Mapping[str, Model]], Store]
DEFAULT_PATH = "data/mcpgen.db"  # sqlite without a path, relative to the spec


def _sqlite(storage: StorageSpec, base_dir: Path, models: Mapping[str, Model]) -> Store:
    return SQLiteStore(base_dir / (storage.path or DEFAULT_PATH), models)


def _memory(storage: StorageSpec, base_dir: Path, models: Mapping[str, Model]) -> Store:
    return MemoryStore(models)


def _postgres(storage: StorageSpec, base_dir: Path, models: Mapping[str, Model]) -> Store:
    try:
        from mcpgen.runtime.storage.postgres import PostgresStore  # noqa: PLC0415 (psycopg is an optional extra)
    except ImportError as exc:
        raise StorageError(f"the postgres backend needs psycopg: pip install 'mcpgen[postgres]' ({exc})") from exc
    return PostgresStore(storage.url or "", storage.schema_name or "public", models)


BACKENDS: dict[str, Factory] = {"sqlite": _sqlite, "postgres": _postgres, "memory": _memory}


def open_store(storage: StorageSpec, base_dir: Path, models: Mapping[str, Model]) -> Store:
    """The spec's store, not yet opened."""
    return BACKENDS[storage.backend](storage, base_dir, models)
