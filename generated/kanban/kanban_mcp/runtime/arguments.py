"""Checks tool arguments against the advertised inputSchema and words every problem for the model.

Arguments that fit pass a validator compiled to Python code (fastjsonschema), made on a tool's first call;
only arguments that do not are checked again by jsonschema, imported then, to say what is wrong with each.
Patterns are matched by RE2 in both, long enums with a set (patterns.py); text must be valid Unicode.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import fastjsonschema
import orjson

from .patterns import matches, split_slow
from .values import is_date, is_datetime
from .words import closest, did_you_mean

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

FORMATS: dict[str, Callable[[Any], bool]] = {"date": is_date, "date-time": is_datetime}
_FORMAT_WORDS = {
    "date": "a date as YYYY-MM-DD",
    "date-time": "a date and time in ISO 8601, e.g. 2026-11-24T09:30:00Z",
}
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
_NESTING = 254  # orjson encodes no deeper, so neither storage nor a reply could hold a deeper value
_SHOWN = 80  # characters of a wrong value a message quotes
_LISTED = 20  # an enum of more values is not listed whole in a message
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # half of a UTF-16 pair, alone: no UTF-8 text holds one
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
    from jsonschema import FormatChecker  # noqa: PLC0415 -- only wrong arguments need it

    checker = FormatChecker(formats=())
    for name, check in FORMATS.items():
        checker.checks(name)(check)
    return _validator_class()(schema, format_checker=checker)


@functools.cache
def _validator_class() -> type[Draft202012Validator]:
    """JSON Schema 2020-12 with patterns matched by RE2 (jsonschema's own would run Python's backtracking `re`)."""
    from jsonschema import Draft202012Validator, validators  # noqa: PLC0415
    from jsonschema.exceptions import ValidationError  # noqa: PLC0415

    def pattern(validator: Validator, pattern: str, instance: Any, schema: Mapping[str, Any]) -> Iterator[Any]:
        if validator.is_type(instance, "string") and not matches(pattern, instance):
            yield ValidationError(f"{instance!r} does not match {pattern!r}")

    extended: type[Draft202012Validator] = validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator, {"pattern": pattern}
    )
    return extended


class ArgumentCheck:
    """A tool's inputSchema: `problems` is fast for arguments that fit, and words those that do not."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = schema
        self._shape, self._rest = split_slow(schema)  # what fastjsonschema compiles; patterns and long enums
        self._fast: Callable[[Any], Any] | None = None
        self._full: Draft202012Validator | None = None

    def fits(self, arguments: Any) -> bool:
        """Whether the arguments fit the schema (and storage: whole numbers of 64 bits, text in valid Unicode)."""
        if self._fast is None:
            self._fast = fastjsonschema.compile(self._shape, use_default=False, formats=FORMATS)
        if not _encodable(arguments):
            return False
        try:
            self._fast(arguments)
        except fastjsonschema.JsonSchemaException:  # jsonschema, the reference, decides where the two differ
            return self._jsonschema().is_valid(arguments) and not _too_large(arguments)
        return not _too_large(arguments) and (self._rest is None or self._rest(arguments))

    def problems(self, arguments: Any) -> list[str]:
        """One readable line per wrong argument; empty when the arguments fit the schema."""
        if self.fits(arguments):
            return []
        if broken := list(_unencodable(arguments)):
            return broken  # said first: the other checks (and any reply) would have to encode the value
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


def _encodable(arguments: Any) -> bool:
    """Whether orjson (and so storage and a reply) can hold the arguments: valid Unicode, not nested too deep.

    orjson refuses a lone surrogate or deep nesting as it encodes, far faster than a walk in Python; the walk
    decides only when orjson refuses something (a whole number beyond 64 bits, say).
    """
    try:
        orjson.dumps(arguments)
    except orjson.JSONEncodeError:
        return next(_unencodable(arguments), None) is None
    return True


def _unencodable(arguments: Any) -> Iterator[str]:
    """A line for each text or key with a lone surrogate, which no UTF-8 text holds, and for nesting too deep.

    A loop over a stack, not a recursion: free-form arguments may nest deeper than Python's stack (and jsonschema,
    which reprs what it refuses, never sees them).
    """
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), arguments)]
    while stack:
        path, value = stack.pop()
        where = ".".join(map(str, path)) or "arguments"
        if len(path) >= _NESTING and isinstance(value, (dict, list)):
            yield f"{path[0]}: nested deeper than {_NESTING} levels; send a flatter value"
            return
        if isinstance(value, str) and (surrogate := _lone_surrogate(value)):
            yield f"{where}: not valid Unicode text (a lone surrogate {surrogate}); send the text again as UTF-8"
        elif isinstance(value, dict):
            for key in value:
                if isinstance(key, str) and (surrogate := _lone_surrogate(key)):
                    yield f"{where}: a name is not valid Unicode text (a lone surrogate {surrogate}); send it as UTF-8"
            stack += reversed([((*path, key), item) for key, item in value.items() if not _lone_surrogate(str(key))])
        elif isinstance(value, list):
            stack += reversed([((*path, index), item) for index, item in enumerate(value)])


def _lone_surrogate(text: str) -> str | None:
    r"""The first lone surrogate in `text`, escaped as the model would write it (`\ud800`); None if it has none."""
    found = None if text.isascii() else _SURROGATE.search(text)
    return ascii(found[0])[1:-1] if found else None


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
    shown = _clipped(json.dumps(value, ensure_ascii=False), _SHOWN)
    if kind == "enum":
        if len(rule) <= _LISTED:
            return prefix + f"{shown} is not allowed; use one of: " + ", ".join(json.dumps(v) for v in rule)
        close = closest(value, [v for v in rule if isinstance(v, str)]) if isinstance(value, str) else None
        if close is not None:
            return prefix + f"{shown} is not allowed; did you mean {json.dumps(close)}?"
        such = ", ".join(json.dumps(v) for v in rule[:3])
        return prefix + f"{shown} is not allowed; use one of the {len(rule):,} values, such as {such}"
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
    return prefix + _clipped(error.message, 4 * _SHOWN)


def _clipped(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"
