"""Rules on the advertised input parameters: every one documented, every enum explained."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from mcpgen.lint.base import Context, Hit


def _parameters(ctx: Context) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for tool in ctx.tools:
        for parameter, schema in ctx.schema(tool).get("properties", {}).items():
            yield tool, parameter, schema


def parameter_description(ctx: Context) -> Iterator[Hit]:
    """Parameters without a description."""
    for tool, parameter, schema in _parameters(ctx):
        if not str(schema.get("description") or "").strip():
            path, key = ctx.parameter_source(tool, parameter)
            yield Hit(
                path,
                f"parameter '{parameter}' of '{tool}' has no description",
                "add description: … to the parameter"
                if ctx.spec.tools[tool].model is None
                else f"add a description to the field, or parameters: {{{parameter}: …}} to the tool",
                tool,
                key,
            )


def mentions(text: str, value: str) -> bool:
    """Whether `text` names `value` as a word ("in_progress" also as "in progress"), case-insensitively."""
    forms = {value, value.replace("_", " "), value.replace("-", " ")}
    return any(re.search(rf"(?<![A-Za-z0-9_]){re.escape(form)}(?![A-Za-z0-9_])", text, re.IGNORECASE) for form in forms)


def enum_explained(ctx: Context) -> Iterator[Hit]:
    """Enum parameters whose description does not explain their values."""
    for tool, parameter, schema in _parameters(ctx):
        listed = schema.get("enum") or schema.get("items", {}).get("enum") or []  # a value, or a list of them (_in)
        values = [value for value in listed if isinstance(value, str)]
        description = str(schema.get("description") or "")
        missing = [value for value in values if not mentions(description, value)]
        if description.strip() and missing:  # no description at all: parameter-description says so
            path, key = ctx.parameter_source(tool, parameter)
            shown = ", ".join(missing)
            yield Hit(
                path,
                f"the description of parameter '{parameter}' of '{tool}' does not explain {shown}",
                "name each value and what it means, e.g. 'todo (not started), done (finished)'",
                tool,
                key,
            )
