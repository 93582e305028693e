"""What every action kind provides to the spec: its keys (its runtime settings), checks and schemas."""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from mcpgen.errors import did_you_mean
from mcpgen.fields import value_schema
from mcpgen.runtime.actions import RecordAction
from mcpgen.runtime.actions.base import Expansion
from mcpgen.runtime.filters import Filter
from mcpgen.runtime.model import Limit, Model
from mcpgen.runtime.words import listed
from mcpgen.spec.model import FilterSpec, LimitSpec, ModelSpec, ToolSpec

# A problem an action finds in its tool's spec: (path below the tool, message, hint).
Finding = tuple[tuple[str | int, ...], str, str]


@dataclass(frozen=True)
class Bound:
    """A tool of the spec with its model, and the runtime action it compiles to."""

    name: str
    tool: ToolSpec
    model: ModelSpec
    action: RecordAction

    @property
    def model_name(self) -> str:
        """The model's name."""
        return self.action.model.name

    @property
    def id_field(self) -> str:
        """The model's id field."""
        return self.action.model.id

    def record_schema(self) -> dict[str, Any]:
        """The JSON Schema of one stored record, as results carry it (with its expanded refs)."""
        fields, runtime = self.model.fields, self.action.model.fields
        properties = {name: value_schema(f, nullable=not runtime[name].always_set) for name, f in fields.items()}
        for expansion in getattr(self.action, "expand", ()):
            target = fields[expansion.field].model
            properties[expansion.key] = {
                "type": ["string", "null"],
                "description": f"The {target} that {expansion.field} refers to, by name.",
            }
        schema: dict[str, Any] = {"type": "object", "properties": properties, "required": list(properties)}
        if self.model.description:
            schema["description"] = self.model.description
        return schema


class Kind(ABC):
    """One action kind as specs use it: its name, the tool keys it takes, and the hints its tools get."""

    summary: ClassVar[str]  # what a tool of this kind does, for the docs and the spec's JSON Schema
    docs: ClassVar[dict[str, str]]  # what each of its keys means for it

    @property
    @abstractmethod
    def name(self) -> str:
        """`list`, `sql`, ...: what `action:` says."""

    @property
    @abstractmethod
    def keys(self) -> frozenset[str]:
        """The optional ToolSpec keys this kind uses."""

    @abstractmethod
    def hints(self, tool: ToolSpec) -> dict[str, bool]:
        """The hints its tool gets before the spec's overrides: read_only, destructive, idempotent, open_world."""


