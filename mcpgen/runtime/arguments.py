"""Checks tool arguments against the advertised inputSchema and words every problem for the model."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from .values import is_date, is_datetime
from .words import did_you_mean

FORMATS = FormatChecker(formats=())
FORMATS.checks("date")(is_date)
FORMATS.checks("date-time")(is_datetime)
_FORMAT_WORDS = {
    "date": "a date as YYYY-MM-DD",
    "date-time": "a date and time in ISO 8601, e.g. 2026-11-24T09:30:00Z",
}
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "an object",
    "array": "a list",
    "null": "null",
}


class ArgumentCheck:
    """A tool's inputSchema, compiled once: `problems` is fast for arguments that fit, and words those that do not."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = schema
        self.validator = Draft202012Validator(schema, format_checker=FORMATS)

    def problems(self, arguments: Any) -> list[str]:
        """One readable line per wrong argument; empty when the arguments fit the schema."""
        if self.validator.is_valid(arguments) and not _too_large(arguments):
            return []
        errors = sorted(
            self.validator.iter_errors(arguments), key=lambda e: (list(map(str, e.absolute_path)), e.validator)
        )
        lines = [_describe(error, self.schema) for error in errors]
        if isinstance(arguments, dict):
            flagged = {str(error.absolute_path[0]) for error in errors if error.absolute_path}
            lines += [
                f"{name}: {value} is out of range (whole numbers go from {INT_MIN} to {INT_MAX})"
                for name, value in arguments.items()
                if _beyond_64_bits(value) and name not in flagged
            ]
        return lines


def _beyond_64_bits(value: Any) -> bool:
    """Storage keeps 64-bit whole numbers: larger ones are refused, not crashed on."""
    return type(value) is int and not INT_MIN <= value <= INT_MAX


def _too_large(arguments: Any) -> bool:
    return isinstance(arguments, dict) and any(_beyond_64_bits(value) for value in arguments.values())


def _describe(error: ValidationError, schema: Mapping[str, Any]) -> str:
    where = ".".join(map(str, error.absolute_path))
    value: Any = error.instance
    kind: Any = error.validator
    rule: Any = error.validator_value
    properties = schema.get("properties", {})
    if kind == "additionalProperties":
        unknown = sorted(set(value) - set(properties)) if isinstance(value, dict) else []
        return "; ".join(
            f"unknown argument '{name}' ({did_you_mean(name, properties) or 'this tool takes no arguments'})"
            for name in unknown
        )
    if kind == "required":
        missing = [name for name in rule if isinstance(value, dict) and name not in value]
        return "; ".join(f"{name}: missing (required)" for name in missing)
    prefix = f"{where}: " if where else "arguments: "
    shown = json.dumps(value, ensure_ascii=False)
    if kind == "enum":
        return prefix + f"{shown} is not allowed; use one of: " + ", ".join(json.dumps(v) for v in rule)
    if kind == "type":
        wanted = [rule] if isinstance(rule, str) else list(rule)
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in wanted)
        return prefix + f"expected {words}, got {shown}"
    if kind == "format":
        return prefix + f"{shown} is not {_FORMAT_WORDS.get(rule, rule)}"
    if kind == "maxLength":
        return prefix + f"too long ({len(value)} characters; at most {rule})"
    if kind == "minLength":
        return prefix + ("must not be empty" if rule == 1 else f"too short (at least {rule} characters)")
    if kind == "minimum":
        return prefix + f"{shown} is below the minimum {rule}"
    if kind == "maximum":
        return prefix + f"{shown} is above the maximum {rule}"
    if kind == "pattern":
        return prefix + f"{shown} does not match the pattern {rule}"
    return prefix + error.message
