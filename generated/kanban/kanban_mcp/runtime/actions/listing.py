"""`list`: records filtered by their filters' operators, ordered, a page at a time (keyset cursors)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import pages
from ..errors import ToolError
from ..filters import Filter, conditions
from ..model import Limit
from ..storage.base import Query, Transaction
from .base import Expansion, RecordAction, Result, expand, label

PYTHON_TYPES: dict[str, type | tuple[type, ...]] = {
    "integer": int,
    "id": int,
    "ref": int,
    "number": (int, float),
    "boolean": bool,
}


@dataclass(frozen=True)
class List(RecordAction):
    """`filters`: what callers may narrow by; `order_by`: fields they may sort by; `limit`: the page size."""

    filters: tuple[Filter, ...] = ()
    order_by: tuple[str, ...] = ()
    limit: Limit = field(default_factory=Limit)
    expand: tuple[Expansion, ...] = ()
    kind = "list"
    read_only = True
    idempotent = True

    async def run(self, tx: Transaction, args: dict[str, Any]) -> Result:
        """One page of matching records, after the record the cursor names."""
        query_id = pages.fingerprint(self.model, self.kind, args)
        order = ((args["order_by"], args.get("order") == "desc"),) if "order_by" in args else ()
        key = (*(name for name, _ in order), self.model.id)
        after = pages.after(pages.resume(args, query_id), len(key))
        if after is not None:
            self._check_keyset(key, after)
        size = pages.size(self.limit, args)
        where = conditions(self.model, self.filters, args)
        records = await tx.select(self.model.name, Query(where=where, order=order, limit=size + 1, after=after))
        result = pages.keyset_page(records, size, query_id, key)
        await expand(tx, self.model, self.expand, result["items"])
        return result

    def summary(self, args: dict[str, Any], result: Result) -> str:
        """`Found 2 tasks:` and a line each."""
        return pages.summary(self.model, result, label=lambda record: label(self.model, self.expand, record))

    def _check_keyset(self, key: tuple[str, ...], after: tuple[Any, ...]) -> None:
        """The cursor's values are of the fields' types (a cursor is text a caller could change)."""
        for name, value in zip(key, after, strict=True):
            kind = self.model.fields[name].type
            wanted = PYTHON_TYPES.get(kind, str)
            wrong = not isinstance(value, wanted) or (isinstance(value, bool) and kind != "boolean")
            if (value is None and name == self.model.id) or (value is not None and wrong):
                raise ToolError("Invalid cursor: pass the next_cursor of a previous result unchanged, or omit it.")
