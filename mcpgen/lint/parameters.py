"""Rules on the advertised input parameters: every one documented, every enum explained."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from mcpgen.lint.base import Context, Hit
from mcpgen.runtime.words import listed
from mcpgen.spec.loader import Path


def _parameters(ctx: Context, rule: str) -> Iterator[tuple[list[str], str, dict[str, Any], tuple[Path, bool]]]:
    """Each advertised parameter once per place in the spec it comes from, with the tools that take it.

    A model field that several tools take is one finding naming them all, less the tools that silence `rule`.
    """
    found: dict[tuple[Path, bool, str], tuple[list[str], dict[str, Any]]] = {}
    for tool in ctx.tools:
        settings = ctx.spec.tools[tool].lint
        if settings and rule in settings.ignore:
            continue
        for parameter, schema in ctx.schema(tool).get("properties", {}).items():
            path, key = ctx.parameter_source(tool, parameter)
            # the first tool's schema: the same field's description and values in each tool
            found.setdefault((path, key, parameter), ([], schema))[0].append(tool)
    for (path, key, parameter), (tools, schema) in found.items():
        yield tools, parameter, schema, (path, key)


def _hit(tools: list[str], source: tuple[Path, bool], message: str, fix: str) -> Hit:
    """One finding about a parameter as these tools take it; `{tools}` in `message` names them."""
    path, key = source
    named = listed(f"'{tool}'" for tool in tools)
    return Hit(path, message.format(tools=named), fix, tools[0] if len(tools) == 1 else None, key)


def parameter_description(ctx: Context) -> Iterator[Hit]:
    """Parameters without a description."""
    for tools, parameter, schema, source in _parameters(ctx, "parameter-description"):
        if not str(schema.get("description") or "").strip():
            fix = (
                "add description: … to the parameter"
                if ctx.spec.tools[tools[0]].model is None
                else f"add a description to the field, or parameters: {{{parameter}: …}} to the tool"
            )
            yield _hit(tools, source, f"parameter '{parameter}' of {{tools}} has no description", fix)


def mentions(text: str, value: str) -> bool:
    """Whether `text` names `value` as a word ("in_progress" also as "in progress"), case-insensitively."""
    forms = {value, value.replace("_", " "), value.replace("-", " ")}
    return any(re.search(rf"(?<![A-Za-z0-9_]){re.escape(form)}(?![A-Za-z0-9_])", text, re.IGNORECASE) for form in forms)


def enum_explained(ctx: Context) -> Iterator[Hit]:
    """Enum parameters whose description does not explain their values."""
    for tools, parameter, schema, source in _parameters(ctx, "enum-explained"):
        listed_values = schema.get("enum") or schema.get("items", {}).get("enum") or []  # a value or a list (_in)
        values = [value for value in listed_values if isinstance(value, str)]
        description = str(schema.get("description") or "")
        missing = [value for value in values if not mentions(description, value)]
        if description.strip() and missing:  # no description at all: parameter-description says so
            fix = "name each value and what it means, e.g. 'todo (not started), done (finished)'"
            message = f"the description of parameter '{parameter}' of {{tools}} does not explain {', '.join(missing)}"
            yield _hit(tools, source, message, fix)
