"""`list`: records filtered by exact match, ordered, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import pages
from ..model import Limit
from ..storage.base import Query, Transaction
from .base import Action, Result


@dataclass(frozen=True)
class List(Action):
    """`filters`: fields to match exactly; `order_by`: fields a caller may sort by; `limit`: the page size."""

    filters: tuple[str, ...] = ()
    order_by: tuple[str, ...] = ()
    limit: Limit = field(default_factory=Limit)
    kind = "list"
    read_only = True
    idempotent = True

    async def run(self, tx: Transaction, args: dict[str, Any]) -> Result:
        """One page of matching records."""
        size, offset = pages.window(self.limit, args)
        order = ((args["order_by"], args.get("order") == "desc"),) if "order_by" in args else ()
        filters = {name: args[name] for name in self.filters if name in args}
        query = Query(filters=filters, order=order, limit=size + 1, offset=offset)
        return pages.page(await tx.select(self.model.name, query), size, offset)

    def summary(self, args: dict[str, Any], result: Result) -> str:
        """`Found 2 tasks:` and a line each."""
        return pages.summary(self.model, result)
