"""A store that keeps records in memory: for demos and tests; nothing survives the process."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from ..errors import ConstraintError, StorageError, ToolError
from ..filters import Condition, matches
from ..model import LOCAL_OWNER, OWNER, Model, Record
from .base import STORAGE_CLASS, WORD, Confirm, Query, TextQuery, refusal
from .statements import Rows


class MemoryStore:
    """Tables as dicts; a transaction that raises puts back what it changed."""

    def __init__(self, models: Mapping[str, Model]) -> None:
        self.models = models
        self._tables: dict[str, dict[int, Record]] = {name: {} for name in models}
        self._next: dict[str, int] = dict.fromkeys(models, 1)
        self._lock = asyncio.Lock()

    async def open(self, confirm: Confirm | None = None) -> None:
        """Nothing to open: each start holds no records, so there is nothing to confirm."""

    async def migrate(self, models: Mapping[str, Model]) -> None:
        """Adopts changed models, with the rules of the other backends; on StorageError nothing changes."""
        async with self._lock:
            refusals = []
            for name, model in models.items():
                old = self.models.get(name) or self.models.get(model.renamed_from or "")
                rows = len(self._tables.get(name, self._tables.get(model.renamed_from or "", {})))
                for field_name, field in model.fields.items():
                    before = (old.fields.get(field_name) or old.fields.get(field.renamed_from or "")) if old else None
                    stored = STORAGE_CLASS[before.type] if before else None
                    if reason := refusal(name, field_name, field, stored, rows):
                        refusals.append(reason)
            if refusals:
                raise StorageError("incompatible schema change:\n" + "\n".join(refusals))
            for name, model in models.items():
                if model.renamed_from in self._tables and name not in self._tables:
                    self._tables[name] = self._tables.pop(model.renamed_from)
                    self._next[name] = self._next.pop(model.renamed_from)
                table = self._tables.setdefault(name, {})
                self._next.setdefault(name, 1)
                renames = {spec.renamed_from: f for f, spec in model.fields.items() if spec.renamed_from}
                for key, row in table.items():
                    kept = {renames.get(k, k) if renames.get(k) not in row else k: v for k, v in row.items()}
                    added = {f: spec.default for f, spec in model.fields.items() if f not in kept}
                    owner = {OWNER: LOCAL_OWNER} if model.owner and OWNER not in kept else {}
                    table[key] = kept | added | owner
            self.models = models

    async def close(self) -> None:
        """Nothing to close: the records stay until the process ends."""

    @asynccontextmanager
    async def transaction(self, *, write: bool = True, owner: str = LOCAL_OWNER) -> AsyncIterator[MemoryTransaction]:
        """One transaction: a snapshot to go back to if the block raises."""
        async with self._lock:
            # Records are replaced on update, never changed in place, so a shallow copy is a snapshot.
            tables = {name: dict(rows) for name, rows in self._tables.items()} if write else None
            counters = dict(self._next)
            try:
                yield MemoryTransaction(self._tables, self._next, self.models, owner)
            except BaseException:
                if tables is not None:
                    self._tables.clear()
                    self._tables.update(tables)
                    self._next.clear()
                    self._next.update(counters)
                raise


class MemoryTransaction:
    """Reads and writes on the store's dicts; an owned model's records keep their owner under OWNER."""

    def __init__(
        self, tables: dict[str, dict[int, Record]], counters: dict[str, int], models: Mapping[str, Model], owner: str
    ) -> None:
        self.tables = tables
        self.counters = counters
        self.models = models
        self.owner = owner

    async def statement(self, sql: str, params: Mapping[str, Any], *, read_only: bool, limit: int) -> Rows:
        """Memory holds no tables to run SQL on."""
        raise ToolError("This tool runs SQL, which needs SQLite or PostgreSQL storage, not memory.")

    async def insert(self, model: str, values: Record) -> Record:
        """Adds a record with the next id and returns it."""
        spec = self.models[model]
        self._check(spec, values, None)
        key = self.counters[model]
        self.counters[model] = key + 1
        record = dict.fromkeys(spec.fields) | values | {spec.id: key}
        if spec.owner:
            record[OWNER] = self.owner
        self.tables[model][key] = record
        return self._shown(spec, record)

    async def get(self, model: str, id: Any) -> Record | None:
        """The record with this id, or None."""
        spec = self.models[model]
        record = self._mine(spec, id)
        return self._shown(spec, record) if record is not None else None

    async def update(self, model: str, id: Any, values: Record) -> Record | None:
        """Changes the given fields; returns the whole record, or None when there is no such id."""
        spec = self.models[model]
        record = self._mine(spec, id)
        if record is None:
            return None
        self._check(spec, values, record)
        self.tables[model][id] = record | values
        return self._shown(spec, self.tables[model][id])

    async def delete(self, model: str, id: Any) -> bool:
        """Removes the record, and what refers to it as the refs' on_delete says; False when there is no such id."""
        spec = self.models[model]
        if self._mine(spec, id) is None:
            return False
        self._remove(model, id)
        return True

    async def select(self, model: str, query: Query) -> list[Record]:
        """The records a Query asks for, in its order."""
        spec = self.models[model]
        rows = sorted(self._matching(spec, query.where), key=lambda r: r[spec.id])
        for name, descending in reversed(query.order):
            rank = _ranker(spec, name)
            present = sorted((r for r in rows if r[name] is not None), key=rank, reverse=descending)
            rows = present + [r for r in rows if r[name] is None]
        if query.after is not None:
            rows = [r for r in rows if _after(spec, r, query.order, query.after)]
        return [self._shown(spec, r) for r in rows[: query.limit]]

    async def search(self, model: str, query: TextQuery) -> list[Record]:
        """The records a TextQuery matches, best first: a point per word and field, earlier fields weighing more."""
        spec = self.models[model]
        found = query.terms
        scored = []
        for record in self._matching(spec, query.where):
            fields = [
                WORD.findall(str(record[name]).lower()) if record[name] is not None else [] for name in query.fields
            ]
            score = sum(
                len(query.fields) - index
                for word in found
                for index, present in enumerate(fields)
                if any(candidate.startswith(word) for candidate in present)
            )
            if score:
                scored.append((-score, record[spec.id], record))
        scored.sort(key=lambda item: item[:2])
        end = None if query.limit is None else query.offset + query.limit
        return [self._shown(spec, record) for _, _, record in scored[query.offset : end]]

    async def count(self, model: str, where: tuple[Condition, ...], group_by: str | None) -> dict[Any, int]:
        """Matching records per value of `group_by` (one key, None, without it)."""
        rows = self._matching(self.models[model], where)
        if group_by is None:
            return {None: len(rows)}
        return dict(Counter(row[group_by] for row in rows))

    def _mine(self, spec: Model, id: Any) -> Record | None:
        record = self.tables[spec.name].get(id)
        if record is None or (spec.owner and record[OWNER] != self.owner):
            return None
        return record

    def _matching(self, spec: Model, where: tuple[Condition, ...]) -> list[Record]:
        mine = (r for r in self.tables[spec.name].values() if not spec.owner or r[OWNER] == self.owner)
        return [r for r in mine if matches(spec, r, where)]

    def _shown(self, spec: Model, record: Record) -> Record:
        return {name: record[name] for name in spec.fields}

    def _check(self, spec: Model, values: Record, current: Record | None) -> None:
        """What the SQL databases' constraints refuse: a ref to no record, a second record with a unique key."""
        for name, target in spec.refs.items():
            if values.get(name) is not None and values[name] not in self.tables[target]:
                raise ConstraintError(f"The change was refused: no {target} has id {values[name]}.")
        merged = {**(current or {}), **values}
        for key in spec.keys:
            wanted = tuple(merged.get(name) for name in key)
            if None in wanted:
                continue
            for other in self.tables[spec.name].values():
                same_owner = not spec.owner or other[OWNER] == (current or {}).get(OWNER, self.owner)
                if other is not current and same_owner and tuple(other[name] for name in key) == wanted:
                    raise ConstraintError(f"The change was refused: {', '.join(key)} must be unique in {spec.name}.")

    def _remove(self, model: str, id: Any) -> None:
        del self.tables[model][id]
        for other in self.models.values():
            for name, target in other.refs.items():
                if target != model:
                    continue
                referring = [key for key, r in self.tables[other.name].items() if r[name] == id]
                action = other.fields[name].on_delete
                if referring and action == "restrict":
                    raise ConstraintError(f"The change was refused: {other.name} records still refer to {model} {id}.")
                for key in referring:
                    if action == "cascade":
                        if key in self.tables[other.name]:
                            self._remove(other.name, key)
                    else:
                        self.tables[other.name][key] = self.tables[other.name][key] | {name: None}


def _after(spec: Model, record: Record, order: tuple[tuple[str, bool], ...], after: tuple[Any, ...]) -> bool:
    """Whether a record comes after the keyset `after` (what SQLTransaction._after asks of the databases)."""
    for (name, descending), value in zip(order, after, strict=False):
        mine = record[name]
        if value is None:
            if mine is not None:
                return False
            continue
        if mine is None:
            return True
        rank = _ranker(spec, name)
        ours, theirs = rank(record), rank({name: value})
        if ours != theirs:
            return bool(ours < theirs if descending else ours > theirs)
    return bool(record[spec.id] > after[-1])  # the id decides among equals


def _ranker(model: Model, name: str) -> Any:
    field = model.fields[name]
    if field.type == "enum" and field.values:
        positions = {value: index for index, value in enumerate(field.values)}
        return lambda record: positions.get(record[name], len(positions))
    return lambda record: record[name]
