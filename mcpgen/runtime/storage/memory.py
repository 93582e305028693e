"""A store that keeps records in memory: for demos and tests; nothing survives the process."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from ..errors import StorageError
from ..model import Model, Record
from .base import STORAGE_CLASS, Query, TextQuery, refusal


class MemoryStore:
    """Tables as dicts; a transaction that raises puts back what it changed."""

    def __init__(self, models: Mapping[str, Model]) -> None:
        self.models = models
        self._tables: dict[str, dict[int, Record]] = {name: {} for name in models}
        self._next: dict[str, int] = dict.fromkeys(models, 1)
        self._lock = asyncio.Lock()

    async def open(self) -> None:
        """Nothing to open."""

    async def migrate(self, models: Mapping[str, Model]) -> None:
        """Adopts changed models, with the rules of the other backends; on StorageError nothing changes."""
        async with self._lock:
            refusals = []
            for name, model in models.items():
                old = self.models.get(name)
                rows = len(self._tables.get(name, {}))
                for field_name, field in model.fields.items():
                    before = old.fields.get(field_name) if old else None
                    stored = STORAGE_CLASS[before.type] if before else None
                    if reason := refusal(name, field_name, field, stored, rows):
                        refusals.append(reason)
            if refusals:
                raise StorageError("incompatible schema change:\n" + "\n".join(refusals))
            for name, model in models.items():
                table = self._tables.setdefault(name, {})
                self._next.setdefault(name, 1)
                for key, row in table.items():
                    table[key] = row | {f: spec.default for f, spec in model.fields.items() if f not in row}
            self.models = models

    async def close(self) -> None:
        """Nothing to close: the records stay until the process ends."""

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[MemoryTransaction]:
        """One transaction: a snapshot to go back to if the block raises."""
        async with self._lock:
            # Records are replaced on update, never changed in place, so a shallow copy is a snapshot.
            tables = {name: dict(rows) for name, rows in self._tables.items()} if write else None
            counters = dict(self._next)
            try:
                yield MemoryTransaction(self._tables, self._next, self.models)
            except BaseException:
                if tables is not None:
                    self._tables.clear()
                    self._tables.update(tables)
                    self._next.clear()
                    self._next.update(counters)
                raise


class MemoryTransaction:
    """Reads and writes on the store's dicts."""

    def __init__(
        self, tables: dict[str, dict[int, Record]], counters: dict[str, int], models: Mapping[str, Model]
    ) -> None:
        self.tables = tables
        self.counters = counters
        self.models = models

    async def insert(self, model: str, values: Record) -> Record:
        """Adds a record with the next id and returns it."""
        key = self.counters[model]
        self.counters[model] = key + 1
        record = dict.fromkeys(self.models[model].fields) | values | {self.models[model].id: key}
        self.tables[model][key] = record
        return dict(record)

    async def get(self, model: str, id: Any) -> Record | None:
        """The record with this id, or None."""
        record = self.tables[model].get(id)
        return dict(record) if record is not None else None

    async def update(self, model: str, id: Any, values: Record) -> Record | None:
        """Changes the given fields; returns the whole record, or None when there is no such id."""
        record = self.tables[model].get(id)
        if record is None:
            return None
        self.tables[model][id] = record | values
        return dict(self.tables[model][id])

    async def delete(self, model: str, id: Any) -> bool:
        """Removes the record; False when there is no such id."""
        return self.tables[model].pop(id, None) is not None

    async def select(self, model: str, query: Query) -> list[Record]:
        """The records a Query asks for, in its order."""
        rows = sorted(self._matching(model, query.filters), key=lambda r: r[self.models[model].id])
        for name, descending in reversed(query.order):
            rank = _ranker(self.models[model], name)
            present = sorted((r for r in rows if r[name] is not None), key=rank, reverse=descending)
            rows = present + [r for r in rows if r[name] is None]
        return [dict(r) for r in _window(rows, query.limit, query.offset)]

    async def search(self, model: str, query: TextQuery) -> list[Record]:
        """The records a TextQuery matches, best first."""
        key = self.models[model].id
        terms = [term.casefold() for term in query.terms]
        scored = []
        for record in self.tables[model].values():
            score = sum(
                len(query.fields) - index
                for term in terms
                for index, name in enumerate(query.fields)
                if record[name] is not None and term in str(record[name]).casefold()
            )
            if score:
                scored.append((-score, record[key], record))
        scored.sort(key=lambda item: item[:2])
        return [dict(record) for _, _, record in _window(scored, query.limit, query.offset)]

    async def count(self, model: str, filters: Mapping[str, Any], group_by: str | None) -> dict[Any, int]:
        """Matching records per value of `group_by` (one key, None, without it)."""
        rows = self._matching(model, filters)
        if group_by is None:
            return {None: len(rows)}
        return dict(Counter(row[group_by] for row in rows))

    def _matching(self, model: str, filters: Mapping[str, Any]) -> list[Record]:
        return [r for r in self.tables[model].values() if all(_same(r[k], v) for k, v in filters.items())]


def _same(stored: Any, wanted: Any) -> bool:
    if isinstance(stored, bool) or isinstance(wanted, bool):  # True == 1 in Python, not in a boolean field
        return stored is wanted
    return bool(stored == wanted)


def _ranker(model: Model, name: str) -> Any:
    field = model.fields[name]
    if field.type == "enum" and field.values:
        positions = {value: index for index, value in enumerate(field.values)}
        return lambda record: positions.get(record[name], len(positions))
    return lambda record: record[name]


def _window(rows: list[Any], limit: int | None, offset: int) -> list[Any]:
    return rows[offset : None if limit is None else offset + limit]
