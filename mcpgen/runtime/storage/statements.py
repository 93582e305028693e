"""A spec's own SQL statements: the `:name` parameters they use, and the same statement in psycopg's style."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# What a statement is read as, token by token: text that is never a parameter (quoted text and names, comments,
# `::` casts), a `:name` parameter, or a `%` (which psycopg would read as its own placeholder).
_TOKENS = re.compile(
    r"""(?P<skip>'(?:[^']|'')*'?|"(?:[^"]|"")*"?|--[^\n]*|/\*.*?(?:\*/|$)|::)"""
    r"|:(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<percent>%)",
    re.DOTALL,
)


@dataclass(frozen=True)
class Rows:
    """What a statement gave: its columns, its rows (up to the limit asked for) and how many rows it changed."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    changed: int  # rows inserted, updated or deleted; 0 for a query


def parameters(statement: str) -> tuple[str, ...]:
    """The `:name` parameters of a statement, each once, in order (none inside quotes, comments or `::` casts)."""
    return tuple(dict.fromkeys(match["name"] for match in _TOKENS.finditer(statement) if match["name"]))


@lru_cache(maxsize=256)
def pyformat(statement: str) -> str:
    """The statement with `%(name)s` for each `:name` and `%%` for a `%`, as psycopg binds by name."""

    def token(match: re.Match[str]) -> str:
        if match["name"]:
            return f"%({match['name']})s"
        return match[0].replace("%", "%%")  # psycopg reads a % anywhere, quotes and comments included

    return _TOKENS.sub(token, statement)
