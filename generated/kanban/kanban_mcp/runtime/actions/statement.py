"""`sql`: one of the spec's own statements over its storage, with typed parameters that are always bound."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..storage.base import Store
from .base import Action, Caller, Result
from .outputs import bound, plain

SUBJECT = "subject"  # the parameter bound to the caller: the owner of the records they work on
SHOWN = 20  # rows the default text lists


@dataclass(frozen=True)
class Statement(Action):
    """`statement` with its `:name` parameters (name, type) bound; `returns`: the columns' types, by name.

    A read-only statement may not write (the database refuses it); one that writes is one transaction.
    """

    statement: str
    read_only: bool = True
    parameters: tuple[tuple[str, str], ...] = ()
    returns: tuple[tuple[str, str], ...] = ()
    max_rows: int = 100
    kind: ClassVar[str] = "sql"
    declared: ClassVar[bool] = True

    async def call(self, store: Store, args: dict[str, Any], caller: Caller) -> Result:
        """`{rows, more}` (and `changed` for a write): the rows the statement gave, as objects."""
        params = {name: bound(kind, args.get(name)) for name, kind in self.parameters}
        params[SUBJECT] = caller.owner
        async with store.transaction(write=not self.read_only, owner=caller.owner) as tx:
            found = await tx.statement(self.statement, params, read_only=self.read_only, limit=self.max_rows + 1)
        kinds = dict(self.returns)
        rows = [
            {column: plain(value, kinds.get(column)) for column, value in zip(found.columns, row, strict=True)}
            for row in found.rows[: self.max_rows]
        ]
        result: Result = {"rows": rows, "more": len(found.rows) > self.max_rows}
        if not self.read_only:
            result["changed"] = found.changed
        return result

    def summary(self, args: dict[str, Any], result: Result) -> str:
        """`Changed 2 rows.` or `3 rows:` and a line each (the first ones)."""
        rows = result["rows"]
        lines = []
        if "changed" in result:
            lines.append(f"Changed {result['changed']} row{'s' if result['changed'] != 1 else ''}.")
            if not rows:
                return lines[0]
        more = " (and more: narrow the query to see them)" if result["more"] else ""
        lines.append(f"{len(rows)} row{'s' if len(rows) != 1 else ''}{more}" + (":" if rows else "."))
        lines += ["- " + ", ".join(f"{key}: {_shown(value)}" for key, value in row.items()) for row in rows[:SHOWN]]
        if len(rows) > SHOWN:
            lines.append(f"… {len(rows) - SHOWN} more in the structured result.")
        return "\n".join(lines)


def _shown(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
