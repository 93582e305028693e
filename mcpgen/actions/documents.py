"""What ChatGPT's search and fetch kinds share: records seen as documents with a title and a citation URL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jinja2
import jinja2.meta
import jinja2.sandbox

from mcpgen.actions.base import Bound, Finding
from mcpgen.errors import ToolCallError, did_you_mean
from mcpgen.fields import display_field
from mcpgen.spec.model import ModelSpec
from mcpgen.storage.base import Record

_TEMPLATES = jinja2.sandbox.SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)
URL_EXAMPLE = "e.g. url: https://board.example.com/tasks/{{ id }}"


def check_template(model: ModelSpec, key: str, template: str | None, *, required: bool) -> Iterator[Finding]:
    """Findings for a record template (`url`, `text`): syntax, and only the model's fields as variables."""
    if template is None:
        if required:
            yield (key,), f"this action needs a {key} template", URL_EXAMPLE
        return
    try:
        parsed = _TEMPLATES.parse(template)
    except jinja2.TemplateSyntaxError as exc:
        yield (key,), f"the template does not parse: {exc.message}", "see https://jinja.palletsprojects.com"
        return
    for name in sorted(jinja2.meta.find_undeclared_variables(parsed) - set(model.fields)):
        yield (key,), f"unknown field '{name}' in the template", did_you_mean(name, list(model.fields))
    if key == "url" and not template.startswith(("https://", "http://", "{{")):
        yield (key,), "the url must be absolute, so that a person can open it", URL_EXAMPLE


def render(template: str, record: Record) -> str:
    return _TEMPLATES.from_string(template).render(**record)


def title(bound: Bound, record: Record) -> str:
    shown = record.get(display_field(bound.model))
    return str(shown) if shown not in (None, "") else f"{bound.model_name} {record[bound.id_field]}"


def url(bound: Bound, record: Record) -> str:
    try:
        return render(bound.tool.url or "", record)
    except jinja2.UndefinedError as exc:  # check_template rules this out; a stored record might still lack a value
        raise ToolCallError(f"The url of {bound.label(record)} cannot be made: {exc.message}.") from None


def document_id(bound: Bound, value: str) -> int:
    """The stored id (ids are integers) for ChatGPT's string id; not found for one that cannot be an id."""
    if not value.strip().isascii() or not value.strip().isdigit():
        raise bound.not_found(value)
    return int(value)


def document_schema(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties)}


ID = {"type": "string", "description": "The document's id; pass it to fetch."}
TITLE = {"type": "string", "description": "The document's title."}
URL = {"type": "string", "description": "A link a person can open to see the document (for citations)."}
