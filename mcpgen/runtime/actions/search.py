"""`search`: case-insensitive word match over chosen fields, best matches first, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import pages
from ..model import Limit
from ..storage.base import Transaction
from .base import Action, Result, text_query


@dataclass(frozen=True)
class Search(Action):
    """`fields`: the fields searched, the first weighing most; `limit`: the page size."""

    fields: tuple[str, ...] = ()
    limit: Limit = field(default_factory=Limit)
    kind = "search"
    read_only = True
    idempotent = True

    async def run(self, tx: Transaction, args: dict[str, Any]) -> Result:
        """One page of matching records, best first."""
        size, offset = pages.window(self.limit, args)
        query = text_query(self.fields, args["query"], size + 1, offset)
        return pages.page(await tx.search(self.model.name, query), size, offset)

    def summary(self, args: dict[str, Any], result: Result) -> str:
        """`Found 2 tasks matching "docs":` and a line each."""
        return pages.summary(self.model, result, f' matching "{args["query"]}"')
