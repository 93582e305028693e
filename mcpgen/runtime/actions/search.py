"""`search`: full-text search over chosen fields, best matches first, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import pages
from ..model import Limit
from ..storage.base import Transaction
from .base import Expansion, RecordAction, Result, expand, label, text_query


@dataclass(frozen=True)
class Search(RecordAction):
    """`fields`: the fields searched, the first weighing most; `limit`: the page size."""

    fields: tuple[str, ...] = ()
    limit: Limit = field(default_factory=Limit)
    expand: tuple[Expansion, ...] = ()
    kind = "search"
    read_only = True
    idempotent = True

    async def run(self, tx: Transaction, args: dict[str, Any]) -> Result:
        """One page of matching records, best first (ranked pages go by position: a cursor holds where)."""
        query_id = pages.fingerprint(self.model, self.kind, args)
        start = pages.offset(pages.resume(args, query_id))
        size = pages.size(self.limit, args)
        query = text_query(self.fields, args["query"], size + 1, start)
        result = pages.offset_page(await tx.search(self.model.name, query), size, query_id, start)
        await expand(tx, self.model, self.expand, result["items"])
        return result

    def summary(self, args: dict[str, Any], result: Result) -> str:
        """`Found 2 tasks matching "docs":` and a line each."""
        name = lambda record: label(self.model, self.expand, record)  # noqa: E731
        return pages.summary(self.model, result, f' matching "{args["query"]}"', label=name)
