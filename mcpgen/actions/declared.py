"""What the kinds whose tools declare their own parameters and results share (sql, http, python)."""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from mcpgen.actions.base import Finding, Kind, closed
from mcpgen.fields import value_schema
from mcpgen.runtime.actions import Action
from mcpgen.runtime.arguments import ArgumentCheck
from mcpgen.runtime.model import Model
from mcpgen.runtime.upstream import Upstream
from mcpgen.runtime.words import listed
from mcpgen.spec.model import IDENTIFIER, ModelSpec, ParameterSpec, ToolSpec, UpstreamSpec
from mcpgen.spec.patterns import pattern_problem

SCALARS = ("string", "text", "integer", "number", "boolean", "enum", "date", "datetime")
_FOR_TYPES = {  # keys that apply to some types only
    "values": ("enum",),
    "min": ("integer", "number"),
    "max": ("integer", "number"),
    "min_length": ("string", "text"),
    "max_length": ("string", "text"),
    "pattern": ("string", "text"),
    "items": ("array",),
    "properties": ("object",),
}


@dataclass(frozen=True)
class Scope:
    """What a tool of these kinds is checked and compiled with: the rest of its spec."""

    models: Mapping[str, ModelSpec] = field(default_factory=dict)
    runtime_models: Mapping[str, Model] = field(default_factory=dict)
    upstreams: Mapping[str, UpstreamSpec] = field(default_factory=dict)
    runtime_upstreams: Mapping[str, Upstream] = field(default_factory=dict)
    backend: str = "sqlite"
    oauth: bool = False
    base_dir: Path | None = None


class DeclaredKind(Kind):
    """A kind whose tools say what they take (`parameters`) and give (`returns`), and whether they only read."""

    own_keys: ClassVar[frozenset[str]]
    read_only_default: ClassVar[bool]

    @property
    def keys(self) -> frozenset[str]:
        """Its own keys, with parameters, returns and read_only."""
        return self.own_keys | {"parameters", "returns", "read_only"}

    def reads(self, tool: ToolSpec) -> bool:
        """Whether the tool only reads: its read_only, else the kind's default."""
        return self.read_only_default if tool.read_only is None else tool.read_only

    def check(self, name: str, tool: ToolSpec, scope: Scope) -> Iterator[Finding]:
        """Its parameters and returns are typed values; then what the kind itself checks."""
        for parameter, spec in (tool.parameters or {}).items():
            where: tuple[str | int, ...] = ("parameters", parameter)
            if isinstance(spec, str):
                hint = "e.g. {type: string, required: true, description: ...}"
                yield where, f"a {self.name} tool declares each parameter with its type", hint
                continue
            if not re.match(IDENTIFIER, parameter):
                yield where, f"'{parameter}' is not a valid parameter name", "use lower case letters, digits and _"
            yield from value_findings(where, spec)
        for key, spec in (tool.returns or {}).items():
            yield from value_findings(("returns", key), spec)
        yield from self.own_check(name, tool, scope)

    @abstractmethod
    def own_check(self, name: str, tool: ToolSpec, scope: Scope) -> Iterator[Finding]:
        """Problems specific to this kind."""

    @abstractmethod
    def compile(self, name: str, tool: ToolSpec, scope: Scope) -> Action:
        """The runtime action of a valid tool."""

    def input_schema(self, tool: ToolSpec) -> dict[str, Any]:
        """The declared parameters; required ones required."""
        declared = parameters(tool)
        required = [name for name, spec in declared.items() if spec.required and spec.default is None]
        return closed({name: value_schema(spec, written=True) for name, spec in declared.items()}, required)

    @abstractmethod
    def output_schema(self, tool: ToolSpec) -> dict[str, Any] | None:
        """The tool's outputSchema (None: it has none)."""


def parameters(tool: ToolSpec) -> dict[str, ParameterSpec]:
    """The declared parameters of a valid tool."""
    return {name: spec for name, spec in (tool.parameters or {}).items() if isinstance(spec, ParameterSpec)}


def returned(spec: ParameterSpec) -> dict[str, Any]:
    """The JSON Schema of a value a tool gives: null allowed unless it is required, at every depth."""
    schema = value_schema(spec, nullable=not spec.required)
    schema.pop("default", None)
    if spec.items is not None:
        schema["items"] = returned(spec.items)
    if spec.properties is not None:
        schema["properties"] = {name: returned(item) for name, item in spec.properties.items()}
    return schema


def returns_schema(returns: Mapping[str, ParameterSpec]) -> dict[str, Any]:
    """An object of the `returns` values, each of them there (null where not required)."""
    properties = {name: returned(spec) for name, spec in returns.items()}
    return {"type": "object", "properties": properties, "required": list(properties)}


def value_findings(where: tuple[str | int, ...], spec: ParameterSpec) -> Iterator[Finding]:
    """Keys that do not apply to the value's type, an enum without values, a pattern that cannot run, a bad default."""
    for key, kinds in _FOR_TYPES.items():
        if getattr(spec, key) is not None and spec.type not in kinds:
            yield (*where, key), f"'{key}' does not apply to {spec.type} values", f"'{key}' is for {listed(kinds)}"
    if spec.type == "enum" and not spec.values:
        yield where, "an enum needs its values", "e.g. values: [low, high]"
    if spec.type == "array" and spec.items is None:
        yield where, "an array says what its items are", "e.g. items: {type: string}"
    if spec.items is not None:
        yield from value_findings((*where, "items"), spec.items)
    for name, item in (spec.properties or {}).items():
        yield from value_findings((*where, "properties", name), item)
    if spec.pattern is not None and (wrong := pattern_problem(spec.pattern)):
        yield (*where, "pattern"), *wrong
        return  # the default cannot be checked against it
    if spec.default is not None and not ArgumentCheck(value_schema(spec)).fits(spec.default):
        yield (*where, "default"), f"the default {spec.default!r} is not a {spec.type} value", ""
