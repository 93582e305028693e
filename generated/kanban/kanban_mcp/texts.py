"""Jinja2 templates from the spec (citation URLs, document texts, responses), rendered in a sandbox."""

from __future__ import annotations

import jinja2
import jinja2.sandbox

from kanban_mcp.models import Model
from kanban_mcp.runtime import Record, ToolError, label

TEMPLATES = jinja2.sandbox.SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)


def render_url(template: jinja2.Template, model: Model, record: Record) -> str:
    try:
        return template.render(**record)
    except jinja2.UndefinedError as exc:
        raise ToolError(f"The url of {label(model, record)} cannot be made: {exc.message}.") from None
