"""ChatGPT's `search` and `fetch` (deep research, company knowledge): records as documents with citation URLs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import jinja2

from ..errors import ToolError
from ..model import Limit, Record
from ..storage.base import Transaction
from ..templates import compiled
from .base import Expansion, RecordAction, Result, expand, text_query


@dataclass(frozen=True)
class Document(RecordAction):
    """What both share: `url`, the Jinja2 template of the link a person opens from a citation."""

    url: str = ""
    _url: jinja2.Template = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_url", compiled(self.url))

    def link(self, record: Record) -> str:
        """The record's citation URL."""
        try:
            return self._url.render(**record)
        except jinja2.UndefinedError as exc:  # validate rules this out; a stored record might still lack a value
            raise ToolError(f"The url of {self.model.label(record)} cannot be made: {exc.message}.") from None

    def summary(self, args: dict[str, Any], result: Result) -> str:
        """ChatGPT reads the same JSON as text."""
        return json.dumps(result, ensure_ascii=False)


@dataclass(frozen=True)
class ChatGPTSearch(Document):
    """`fields`: the fields searched; `limit.default`: how many results."""

    fields: tuple[str, ...] = ()
    limit: Limit = field(default_factory=Limit)
    kind = "chatgpt_search"
    read_only = True
    idempotent = True

    async def run(self, tx: Transaction, args: dict[str, Any]) -> Result:
        """`{results: [{id, title, url}], more}`, best first; `more` when matches beyond limit.default were left out."""
        query = text_query(self.fields, args["query"], self.limit.default + 1, 0)
        records = await tx.search(self.model.name, query)
        model = self.model
        return {
            "results": [
                {"id": str(record[model.id]), "title": model.title(record), "url": self.link(record)}
                for record in records[: self.limit.default]
            ],
            "more": len(records) > self.limit.default,
        }


@dataclass(frozen=True)
class Fetch(Document):
    """`fields`: the fields in the text (None: all but the id); `text`: a Jinja2 template of the text instead."""

    fields: tuple[str, ...] | None = None
    text: str | None = None
    expand: tuple[Expansion, ...] = ()
    kind = "fetch"
    read_only = True
    idempotent = True
    shown: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _text: jinja2.Template | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        model = self.model
        object.__setattr__(self, "shown", self.fields or tuple(name for name in model.fields if name != model.id))
        object.__setattr__(self, "_text", compiled(self.text))

    async def run(self, tx: Transaction, args: dict[str, Any]) -> Result:
        """`{id, title, text, url, metadata}` of one record (ChatGPT's ids are strings)."""
        model = self.model
        record = self.found(await tx.get(model.name, self.stored_id(args["id"])), args["id"])
        await expand(tx, model, self.expand, [record])
        text = self._text.render(**record) if self._text else self.plain_text(record)
        return {
            "id": str(record[model.id]),
            "title": model.title(record),
            "text": text,
            "url": self.link(record),
            "metadata": {name: value for name, value in record.items() if name not in self.shown and value is not None},
        }

    def stored_id(self, value: str) -> int:
        """The stored id (ids are integers) for ChatGPT's string id; not found for one that cannot be an id."""
        digits = value.strip()  # (str.strip takes more than int() allows around a number: "\x1c0")
        if not digits.isascii() or not digits.isdigit():
            raise self.not_found(value)
        return int(digits)

    def plain_text(self, record: Record) -> str:
        """`field: value` lines of the shown fields that have a value; an expanded ref's by its record's name."""
        names = {expansion.field: expansion.key for expansion in self.expand}
        values = {name: record.get(names.get(name, name)) for name in self.shown}
        return "\n".join(f"{name}: {value}" for name, value in values.items() if value not in (None, ""))
