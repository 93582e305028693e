"""The data models (task): the store makes a table of each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Field:
    """One field: its type (id, string, text, integer, number, boolean, enum, date, datetime) and rules."""

    type: str
    required: bool = False
    default: Any = None
    values: tuple[str, ...] = ()
    auto: str | None = None  # "created" or "updated": set by the server


@dataclass(frozen=True)
class Model:
    """A kind of record: a table. `display` names a record in short texts."""

    name: str
    id: str
    display: str
    fields: dict[str, Field]


TASK = Model(
    name="task",
    id="id",
    display="title",
    fields={
        "id": Field("id"),
        "title": Field("string", required=True),
        "notes": Field("text"),
        "status": Field("enum", default="todo", values=("todo", "in_progress", "done")),
        "assignee": Field("string"),
        "priority": Field("enum", default="medium", values=("low", "medium", "high")),
        "due": Field("date"),
        "created_at": Field("datetime", auto="created"),
        "updated_at": Field("datetime", auto="updated"),
    },
)

MODELS = {
    "task": TASK,
}
