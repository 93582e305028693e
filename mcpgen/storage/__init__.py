"""The registry of storage backends: the one list of where a spec's data can live."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from mcpgen.spec.model import ModelSpec, StorageSpec
from mcpgen.storage.base import StorageError, Store
from mcpgen.storage.memory import MemoryStore
from mcpgen.storage.sqlite import SQLiteStore

Factory = Callable[[StorageSpec, Path, Mapping[str, ModelSpec]], Store]


def _sqlite(storage: StorageSpec, base_dir: Path, models: Mapping[str, ModelSpec]) -> Store:
    return SQLiteStore(base_dir / (storage.path or "data/mcpgen.db"), models)


def _memory(storage: StorageSpec, base_dir: Path, models: Mapping[str, ModelSpec]) -> Store:
    return MemoryStore(models)


def _postgres(storage: StorageSpec, base_dir: Path, models: Mapping[str, ModelSpec]) -> Store:
    try:
        from mcpgen.storage.postgres import PostgresStore  # noqa: PLC0415 (psycopg is an optional extra)
    except ImportError as exc:
        raise StorageError(f"the postgres backend needs psycopg: pip install 'mcpgen[postgres]' ({exc})") from exc
    return PostgresStore(storage.url or "", storage.schema_name or "public", models)


BACKENDS: dict[str, Factory] = {"sqlite": _sqlite, "postgres": _postgres, "memory": _memory}


def open_store(storage: StorageSpec, base_dir: Path, models: Mapping[str, ModelSpec]) -> Store:
    """The spec's store, not yet opened."""
    return BACKENDS[storage.backend](storage, base_dir, models)
