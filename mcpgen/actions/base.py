"""What every action kind provides: its spec keys, hints, schemas, checks and behaviour."""

from __future__ import annotations

import base64
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from mcpgen.errors import ToolCallError, did_you_mean
from mcpgen.fields import always_set, display_field, id_field, value_schema
from mcpgen.spec.model import LimitSpec, ModelSpec, ToolSpec
from mcpgen.storage.base import Record, Transaction

# A problem an action finds in its tool's spec: (path below the tool, message, hint).
Finding = tuple[tuple[str | int, ...], str, str]


@dataclass(frozen=True)
class Bound:
    """A tool of the spec together with the model it works on."""

    name: str
    tool: ToolSpec
    model_name: str
    model: ModelSpec

    @property
    def id_field(self) -> str:
        return id_field(self.model)

    def record_schema(self) -> dict[str, Any]:
        """The JSON Schema of one stored record, as results carry it."""
        fields = self.model.fields
        properties = {name: value_schema(f, nullable=not always_set(f)) for name, f in fields.items()}
        schema: dict[str, Any] = {"type": "object", "properties": properties, "required": list(fields)}
        if self.model.description:
            schema["description"] = self.model.description
        return schema

    def label(self, record: Record) -> str:
        """`task 3 "Write docs"`: how short texts name a record."""
        name = f"{self.model_name} {record[self.id_field]}"
        shown = record.get(display_field(self.model))
        return f'{name} "{shown}"' if display_field(self.model) != self.id_field and shown else name

    def not_found(self, id: Any) -> ToolCallError:
        return ToolCallError(f"No {self.model_name} with id '{id}'.")


class Action(ABC):
    """One kind of tool (list, get, create, ...): a module that defines it is all a new kind needs."""

    kind: ClassVar[str]
    keys: ClassVar[frozenset[str]] = frozenset()  # optional ToolSpec keys this kind uses
    read_only: ClassVar[bool]
    destructive: ClassVar[bool] = False
    idempotent: ClassVar[bool]

    def check(self, tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
        """Problems specific to this kind (references to fields, for instance)."""
        return iter(())

    @abstractmethod
    def input_schema(self, bound: Bound) -> dict[str, Any]: ...

    @abstractmethod
    def output_schema(self, bound: Bound) -> dict[str, Any]: ...

    @abstractmethod
    async def run(self, bound: Bound, tx: Transaction, args: dict[str, Any]) -> dict[str, Any]:
        """Does the work inside one transaction and returns the structured result."""

    @abstractmethod
    def summary(self, bound: Bound, args: dict[str, Any], result: dict[str, Any]) -> str:
        """The short text the model reads when the spec gives no `response` template."""


def field_refs(
    model: ModelSpec, names: Iterable[str], key: str, allowed: Iterable[str] | None = None
) -> Iterator[Finding]:
    """Findings for names in `tool.<key>` that are not (allowed) fields of the model."""
    choices = list(model.fields) if allowed is None else list(allowed)
    for index, name in enumerate(names):
        if name not in model.fields:
            yield (key, index), f"unknown field '{name}'", did_you_mean(name, choices)
        elif name not in choices:
            yield (
                (key, index),
                f"field '{name}' cannot be used here",
                "expected one of: " + ", ".join(choices),
            )


def clashes(names: Iterable[str], reserved: Iterable[str], key: str) -> Iterator[Finding]:
    """Findings for fields whose parameter would collide with one the action adds itself."""
    taken = set(reserved)
    for index, name in enumerate(names):
        if name in taken:
            hint = f"rename the field: the tool already has its own '{name}'"
            yield (key, index), f"field '{name}' clashes with a name the tool itself uses", hint


def id_parameter(bound: Bound) -> dict[str, Any]:
    schema = value_schema(bound.model.fields[bound.id_field])
    schema.setdefault("description", f"The id of the {bound.model_name}.")
    return schema


def page_parameters(limit: LimitSpec) -> dict[str, Any]:
    return {
        "limit": {
            "type": "integer",
            "minimum": 1,
            "maximum": limit.max,
            "default": limit.default,
            "description": f"How many records to return (at most {limit.max}).",
        },
        "cursor": {
            "type": "string",
            "description": "To get the next page, pass the next_cursor of the previous result unchanged.",
        },
    }


def page_schema(bound: Bound) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": bound.record_schema()},
            "next_cursor": {
                "type": ["string", "null"],
                "description": "Pass as cursor to get the next page; null on the last page.",
            },
        },
        "required": ["items", "next_cursor"],
    }


def page_window(limit: LimitSpec, args: dict[str, Any]) -> tuple[int, int]:
    """(limit, offset) for a page call; one extra record is fetched to know whether more exist."""
    return int(args.get("limit", limit.default)), decode_cursor(args.get("cursor"))


def page_result(records: list[Record], size: int, offset: int) -> dict[str, Any]:
    more = len(records) > size
    return {"items": records[:size], "next_cursor": encode_cursor(offset + size) if more else None}


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, number = text.partition(":")
        if kind == "offset" and number.isdigit():
            return int(number)
    except ValueError:
        pass
    raise ToolCallError("Invalid cursor: pass the next_cursor of a previous result unchanged, or omit it.")


def plural(word: str) -> str:
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def page_summary(bound: Bound, result: dict[str, Any], matching: str = "") -> str:
    items = result["items"]
    noun = bound.model_name if len(items) == 1 else plural(bound.model_name)
    lines = [f"Found {len(items)} {noun}{matching}{':' if items else '.'}"]
    lines += [f"- {bound.label(record)}" for record in items]
    if result["next_cursor"]:
        lines.append(f'More results: call again with cursor "{result["next_cursor"]}".')
    return "\n".join(lines)
