"""Rules on what a tool declares besides its text: annotation hints, their reasons, and _meta status strings."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mcpgen.actions import ACTIONS
from mcpgen.lint.base import Context, Hit

WHY_MIN_WORDS = 4  # "needs confirmation" says nothing; "deleting a column also deletes its tasks" does
STATUS_MAX = 64  # ChatGPT's limit on openai/toolInvocation/invoking and /invoked
STATUS_PREFIX = "openai/toolInvocation/"
# Writing verbs in the form a description uses to say what its tool does ("Creates a task"); not the
# base form, which read tools use for advice ("before you update it").
WRITES = re.compile(r"\b(creates|updates|deletes|removes|modifies|writes|saves|edits|moves|adds)\b", re.IGNORECASE)
# Sentences that talk about other tools or about what a tool does not do.
ASIDE = re.compile(r"\b(not|never|n't|instead|rather|use \w+_\w+|with \w+_\w+)\b", re.IGNORECASE)


def read_write_split(ctx: Context) -> Iterator[Hit]:
    """Writes annotated read-only, and read tools described as writing."""
    for name, tool in ctx.spec.tools.items():
        reads = ACTIONS[tool.action].hints(tool)["read_only"]
        hints = tool.annotations
        if not reads and hints is not None and hints.read_only:
            yield Hit(
                ("tools", name, "annotations", "read_only"),
                f"'{name}' writes ({tool.action}) but is annotated read_only: ChatGPT would run it without asking",
                "remove read_only: true; a tool that reads and writes should be two tools",
                name,
            )
        elif reads:
            writes = [s for s in re.split(r"(?<=[.;!?])\s+", tool.description) if not ASIDE.search(s)]
            verb = next((m.group(0) for s in writes if (m := WRITES.search(s))), None)
            if verb:
                yield Hit(
                    ("tools", name, "description"),
                    f"'{name}' only reads ({tool.action}) but its description says it {verb.lower()} records",
                    "keep the description to what the tool reads; writing belongs in a separate tool",
                    name,
                )


def annotation_why(ctx: Context) -> Iterator[Hit]:
    """Overridden hints whose reason is too short to review."""
    for name, tool in ctx.spec.tools.items():
        why = (tool.annotations.why or "").strip() if tool.annotations else ""
        if why and len(why.split()) < WHY_MIN_WORDS:
            yield Hit(
                ("tools", name, "annotations", "why"),
                f"the reason for overriding the hints of '{name}' is too short to review ({why!r})",
                f"say in {WHY_MIN_WORDS} words or more what the hints derived from '{tool.action}' get wrong",
                name,
            )


def status_length(ctx: Context) -> Iterator[Hit]:
    """Status strings longer than ChatGPT shows."""
    for name, built in ctx.tools.items():
        for key, value in (built.definition.get("_meta") or {}).items():
            if key.startswith(STATUS_PREFIX) and isinstance(value, str) and len(value) > STATUS_MAX:
                yield Hit(
                    ("tools", name),
                    f"the status string {key} of '{name}' is {len(value)} characters long, over {STATUS_MAX}",
                    "shorten it, e.g. 'Moving the task…'",
                    name,
                    key=True,
                )
