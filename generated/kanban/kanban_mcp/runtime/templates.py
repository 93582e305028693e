"""Jinja2 templates from a connector's settings (responses, citation URLs, document texts), run in a sandbox."""

from __future__ import annotations

import jinja2
import jinja2.sandbox

ENVIRONMENT = jinja2.sandbox.SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)


def compiled(source: str | None) -> jinja2.Template | None:
    """The template of `source`, compiled once; None for no template."""
    return ENVIRONMENT.from_string(source) if source is not None else None
