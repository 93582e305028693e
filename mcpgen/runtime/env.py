"""`${VAR}` and `${VAR:-default}` in settings, resolved from the environment (`$$` is a literal `$`)."""

from __future__ import annotations

import re
from collections.abc import Mapping

VARIABLE = re.compile(r"\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\})")


def expand(text: str, env: Mapping[str, str]) -> tuple[str, list[str]]:
    """The text with its variables replaced, and the names of those that are unset (each replaced by '')."""
    missing: list[str] = []

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, default = match.group(1), match.group(2)
        if name in env and (env[name] or default is None):
            return env[name]
        if default is not None:
            return default
        missing.append(name)
        return ""

    return VARIABLE.sub(substitute, text), missing
