"""The data a server works from: models and their fields, as plain dataclasses (the spec compiles to these)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Record = dict[str, Any]
FIELD_TYPES = ("id", "string", "text", "integer", "number", "boolean", "enum", "date", "datetime", "ref")
OWNER = "mcpgen_owner"  # the column that holds the owner of a record of a model with `owner`; never shown
LOCAL_OWNER = "local"  # the one owner of every record when nobody signs in
ANONYMOUS_OWNER = "anonymous"  # the owner of records made without a token where OAuth lets such callers in


@dataclass(frozen=True)
class Field:
    """One field: its type (one of FIELD_TYPES) and what storage and new records need to know of it."""

    type: str
    required: bool = False
    default: Any = None
    values: tuple[str, ...] = ()  # an enum's values, in order
    auto: str | None = None  # "created" or "updated": a datetime the server sets
    ref: str | None = None  # a ref's model: the field holds the id of one of its records
    on_delete: str = "restrict"  # a ref's: restrict, cascade or set_null
    unique: bool = False
    renamed_from: str | None = None  # the column's former name

    @property
    def always_set(self) -> bool:
        """Whether a stored record always has a value for this field."""
        return self.type == "id" or self.required or self.default is not None or self.auto is not None


@dataclass(frozen=True)
class Model:
    """A kind of record, stored as a table; `display` is the field that names a record in short texts."""

    name: str
    fields: Mapping[str, Field]
    display: str
    unique: tuple[tuple[str, ...], ...] = ()  # compound keys (a single unique field says so itself)
    owner: str | None = None  # "subject": each record belongs to the caller who created it
    search: tuple[str, ...] = ()  # the fields in its full-text index, in the order they weigh
    renamed_from: str | None = None  # the table's former name
    id: str = field(init=False)  # the generated primary key
    plural: str = field(init=False)
    keys: tuple[tuple[str, ...], ...] = field(init=False)  # unique fields, then compound keys: no two records share
    refs: Mapping[str, str] = field(init=False)  # the ref fields and the models they point to

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", next(name for name, spec in self.fields.items() if spec.type == "id"))
        object.__setattr__(self, "plural", plural(self.name))
        unique = tuple((name,) for name, spec in self.fields.items() if spec.unique)
        object.__setattr__(self, "keys", unique + self.unique)
        object.__setattr__(self, "refs", {name: spec.ref for name, spec in self.fields.items() if spec.ref})

    @property
    def writable(self) -> tuple[str, ...]:
        """The fields a caller may set: all but the id and the automatic timestamps."""
        return tuple(name for name, spec in self.fields.items() if spec.type != "id" and spec.auto is None)

    def label(self, record: Record) -> str:
        """`task 3 "Write docs"`: how short texts name a record."""
        name = f"{self.name} {record[self.id]}"
        shown = record.get(self.display)
        return f'{name} "{shown}"' if self.display != self.id and shown else name

    def title(self, record: Record) -> str:
        """The record's display value, or `task 3` when it has none."""
        shown = record.get(self.display)
        return str(shown) if shown not in (None, "") else f"{self.name} {record[self.id]}"


@dataclass(frozen=True)
class Limit:
    """The page size of a tool: how many records a call returns by default, and at most."""

    default: int = 20
    max: int = 100


def plural(word: str) -> str:
    """`task` → `tasks`, `box` → `boxes`, `story` → `stories`."""
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"
