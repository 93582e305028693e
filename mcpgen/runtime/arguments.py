"""Checks tool arguments against the advertised inputSchema and words every problem for the model.

Arguments that fit pass a validator compiled to Python code (fastjsonschema), made on a tool's first call;
only arguments that do not are checked again by jsonschema, imported then, to say what is wrong with each.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import fastjsonschema

from .values import is_date, is_datetime
from .words import did_you_mean

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

FORMATS: dict[str, Callable[[Any], bool]] = {"date": is_date, "date-time": is_datetime}
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


def full_validator(schema: Mapping[str, Any]) -> Draft202012Validator:
    """Jsonschema's validator of `schema` (JSON Schema 2020-12, the MCP dialect), with the formats checked."""
    from jsonschema import Draft202012Validator, FormatChecker  # noqa: PLC0415 -- only wrong arguments need it

    checker = FormatChecker(formats=())
    for name, check in FORMATS.items():
        checker.checks(name)(check)
    return Draft202012Validator(schema, format_checker=checker)


class ArgumentCheck:
    """A tool's inputSchema: `problems` is fast for arguments that fit, and words those that do not."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = schema
        self._fast: Callable[[Any], Any] | None = None
        self._full: Draft202012Validator | None = None

    def fits(self, arguments: Any) -> bool:
        """Whether the arguments fit the schema (and storage: whole numbers of 64 bits at most)."""
        if self._fast is None:
            with warnings.catch_warnings():  # a pattern such as "[[a]" warns "possible nested set": valid
                warnings.simplefilter("ignore", FutureWarning)
                self._fast = fastjsonschema.compile(dict(self.schema), use_default=False, formats=FORMATS)
        try:
            self._fast(arguments)
        except fastjsonschema.JsonSchemaException:  # jsonschema decides: the two differ on a few patterns
            return self._jsonschema().is_valid(arguments) and not _too_large(arguments)
        return not _too_large(arguments)

    def problems(self, arguments: Any) -> list[str]:
        """One readable line per wrong argument; empty when the arguments fit the schema."""
        if self.fits(arguments):
            return []
        errors = sorted(
            self._jsonschema().iter_errors(arguments), key=lambda e: (list(map(str, e.absolute_path)), e.validator)
        )
        said: dict[str, str] = {}  # one line per wrong argument: the first of its errors (enum before type)
        for error in errors:
            for line in _describe(error, self.schema):
                said.setdefault(line.partition(": ")[0] if error.absolute_path else line, line)
        lines = list(said.values())
        if isinstance(arguments, dict):
            flagged = {str(error.absolute_path[0]) for error in errors if error.absolute_path}
            lines += [
                f"{name}: {value} is out of range (whole numbers go from {INT_MIN} to {INT_MAX})"
                for name, value in arguments.items()
                if _beyond_64_bits(value) and name not in flagged
            ]
        return lines

    def _jsonschema(self) -> Draft202012Validator:
        if self._full is None:
            self._full = full_validator(self.schema)
        return self._full


def _beyond_64_bits(value: Any) -> bool:
    """Storage keeps 64-bit whole numbers: larger ones are refused, not crashed on."""
    return type(value) is int and not INT_MIN <= value <= INT_MAX


def _too_large(arguments: Any) -> bool:
    return isinstance(arguments, dict) and any(_beyond_64_bits(value) for value in arguments.values())


def _describe(error: ValidationError, schema: Mapping[str, Any]) -> list[str]:
    """The lines that say what is wrong: one per argument (a missing or unknown one each its own)."""
    where = ".".join(map(str, error.absolute_path))
    value: Any = error.instance
    kind: Any = error.validator
    rule: Any = error.validator_value
    properties = schema.get("properties", {})
    if kind == "additionalProperties":
        unknown = sorted(set(value) - set(properties)) if isinstance(value, dict) else []
        return [
            f"unknown argument '{name}' ({did_you_mean(name, properties) or 'this tool takes no arguments'})"
            for name in unknown
        ]
    if kind == "required":
        missing = [name for name in rule if isinstance(value, dict) and name not in value]
        return [f"{name}: missing (required)" for name in missing]
    return [_wrong_value(error, f"{where}: " if where else "arguments: ")]


def _wrong_value(error: ValidationError, prefix: str) -> str:
    value: Any = error.instance
    kind: Any = error.validator
    rule: Any = error.validator_value
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
