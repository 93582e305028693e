"""The error of an import that cannot be done: the text says why and what to do."""

from __future__ import annotations

from mcpgen.errors import McpgenError


class OpenAPIError(McpgenError):
    """The document cannot be read or converted as asked (exit 1)."""

    topic = "import openapi"
