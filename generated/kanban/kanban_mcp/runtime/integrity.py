"""What writes must respect: refs point to records that exist, unique keys stay unique, restrict stops deletes.

Checked inside the write's transaction before it is made, so the model reads an error it can act on; the
databases' own constraints stay as the guard behind these checks.
"""

from __future__ import annotations

from typing import Any

from .errors import ToolError
from .model import Model, Record
from .storage.base import Query, Transaction


async def check_write(tx: Transaction, model: Model, values: Record, current: Record | None = None) -> None:
    """Refs in `values` name records the caller can see; no other record has the values of a unique key.

    `current` is the record an update changes (None for a new record).
    """
    for name, target in model.refs.items():
        value = values.get(name)
        if value is not None and await tx.get(target, value) is None:
            instead = "" if model.fields[name].required else f", or leave {name} empty"
            raise ToolError(f"No {target} with id '{value}'. Find the {target} and use its id{instead}.")
    merged = {**(current or {}), **values}
    own = current[model.id] if current else None
    for key in model.keys:
        if not any(name in values for name in key) or any(merged.get(name) is None for name in key):
            continue
        where = tuple((name, "eq", merged[name]) for name in key)
        clash = next((r for r in await tx.select(model.name, Query(where=where, limit=2)) if r[model.id] != own), None)
        if clash is not None:
            shown = " and ".join(f"{name} {merged[name]!r}" for name in key)
            raise ToolError(
                f"A {model.name} with {shown} already exists: {model.label(clash)} ({_unique(key)}). "
                "Use it, or choose another value."
            )


async def check_delete(tx: Transaction, models: dict[str, Model], model: Model, id: Any) -> None:
    """No record still points to this one through a ref with `on_delete: restrict`."""
    for other in models.values():
        for name, target in other.refs.items():
            if target != model.name or other.fields[name].on_delete != "restrict":
                continue
            count = (await tx.count(other.name, ((name, "eq", id),), None))[None]
            if count:
                noun = other.name if count == 1 else other.plural
                raise ToolError(
                    f"Cannot delete {model.name} {id}: {count} {noun} still refer to it (their {name}). "
                    f"Delete them or change their {name} first."
                )


def _unique(key: tuple[str, ...]) -> str:
    return f"{key[0]} is unique" if len(key) == 1 else f"{', '.join(key)} are unique together"
