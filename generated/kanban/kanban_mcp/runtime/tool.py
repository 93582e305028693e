"""A tool as served: its definition as clients see it, what it does, and the text its results are told in."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import jinja2

from .actions import Action
from .arguments import ArgumentCheck
from .auth import AuthSettings, advertised
from .model import Model
from .resources import Resource
from .templates import compiled

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tool:
    """`definition`: the tool as tools/list sends it; `action`: its behaviour; `response`: a Jinja2 text template."""

    definition: Mapping[str, Any]
    action: Action
    response: str | None = None
    name: str = field(init=False)
    arguments: ArgumentCheck = field(init=False, repr=False, compare=False)
    output: ArgumentCheck | None = field(init=False, repr=False, compare=False)  # results its action cannot vouch for
    defaults: dict[str, Any] = field(init=False, repr=False, compare=False)  # of declared parameters
    schemes: list[dict[str, Any]] | None = field(init=False, repr=False, compare=False)  # who may call it
    _response: jinja2.Template | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", self.definition["name"])
        object.__setattr__(self, "arguments", ArgumentCheck(self.definition["inputSchema"]))
        declared = self.action.declared and "outputSchema" in self.definition
        object.__setattr__(self, "output", ArgumentCheck(self.definition["outputSchema"]) if declared else None)
        properties = self.definition["inputSchema"].get("properties", {}) if self.action.declared else {}
        defaults = {name: schema["default"] for name, schema in properties.items() if "default" in schema}
        object.__setattr__(self, "defaults", defaults)
        object.__setattr__(self, "schemes", advertised(self.definition))
        object.__setattr__(self, "_response", compiled(self.response))

    def text(self, args: dict[str, Any], result: dict[str, Any]) -> str:
        """What the model reads: the response template, else the action's summary."""
        if self._response is None:
            return self.action.summary(args, result)
        try:
            return self._response.render(result=result, args=args, tool=self.name)
        except Exception:
            log.exception("the response template of %s failed; using the default text", self.name)
            return self.action.summary(args, result) + "\n" + json.dumps(result)


@dataclass(frozen=True)
class Connector:
    """A whole connector as data: who it is, its tools and resources (by name and URI), and who may call it."""

    name: str
    version: str
    description: str
    title: str | None = None
    instructions: str | None = None
    models: Mapping[str, Model] = field(default_factory=dict)
    tools: Mapping[str, Tool] = field(default_factory=dict)
    resources: Mapping[str, Resource] = field(default_factory=dict)
    auth: AuthSettings = field(default_factory=AuthSettings)
