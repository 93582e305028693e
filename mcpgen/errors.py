"""The errors mcpgen reports: spec problems (collected, located) and tool-call errors (for the model)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a spec, located in the user's file."""

    file: str
    line: int
    column: int
    path: str  # "tools.move_task.model"
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}: {self.path or '(spec)'}: {self.message}"
        return f"{where} ({self.hint})" if self.hint else where

    def as_json(self) -> dict[str, object]:
        return asdict(self)


class SpecError(Exception):
    """A spec that cannot be used; carries every problem found, in file order."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(map(str, self.problems)))


class ToolCallError(Exception):
    """A failure the model should read and act on (bad arguments, not found, conflict)."""


class AuthError(Exception):
    """The server cannot check callers as the spec's `auth:` asks (e.g. the bearer token is not set)."""


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice `word` is most likely a misspelling of, if any is close enough."""
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest choice, else listing them all (empty when there are none)."""
    options = sorted(set(choices))
    close = closest(word, options)
    if close:
        return f"did you mean '{close}'?"
    if not options:
        return ""
    return "expected one of: " + ", ".join(options)