class RecordKind(Kind):
    """A kind that works on the records of one model; `runtime` is its behaviour, whose settings are its keys."""

    runtime: ClassVar[type[RecordAction]]

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

    def hints(self, tool: ToolSpec) -> dict[str, bool]:
        """The runtime action's: its records are this server's own (not open world)."""
        runtime = self.runtime
        return {
            "read_only": runtime.read_only,
            "destructive": runtime.destructive,
            "idempotent": runtime.idempotent,
            "open_world": False,
        }

    def check(self, tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
        """Problems specific to this kind (references to fields, for instance)."""
        return iter(())

    def compile(self, tool: ToolSpec, model: Model, models: Mapping[str, Model] | None = None) -> RecordAction:
        """The runtime action of a valid tool: the tool's keys as the action's settings.

        `models` (all of the spec's) name the keys of expanded refs.
        """
        settings = {key: _setting(getattr(tool, key)) for key in self.keys if getattr(tool, key) is not None}
        if "filters" in settings:
            settings["filters"] = tuple(filters(tool.filters or []))
        if "expand" in settings:
            known = models or {model.name: model}
            settings["expand"] = tuple(expansion(model, name, known) for name in tool.expand or [])
        return self.runtime(model, **settings)

    @abstractmethod
    def input_schema(self, bound: Bound) -> dict[str, Any]:
        """The tool's inputSchema."""

    @abstractmethod
    def output_schema(self, bound: Bound) -> dict[str, Any]:
        """The tool's outputSchema."""


def filters(entries: Iterable[str | FilterSpec]) -> Iterator[Filter]:
    """The runtime filters of a tool's `filters:` entries: a name is an exact match, {field, ops} one per op."""
    for entry in entries:
        if isinstance(entry, str):
            yield Filter(entry)
        else:
            yield from (Filter(entry.field, op) for op in entry.ops)


def expansion(model: Model, name: str, models: Mapping[str, Model]) -> Expansion:
    """`customer` → the key `customer_name`: the field without `_id`, then the display field of its model."""
    target = models.get(model.fields[name].ref or "")
    display = target.display if target is not None else "name"
    return Expansion(name, expansion_key(name, display))


def expansion_key(name: str, display: str) -> str:
    """The key an expanded ref's display value goes under: the field without `_id`, then the display field."""
    return f"{name.removesuffix('_id') or name}_{display}"


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


# The field types each filter operator applies to.
OPS_FOR = {
    "lt": frozenset({"integer", "number", "date", "datetime"}),
    "in": frozenset({"id", "string", "enum", "integer", "ref"}),
    "not": frozenset({"string", "enum", "integer", "number", "boolean", "date", "datetime", "ref"}),
}
OPS_FOR |= {"lte": OPS_FOR["lt"], "gt": OPS_FOR["lt"], "gte": OPS_FOR["lt"]}
_BEFORE = {"lt": "before", "lte": "on or before", "gt": "after", "gte": "on or after"}
_LESS = {"lt": "less than", "lte": "at most", "gt": "more than", "gte": "at least"}
_AS = {"date": "this date, as YYYY-MM-DD", "datetime": "this date and time, as ISO 8601 (UTC if no zone)"}


def filter_parameters(bound: Bound, filters: Iterable[Filter]) -> dict[str, Any]:
    """One parameter per filter: the field's value, a list of them (in), or true/false (empty)."""
    parameters = {}
    plural = bound.action.model.plural
    for item in filters:
        field, name = bound.model.fields[item.field], item.field
        schema = value_schema(field)
        doc = schema.pop("description", None)
        if item.op == "eq":
            text = f"Only {bound.model_name} records with this {name}."
        elif item.op in _BEFORE:
            words = _BEFORE if field.type in _AS else _LESS
            text = f"Only {plural} whose {name} is {words[item.op]} {_AS.get(field.type, 'this')}."
        elif item.op == "in":
            examples = schema.pop("examples", None)
            schema = {"type": "array", "items": schema, "minItems": 1}
            if examples:
                schema["examples"] = [examples[:2]]
            text = f"Only {plural} whose {name} is one of these."
        elif item.op == "not":
            text = f"Only {plural} whose {name} is anything but this (those with no {name} included)."
        else:
            schema = {"type": "boolean"}
            text = f"true: only {plural} with no {name}; false: only {plural} that have one."
        schema["description"] = text + (f" {doc}" if doc else "")
        parameters[item.parameter] = schema
    return parameters


def filter_findings(tool: ToolSpec, model: ModelSpec, reserved: Iterable[str]) -> Iterator[Finding]:
    """Filters name fields, each operator applies to its field's type, and no two parameters share a name."""
    entries = tool.filters or []
    reserved = tuple(reserved)
    taken: dict[str, str] = {}
    for index, entry in enumerate(entries):
        name = entry if isinstance(entry, str) else entry.field
        where: tuple[str | int, ...] = ("filters", index) if isinstance(entry, str) else ("filters", index, "field")
        if name not in model.fields:
            yield where, f"unknown field '{name}'", did_you_mean(name, list(model.fields))
            continue
        field = model.fields[name]
        ops = ["eq"] if isinstance(entry, str) else entry.ops
        if not ops:
            yield ("filters", index, "ops"), "give at least one operator", "e.g. ops: [eq, in, not]"
        for position, op in enumerate(ops):
            at = where if isinstance(entry, str) else ("filters", index, "ops", position)
            kinds = OPS_FOR.get(op)
            if kinds is not None and field.type not in kinds:
                yield (
                    at,
                    f"'{op}' does not apply to {field.type} fields",
                    f"'{op}' is for {listed(sorted(kinds))} fields",
                )
            elif op == "empty" and (field.type == "id" or field.auto or field.required):
                yield at, f"field '{name}' is never empty", "filter on another field, or make this one optional"
            parameter = Filter(name, op).parameter
            if parameter in reserved:
                hint = f"rename the field: the tool already has its own '{parameter}'"
                yield at, f"field '{name}' clashes with a name the tool itself uses", hint
            elif parameter in taken:
                message = f"the parameter '{parameter}' is also the one of {taken[parameter]}"
                yield at, message, "each parameter comes from one filter: drop one, or rename the field"
            taken[parameter] = f"filters[{index}]"


def expand_findings(tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
    """`expand` names ref fields."""
    refs = [name for name, field in model.fields.items() if field.type == "ref"]
    for index, name in enumerate(tool.expand or []):
        if name not in model.fields:
            yield ("expand", index), f"unknown field '{name}'", did_you_mean(name, refs or list(model.fields))
        elif name not in refs:
            yield (
                ("expand", index),
                f"field '{name}' is not a ref",
                "expand names ref fields: " + (", ".join(refs) or "the model has none"),
            )


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
