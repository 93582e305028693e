"""Text patterns, matched by RE2 in time linear in the text: no argument can stall the server on a pattern.

A JSON Schema's patterns are taken out of what the validators compile (they would run them with Python's `re`,
which backtracks) and matched here instead (`split_slow`), as are long enums, checked here with a set.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

import re2  # type: ignore[import-untyped]  # google-re2 ships no types

_FEW = 16  # an enum of more texts than this is checked with a set (see split_slow)
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


def split_slow(schema: Mapping[str, Any]) -> tuple[dict[str, Any], Callable[[Any], bool] | None]:
    """`schema` less what a compiled validator does badly, and a check of that part (None when nothing was taken).

    Taken out, where a schema holds them (on a value, its properties and its items): patterns, which the
    validators would run with Python's backtracking `re`, and enums of more than a few texts, which fastjsonschema
    compiles to a chain of comparisons (slow to compile, linear to run); here a set answers in constant time.
    """
    shape = dict(schema)
    checks: list[Callable[[Any], bool]] = []
    pattern = shape.pop("pattern", None)
    if isinstance(pattern, str):
        checks.append(lambda value: not isinstance(value, str) or matches(pattern, value))
    enum = shape.get("enum")
    if isinstance(enum, list) and len(enum) > _FEW and all(isinstance(item, str) for item in enum):
        del shape["enum"]
        allowed = frozenset(enum)
        checks.append(lambda value: isinstance(value, str) and value in allowed)
    properties = shape.get("properties")
    if isinstance(properties, Mapping):
        shape["properties"] = dict(properties)
        for name, item in properties.items():
            if isinstance(item, Mapping):
                shape["properties"][name], inner = split_slow(item)
                if inner is not None:
                    checks.append(functools.partial(_property_holds, name, inner))
    items = shape.get("items")
    if isinstance(items, Mapping):
        shape["items"], inner = split_slow(items)
        if inner is not None:
            checks.append(functools.partial(_items_hold, inner))
    if not checks:
        return shape, None
    return shape, lambda value: all(check(value) for check in checks)


def _property_holds(name: str, check: Callable[[Any], bool], value: Any) -> bool:
    return not isinstance(value, dict) or name not in value or check(value[name])


def _items_hold(check: Callable[[Any], bool], value: Any) -> bool:
    return not isinstance(value, list) or all(map(check, value))
