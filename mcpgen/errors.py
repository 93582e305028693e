"""The errors mcpgen reports: one root for everything that stops a verb, and spec problems (collected, located)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from mcpgen.runtime.errors import AuthError, McpgenError, StorageError, ToolError, UsageError
from mcpgen.runtime.words import closest, did_you_mean


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
        """`file:line:col: path.in.spec: message (hint)`, on one printable line whatever the spec quoted."""
        where = f"{self.file}:{self.line}:{self.column}: {self.path or '(spec)'}: {self.message}"
        return _printable(f"{where} ({self.hint})" if self.hint else where)

    def as_json(self) -> dict[str, object]:
        """The problem as a JSON object, for editors and CI."""
        return asdict(self)


# Line breaks, other control characters and lone surrogates (which no terminal can print) a problem may quote
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _printable(text: str) -> str:
    return _UNPRINTABLE.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


class SpecError(McpgenError):
    """A spec that cannot be used; carries every problem found, in file order."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(map(str, self.problems)))


class GenerateError(McpgenError):
    """The project cannot be written where asked; the text says why and what to do."""


__all__ = [
    "AuthError",
    "GenerateError",
    "McpgenError",
    "Problem",
    "SpecError",
    "StorageError",
    "ToolError",
    "UsageError",
    "closest",
    "did_you_mean",
]
