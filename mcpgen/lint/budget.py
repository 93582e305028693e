"""Rules on what the tool list costs in the model's context, estimated as mcpgen's client view does."""

from __future__ import annotations

from collections.abc import Iterator

from mcpgen.lint.base import Context, Hit
from mcpgen.tooldefs import wire
from mcpgen.view import estimate_tokens

TOOL_TOKENS_MAX = 1000  # one tool: its name, description, input and output schemas, annotations
LIST_TOKENS_MAX = 8000  # the whole list, read in every conversation that has the connector on


def tool_token_budget(ctx: Context) -> Iterator[Hit]:
    for name, advertised in zip(ctx.tools, wire(ctx.tools), strict=True):
        tokens = estimate_tokens(advertised)
        if tokens > TOOL_TOKENS_MAX:
            yield Hit(
                ("tools", name),
                f"'{name}' costs about {tokens} tokens, over {TOOL_TOKENS_MAX}",
                "shorten its description and parameter docs, or split it into tools with fewer parameters",
                name,
                key=True,
            )


def token_budget(ctx: Context) -> Iterator[Hit]:
    tokens = estimate_tokens(wire(ctx.tools))
    if tokens > LIST_TOKENS_MAX:
        yield Hit(
            ("tools",),
            f"the tool list costs about {tokens} tokens ({len(ctx.tools)} tools), over {LIST_TOKENS_MAX}",
            "merge or drop rarely used tools, and shorten the longest descriptions",
            key=True,
        )
