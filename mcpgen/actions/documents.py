"""ChatGPT's `search` and `fetch` (the runtime's ChatGPTSearch and Fetch): records as documents with URLs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jinja2
import jinja2.meta

from mcpgen.actions.base import Bound, Finding, RecordKind, closed, expand_findings, field_refs
from mcpgen.actions.search import searched_fields
from mcpgen.errors import did_you_mean
from mcpgen.runtime.actions import ChatGPTSearch, Fetch
from mcpgen.runtime.templates import ENVIRONMENT
from mcpgen.spec.model import ModelSpec, ToolSpec

URL_EXAMPLE = "e.g. url: https://board.example.com/tasks/{{ id }}"
ID = {"type": "string", "description": "The document's id; pass it to fetch."}
TITLE = {"type": "string", "description": "The document's title."}
URL = {"type": "string", "description": "A link a person can open to see the document (for citations)."}


def check_template(model: ModelSpec, key: str, template: str | None, *, required: bool) -> Iterator[Finding]:
    """Findings for a record template (`url`, `text`): syntax, and only the model's fields as variables."""
    if template is None:
        if required:
            yield (key,), f"this action needs a {key} template", URL_EXAMPLE
        return
    try:
        parsed = ENVIRONMENT.parse(template)
    except jinja2.TemplateSyntaxError as exc:
        yield (key,), f"the template does not parse: {exc.message}", "see https://jinja.palletsprojects.com"
        return
    for name in sorted(jinja2.meta.find_undeclared_variables(parsed) - set(model.fields)):
        yield (key,), f"unknown field '{name}' in the template", did_you_mean(name, list(model.fields))
    if key == "url" and not template.startswith(("https://", "http://", "{{")):
        yield (key,), "the url must be absolute, so that a person can open it", URL_EXAMPLE


def document_schema(properties: dict[str, Any]) -> dict[str, Any]:
    """An object that has every one of these properties."""
    return {"type": "object", "properties": properties, "required": list(properties)}


class ChatGPTSearchKind(RecordKind):
    """`fields` (required), `url` (required) and `limit`."""

    summary = "ChatGPT's search, for deep research and company knowledge: ids, titles and citation URLs."
    docs = {
        "fields": "the text fields searched (required)",
        "url": "a Jinja2 template of the link a person opens to see a record (required)",
        "limit": "default: how many results",
    }
    runtime = ChatGPTSearch

    def check(self, tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
        """`fields` are text fields; `url` is an absolute template over the model's fields."""
        yield from searched_fields(tool, model)
        yield from check_template(model, "url", tool.url, required=True)

    def input_schema(self, bound: Bound) -> dict[str, Any]:
        """`query`, exactly as ChatGPT calls it."""
        action = bound.action
        assert isinstance(action, ChatGPTSearch)
        searched = ", ".join(action.fields)
        query = {"type": "string", "description": f"Words to look for in {searched}; best matches come first."}
        return closed({"query": query}, ["query"])

    def output_schema(self, bound: Bound) -> dict[str, Any]:
        """`{results: [{id, title, url}], more}`."""
        result = document_schema({"id": ID, "title": TITLE, "url": URL})
        more = {"type": "boolean", "description": "Whether more records match than the results hold."}
        return document_schema({"results": {"type": "array", "items": result}, "more": more})


class FetchKind(RecordKind):
    """`url` (required), `fields` (in the text), `text` (its template) and `expand`."""

    summary = "ChatGPT's fetch: one record as a document with its text, citation URL and metadata."
    docs = {
        "url": "a Jinja2 template of the link a person opens to see a record (required)",
        "fields": "the fields in the document's text (default: all but the id)",
        "text": "a Jinja2 template of the document's text, instead of its fields",
        "expand": "ref fields whose record's display value the text shows instead of its id",
    }
    runtime = Fetch

    def check(self, tool: ToolSpec, model: ModelSpec) -> Iterator[Finding]:
        """`fields` name fields; `url` and `text` are templates over the model's fields."""
        yield from field_refs(model, tool.fields or [], "fields")
        yield from check_template(model, "url", tool.url, required=True)
        yield from check_template(model, "text", tool.text, required=False)
        yield from expand_findings(tool, model)

    def input_schema(self, bound: Bound) -> dict[str, Any]:
        """`id`, a string, exactly as ChatGPT calls it."""
        id = {"type": "string", "description": f"The id of the {bound.model_name}, as search returned it."}
        return closed({"id": id}, ["id"])

    def output_schema(self, bound: Bound) -> dict[str, Any]:
        """`{id, title, text, url, metadata}`."""
        return document_schema(
            {
                "id": ID,
                "title": TITLE,
                "text": {"type": "string", "description": f"The whole {bound.model_name}, as text."},
                "url": URL,
                "metadata": {"type": "object", "description": "The record's other fields."},
            }
        )
