"""Values from the spec and runtime objects as Python source: safe for any string, readable for a person."""

from __future__ import annotations

import dataclasses
import inspect
import math
from collections.abc import Mapping
from typing import Any

from mcpgen.runtime.model import Model
from mcpgen.runtime.upstream import Upstream

UPSTREAM = "upstream:"  # how `models` (the constants) names an upstream: upstream:crm → CRM_API


def py(value: Any) -> str:
    """A Python literal for a value from the spec: safe for any string (quotes, backslashes, newlines, braces)."""
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py(k)}: {py(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        items = ", ".join(map(py, value))
        return f"[{items}]" if isinstance(value, list) else f"({items}{',' if len(value) == 1 else ''})"
    if value is None or isinstance(value, bool | int | float | str):
        return repr(value)
    raise TypeError(f"no Python literal for {type(value).__name__}")


def constructed(instance: Any, models: Mapping[str, str], positional: int = 1) -> str:
    """The call that makes a runtime dataclass, as source.

    Its first `positional` fields are given by position, then every field that differs from its default by
    keyword. A Model is named by its constant (`models`: model name → constant; `upstream:name` → an upstream's).
    """
    fields = [f for f in dataclasses.fields(instance) if f.init]
    while positional > 1 and getattr(instance, fields[positional - 1].name) == _default(fields[positional - 1]):
        positional -= 1  # trailing positional arguments that are the defaults go unsaid: Filter("status")
    args = []
    for index, field in enumerate(fields):
        value = getattr(instance, field.name)
        if index >= positional and value == _default(field):
            continue
        shown = _source(value, models)
        args.append(shown if index < positional else f"{field.name}={shown}")
    return f"{type(instance).__name__}({', '.join(args)})"


def _source(value: Any, models: Mapping[str, str]) -> str:
    if isinstance(value, Model):
        return models[value.name]
    if isinstance(value, Upstream):
        return models[UPSTREAM + value.name]
    if inspect.isfunction(value):
        return value.__name__  # a python handler: connector.py imports it from its module
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return constructed(value, models, positional=len(dataclasses.fields(value)))
    if isinstance(value, tuple) and any(dataclasses.is_dataclass(item) for item in value):
        items = ", ".join(_source(item, models) for item in value)
        return f"({items}{',' if len(value) == 1 else ''})"
    return py(value)


def _default(field: dataclasses.Field[Any]) -> Any:
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return dataclasses.MISSING
