"""Filters: a field and an operator, each one parameter of a tool (`status`, `due_lt`, `status_in`, ...)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import values
from .model import Model

# What each operator asks of a record's value (`wanted` is the argument):
#   eq     equal to wanted                  lt, lte, gt, gte   before / after, less / more than (never empty ones)
#   in     one of the list wanted           not                anything but wanted, empty values included
#   empty  wanted true: no value (null, or "" for text); false: a value
OPS = ("eq", "lt", "lte", "gt", "gte", "in", "not", "empty")
COMPARISONS = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
TEXTUAL = frozenset({"string", "text"})

Condition = tuple[str, str, Any]  # (field, operator, wanted), as the stores take them


@dataclass(frozen=True)
class Filter:
    """One parameter of a tool that narrows the records it sees."""

    field: str
    op: str = "eq"

    @property
    def parameter(self) -> str:
        """The parameter's name: the field's for eq, else `<field>_<op>`."""
        return self.field if self.op == "eq" else f"{self.field}_{self.op}"


def conditions(model: Model, filters: Sequence[Filter], args: Mapping[str, Any]) -> tuple[Condition, ...]:
    """The conditions the arguments ask for (filters without an argument ask for nothing)."""
    found = []
    for item in filters:
        if item.parameter not in args:
            continue
        wanted, field = args[item.parameter], model.fields[item.field]
        if item.op == "in":
            wanted = tuple(values.normalise(field, value) for value in wanted)
        elif item.op != "empty":
            wanted = values.normalise(field, wanted)
        found.append((item.field, item.op, wanted))
    return tuple(found)


def matches(model: Model, record: Mapping[str, Any], conditions: Sequence[Condition]) -> bool:
    """Whether a record meets every condition (what the SQL stores do, in Python)."""
    return all(_meets(model.fields[name].type, record[name], op, wanted) for name, op, wanted in conditions)


def _meets(kind: str, value: Any, op: str, wanted: Any) -> bool:
    if op == "empty":
        empty = value is None or (kind in TEXTUAL and value == "")
        return empty is bool(wanted)
    if op == "in":
        return value is not None and any(_equal(value, item) for item in wanted)
    if op == "not":
        return value is not None if wanted is None else value is None or not _equal(value, wanted)
    if op == "eq":
        return value is None if wanted is None else value is not None and _equal(value, wanted)
    if value is None:
        return False
    return bool({"lt": value < wanted, "lte": value <= wanted, "gt": value > wanted, "gte": value >= wanted}[op])


def _equal(stored: Any, wanted: Any) -> bool:
    if isinstance(stored, bool) or isinstance(wanted, bool):  # True == 1 in Python, not in a boolean field
        return stored is wanted
    return bool(stored == wanted)
