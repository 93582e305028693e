"""What every action kind provides to the spec: its keys (its runtime settings), checks and schemas."""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from mcpgen.errors import did_you_mean
from mcpgen.fields import value_schema
from mcpgen.runtime.actions import Action
from mcpgen.runtime.model import Limit, Model
from mcpgen.spec.model import LimitSpec, ModelSpec, ToolSpec

# A problem an action finds in its tool's spec: (path below the tool, message, hint).
Finding = tuple[tuple[str | int, ...], str, str]


@dataclass(frozen=True)
class Bound:
    """A tool of the spec with its model, and the runtime action it compiles to."""

    name: str
    tool: ToolSpec
    model: ModelSpec
    action: Action

    @property
    def model_name(self) -> str:
        """The model's name."""
        return self.action.model.name

    @property
    def id_field(self) -> str:
        """The model's id field."""
        return self.action.model.id

    def record_schema(self) -> dict[str, Any]:
        """The JSON Schema of one stored record, as results carry it."""
        fields, runtime = self.model.fields, self.action.model.fields
        properties = {name: value_schema(f, nullable=not runtime[name].always_set) for name, f in fields.items()}
        schema: dict[str, Any] = {"type": "object", "properties": properties, "required": list(fields)}
        if self.model.description:
            schema["description"] = self.model.description
        return schema


class Kind(ABC):
    """One action kind as specs use it; `runtime` is its behaviour, whose settings are the kind's keys."""

    runtime: ClassVar[type[Action]]
    summary: ClassVar[str]  # what a tool of this kind does, for the docs and the spec's JSON Schema
    docs: ClassVar[dict[str, str]]  # what each of its keys means for it

    @property
    def name(self) -> str:
        """`list`, `create`, ...: what `action:` says."""
        return self.runtime.kind

    @property
    def keys(self) -> frozenset[str]:
        """The optional ToolSpec keys this kind uses: the runtime action's settings."""
        return frozenset(field.name for field in dataclasses.fields(self.runtime) if field.init) - {"model"}

    @property
    def read_only(self) -> bool:
        """readOnlyHint: it changes nothing."""
        return self.runtime.read_only

    @property
    def destructive(self) -> bool:
        """destructiveHint: it may delete or overwrite data."""
        return self.runtime.destructive

    @property
    def idempotent(self) -> bool:
        """idempotentHint: calling it twice does no more than once."""
        return self.runtime.idempotent

    def check(self, tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
        """Problems specific to this kind (references to fields, for instance)."""
        return iter(())

    def compile(self, tool: ToolSpec, model: Model) -> Action:
        """The runtime action of a valid tool: the tool's keys as the action's settings."""
        settings = {key: _setting(getattr(tool, key)) for key in self.keys if getattr(tool, key) is not None}
        return self.runtime(model, **settings)

    @abstractmethod
    def input_schema(self, bound: Bound) -> dict[str, Any]:
        """The tool's inputSchema."""

    @abstractmethod
    def output_schema(self, bound: Bound) -> dict[str, Any]:
        """The tool's outputSchema."""


def _setting(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, LimitSpec):
        return Limit(value.default, value.max)
    return value


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


def writable(model: ModelSpec) -> list[str]:
    """The fields a caller may set: all but the id and the automatic timestamps."""
    return [name for name, field in model.fields.items() if field.type != "id" and field.auto is None]


def id_parameter(bound: Bound) -> dict[str, Any]:
    """The id argument of get, update and delete tools."""
    schema = value_schema(bound.model.fields[bound.id_field])
    schema.setdefault("description", f"The id of the {bound.model_name}.")
    return schema


def filter_parameters(bound: Bound, filters: Iterable[str]) -> dict[str, Any]:
    """One exact-match parameter per filter field."""
    parameters = {}
    for name in filters:
        schema = value_schema(bound.model.fields[name])
        doc = schema.get("description")
        schema["description"] = f"Only {bound.model_name} records with this {name}." + (f" {doc}" if doc else "")
        parameters[name] = schema
    return parameters


def page_parameters(limit: Limit) -> dict[str, Any]:
    """`limit` and `cursor`, for tools that answer a page at a time."""
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
    """`{items, next_cursor}`."""
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


def closed(properties: dict[str, Any], required: Iterable[str] = ()) -> dict[str, Any]:
    """An object schema that takes these properties and no others."""
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required := list(required):
        schema["required"] = required
    schema["additionalProperties"] = False
    return schema
