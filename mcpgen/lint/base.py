"""What every lint rule works with: the spec and its built tools in, located findings out."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from mcpgen.runtime.filters import Filter
from mcpgen.runtime.tool import Tool
from mcpgen.spec import LoadedSpec
from mcpgen.spec.loader import Path
from mcpgen.spec.model import FilterSpec, ParameterSpec, Spec

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Finding:
    """One thing a rule found, located in the user's file."""

    file: str
    line: int
    column: int
    rule: str
    message: str
    fix: str = ""
    severity: Severity = field(default="warning", compare=False)
    tool: str | None = field(default=None, compare=False)  # the tool it is about; None for the whole spec

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}: {self.rule}: {self.message}"
        return f"{where} ({self.fix})" if self.fix else where

    def as_json(self) -> dict[str, Any]:
        """The finding as a JSON object."""
        return asdict(self)


@dataclass(frozen=True)
class Hit:
    """What a check function reports: where in the spec, what is wrong, how to fix it, and which tool."""

    path: Path
    message: str
    fix: str = ""
    tool: str | None = None
    key: bool = False  # point at the key (a tool's name) rather than at its value


@dataclass(frozen=True)
class Context:
    """A valid spec and the exact tools it advertises."""

    loaded: LoadedSpec
    tools: dict[str, Tool]

    @property
    def spec(self) -> Spec:
        """The spec."""
        return self.loaded.spec

    def schema(self, tool: str) -> dict[str, Any]:
        """The advertised inputSchema of a tool."""
        schema: dict[str, Any] = self.tools[tool].definition["inputSchema"]
        return schema

    def parameter_source(self, tool: str, parameter: str) -> tuple[Path, bool]:
        """Where a parameter's description is written (or would be): (path, point at the key)."""
        spec = self.spec.tools[tool]
        declared = (spec.parameters or {}).get(parameter)
        if isinstance(declared, str) or (declared is not None and declared.description is None):
            return ("tools", tool, "parameters", parameter), isinstance(declared, ParameterSpec)
        if declared is not None:
            return ("tools", tool, "parameters", parameter, "description"), False
        if spec.model is None:
            return ("tools", tool), True
        model = self.spec.models[spec.model]
        if parameter in model.fields:
            if model.fields[parameter].description is not None:
                return ("models", spec.model, "fields", parameter, "description"), False
            return ("models", spec.model, "fields", parameter), True
        for index, entry in enumerate(spec.filters or []):  # due_lt, status_in, ...: the op of a {field, ops} filter
            if isinstance(entry, FilterSpec):
                for position, op in enumerate(entry.ops):
                    if Filter(entry.field, op).parameter == parameter:
                        return ("tools", tool, "filters", index, "ops", position), False
        if parameter in spec.model_fields_set:  # a parameter the action adds for a key, such as order_by
            return ("tools", tool, parameter), True
        return ("tools", tool), True  # a parameter the action adds itself


@dataclass(frozen=True)
class Rule:
    """A lint rule: a stable id, a severity, one line saying what it asks, and the function that checks it."""

    id: str
    severity: Severity
    summary: str
    check: Callable[[Context], Iterable[Hit]]
