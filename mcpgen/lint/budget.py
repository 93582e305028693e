"""Rules on what the tool list costs in the model's context, estimated as mcpgen's client view does."""

from __future__ import annotations

from collections.abc import Iterator

from mcpgen.dev.view import estimate_tokens
from mcpgen.lint.base import Context, Hit

TOOL_TOKENS_MAX = 1000  # one tool: its name, description, input and output schemas, annotations
LIST_TOKENS_MAX = 8000  # the whole list, read in every conversation that has the connector on


def tool_token_budget(ctx: Context) -> Iterator[Hit]:
    """Tools that cost more tokens than one tool should."""
    for name, tool in ctx.tools.items():
        tokens = estimate_tokens(tool.definition)
        if tokens > TOOL_TOKENS_MAX:
            yield Hit(
                ("tools", name),
                f"'{name}' costs about {tokens} tokens, over {TOOL_TOKENS_MAX}",
                "shorten its description and parameter docs, or split it into tools with fewer parameters",
                name,
                key=True,
            )


def token_budget(ctx: Context) -> Iterator[Hit]:
    """A tool list that costs more tokens than a conversation should spend on it."""
    tokens = estimate_tokens([tool.definition for tool in ctx.tools.values()])
    if tokens > LIST_TOKENS_MAX:
        yield Hit(
            ("tools",),
            f"the tool list costs about {tokens} tokens ({len(ctx.tools)} tools), over {LIST_TOKENS_MAX}",
            "merge or drop rarely used tools, and shorten the longest descriptions",
            key=True,
        )
