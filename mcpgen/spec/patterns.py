"""Whether a spec's `pattern` can be enforced: RE2 runs it (runtime/patterns.py), or the problem says why not."""

from __future__ import annotations

import re
import warnings

from mcpgen.runtime.patterns import PatternError, check_pattern

LINEAR_HINT = (
    "patterns are matched by RE2, in time linear in the text, so that no text can stall the server: "
    r"it has no backreferences (\1) and no lookarounds ((?=...), (?!...), (?<=...), (?<!...))"
)


def pattern_problem(pattern: str) -> tuple[str, str] | None:
    """The message and hint for a pattern the server could not enforce; None for one it can."""
    try:
        check_pattern(pattern)
    except PatternError as refused:
        try:
            with warnings.catch_warnings():  # e.g. "possible set intersection": valid, only a hint
                warnings.simplefilter("ignore", FutureWarning)
                re.compile(pattern)
        except re.error as exc:  # wrong in any dialect: Python's words say where
            return f"not a valid regular expression: {exc}", ""
        return f"this pattern cannot be matched in linear time ({refused})", LINEAR_HINT
    return None
