"""The rule on tool names: verb_noun, so that the name says what the tool does to what."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mcpgen.lint.base import Context, Hit

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
# ChatGPT's deep research and company knowledge call these by exactly these names.
CHATGPT_NAMES = {"search": "chatgpt_search", "fetch": "fetch"}
# Verbs a tool name may start with; extend this list (kept sorted) rather than silencing the rule.
_VERB_WORDS = """
    add approve archive assign attach book calculate cancel change check clear close comment complete compute
    convert copy count create delete describe detach disable download duplicate edit enable escalate estimate
    export fetch find finish generate get grant import invite join leave link list load lock log mark merge move
    notify open pause post preview publish query read record register reject remove rename reopen reorder replace
    reply reset resolve restore resume retrieve revoke run save schedule search send set share show sort split
    start stop submit subscribe summarise summarize sync tag track transfer trigger unarchive unassign unlink
    unlock unpublish unsubscribe untag update upload upsert validate verify view write
"""
VERBS = frozenset(_VERB_WORDS.split())


def verb_noun(ctx: Context) -> Iterator[Hit]:
    """Tool names that are not verb_noun."""
    for name, tool in ctx.spec.tools.items():
        if CHATGPT_NAMES.get(name) == tool.action:
            continue
        # Names over 64 characters, or with characters outside [A-Za-z0-9_.-], never get here: validate rejects them.
        if not re.match(r"^[a-z0-9_]+$", name):
            problem = "it is not snake_case"
        elif not SNAKE_CASE.match(name):
            problem = "it is not a verb followed by a noun"
        elif name.split("_")[0] not in VERBS:
            problem = f"it does not start with a verb ('{name.split('_')[0]}')"
        else:
            continue
        yield Hit(
            ("tools", name),
            f"the tool name '{name}' is not verb_noun: {problem}",
            "name what the tool does, then to what: create_task, list_tasks, move_task",
            name,
            key=True,
        )
