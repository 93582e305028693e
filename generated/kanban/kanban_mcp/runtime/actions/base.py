"""What every action kind provides: its settings (a dataclass), its hints, and its behaviour in a transaction."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

from ..errors import ToolError
from ..model import Model, Record
from ..storage.base import TextQuery, Transaction

Result = dict[str, Any]


@dataclass(frozen=True)
class Action(ABC):
    """One kind of tool on one model. Its dataclass fields after `model` are the kind's settings."""

    model: Model
    kind: ClassVar[str]
    read_only: ClassVar[bool]  # also: its transaction takes no write lock
    destructive: ClassVar[bool] = False
    idempotent: ClassVar[bool]

    @abstractmethod
    async def run(self, tx: Transaction, args: dict[str, Any]) -> Result:
        """Does the work inside one transaction and returns the structured result."""

    @abstractmethod
    def summary(self, args: dict[str, Any], result: Result) -> str:
        """The short text the model reads when the tool has no `response` template."""

    def not_found(self, id: Any) -> ToolError:
        """The error for an id no record has."""
        return ToolError(f"No {self.model.name} with id '{id}'.")

    def found(self, record: Record | None, id: Any) -> Record:
        """The record, or the not-found error."""
        if record is None:
            raise self.not_found(id)
        return record


def text_query(fields: tuple[str, ...], words: str, limit: int | None, offset: int) -> TextQuery:
    """The store query for the words of `words`, each once, case-folded."""
    terms = tuple(dict.fromkeys(word.casefold() for word in words.split()))
    if not terms:
        raise ToolError("query: give at least one word to search for.")
    return TextQuery(fields=fields, terms=terms, limit=limit, offset=offset)


def settable(fields: tuple[str, ...] | None, model: Model) -> tuple[str, ...]:
    """The fields a create or update tool lets a caller set: its `fields`, else every writable one."""
    return fields if fields is not None else model.writable
