"""Rules on the texts the model reads to choose a tool: when to use it, when not, length, look-alikes."""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterator

from mcpgen.lint.base import Context, Hit

# "Use this when", "Use it only when", "Use this tool when": the opening OpenAI recommends.
WHEN_TO_USE = re.compile(r"^\s*use (this|it)\b(\s+\w+){0,2}?\s+when\b", re.IGNORECASE)
# What the tool is not for: "Do not use…", "not for…", "Does not list…", "…use move_task instead".
WHEN_NOT = re.compile(r"\b(do not|don't|does not|doesn't|not for|never|instead|rather than)\b", re.IGNORECASE)
DESCRIPTION_MIN = 50  # characters: below this, a description cannot say when (and when not) to use the tool
DESCRIPTION_MAX = 1000  # characters: above this, every conversation pays for text the model skims
SIMILARITY_MAX = 0.75  # difflib ratio over the words of two descriptions: above it, the model may confuse them
CONNECTOR_MIN = 40  # characters of the connector's description
CONNECTOR_MAX = 600


def when_to_use(ctx: Context) -> Iterator[Hit]:
    """Descriptions that do not say when to use the tool."""
    for name, tool in ctx.spec.tools.items():
        if not WHEN_TO_USE.match(tool.description):
            yield Hit(
                ("tools", name, "description"),
                f"the description of '{name}' does not start by saying when to use it",
                'start it with "Use this when the user …"',
                name,
            )


def when_not_to_use(ctx: Context) -> Iterator[Hit]:
    """Descriptions that do not say when not to use the tool."""
    for name, tool in ctx.spec.tools.items():
        if not WHEN_NOT.search(tool.description):
            yield Hit(
                ("tools", name, "description"),
                f"the description of '{name}' does not say when not to use it",
                'add a sentence such as "Do not use it to …: use <other tool>."',
                name,
            )


def description_length(ctx: Context) -> Iterator[Hit]:
    """Descriptions too short to choose by, or too long to read."""
    for name, tool in ctx.spec.tools.items():
        size = len(tool.description.strip())
        if size < DESCRIPTION_MIN:
            message = f"the description of '{name}' is {size} characters long, under {DESCRIPTION_MIN}"
            fix = "say when to use the tool, when not, and what it returns"
        elif size > DESCRIPTION_MAX:
            message = f"the description of '{name}' is {size} characters long, over {DESCRIPTION_MAX}"
            fix = "keep what helps the model choose; move parameter details into the parameters' descriptions"
        else:
            continue
        yield Hit(("tools", name, "description"), message, fix, name)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9_]+", text.lower())


def similarity(first: str, second: str) -> float:
    """How alike two descriptions read, from 0 to 1: difflib's ratio over their words."""
    return difflib.SequenceMatcher(None, _words(first), _words(second), autojunk=False).ratio()


def near_duplicate(ctx: Context) -> Iterator[Hit]:
    """Tools whose descriptions are so alike that the model cannot tell them apart."""
    tools = ctx.spec.tools
    for first, second in itertools.combinations(tools, 2):
        ratio = similarity(tools[first].description, tools[second].description)
        if ratio > SIMILARITY_MAX:
            yield Hit(
                ("tools", second, "description"),
                f"the descriptions of '{first}' and '{second}' are {ratio:.0%} alike: the model may confuse them",
                f"say what sets '{second}' apart, and when to use '{first}' instead",
                second,
            )


def connector_description(ctx: Context) -> Iterator[Hit]:
    """A connector description that does not say what the connector is for."""
    size = len(ctx.spec.description.strip())
    if size < CONNECTOR_MIN:
        message = f"the connector's description is {size} characters long, under {CONNECTOR_MIN}"
        fix = "say what the connector does and for whom: ChatGPT reads it to decide when to use it"
    elif size > CONNECTOR_MAX:
        message = f"the connector's description is {size} characters long, over {CONNECTOR_MAX}"
        fix = "keep it to what the connector is for; put usage advice in instructions"
    else:
        return
    yield Hit(("description",), message, fix)
