"""Text patterns, matched by RE2 in time linear in the text: no argument can stall the server on a pattern.

A JSON Schema's patterns are taken out of what the validators compile (they would run them with Python's `re`,
which backtracks) and matched here instead, where a schema holds them: on a value, its properties and its items.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import re2  # type: ignore[import-untyped]  # google-re2 ships no types

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a pattern RE2 refuses raises PatternError; it need not print to stderr too


class PatternError(ValueError):
    """A pattern RE2 cannot run (a syntax error, a backreference, a lookaround); the message is RE2's reason."""


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str) -> Any:
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else ""
        raise PatternError(reason.decode() if isinstance(reason, bytes) else str(reason)) from None


def check_pattern(pattern: str) -> None:
    """Raises PatternError when RE2 cannot run `pattern`."""
    _compiled(pattern)


def matches(pattern: str, text: str) -> bool:
    """Whether `text` matches `pattern` somewhere in it, as JSON Schema's `pattern` means (not anchored)."""
    return _compiled(pattern).search(text) is not None


def without_patterns(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The schema less the patterns `all_match` checks: those of the value, its properties and its items."""
    shape = {key: value for key, value in schema.items() if key != "pattern"}
    properties = shape.get("properties")
    if isinstance(properties, Mapping):
        shape["properties"] = {
            name: without_patterns(item) if isinstance(item, Mapping) else item for name, item in properties.items()
        }
    if isinstance(shape.get("items"), Mapping):
        shape["items"] = without_patterns(shape["items"])
    return shape


def all_match(schema: Mapping[str, Any], value: Any) -> bool:
    """Whether every text in `value` matches its pattern in `schema` (the ones `without_patterns` leaves out)."""
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and isinstance(value, str) and not matches(pattern, value):
        return False
    properties = schema.get("properties")
    if isinstance(properties, Mapping) and isinstance(value, dict):
        for name, item in properties.items():
            if name in value and isinstance(item, Mapping) and not all_match(item, value[name]):
                return False
    items = schema.get("items")
    if isinstance(items, Mapping) and isinstance(value, list):
        return all(all_match(items, item) for item in value)
    return True
