"""The registry of lint rules: the one list of what `mcpgen lint` checks. A new rule is a function plus a line here."""

from __future__ import annotations

from collections.abc import Iterator

from mcpgen.errors import did_you_mean
from mcpgen.lint import budget, descriptions, hints, names, parameters
from mcpgen.lint.base import Context, Hit, Rule


def unknown_ignore(ctx: Context) -> Iterator[Hit]:
    """`lint: {ignore: [...]}` entries that name no rule."""
    known = [rule.id for rule in RULES]
    for name, tool in ctx.spec.tools.items():
        for index, rule in enumerate(tool.lint.ignore if tool.lint else []):
            if rule not in known:
                yield Hit(("tools", name, "lint", "ignore", index), f"unknown rule '{rule}'", did_you_mean(rule, known))


RULES: list[Rule] = [
    Rule("when-to-use", "error", 'A tool description starts by saying when to use it: "Use this when…".',
         descriptions.when_to_use),
    Rule("when-not-to-use", "warning", 'A tool description says when not to use it: "Do not use it to…".',
         descriptions.when_not_to_use),
    Rule("description-length", "warning", "A tool description is neither too short nor too long.",
         descriptions.description_length),
    Rule("near-duplicate", "warning", "No two tool descriptions are so alike that the model could confuse them.",
         descriptions.near_duplicate),
    Rule("connector-description", "warning", "The connector's description says what it is for, in reasonable length.",
         descriptions.connector_description),
    Rule("parameter-description", "error", "Every input parameter has a description.",
         parameters.parameter_description),
    Rule("enum-explained", "warning", "The description of an enum parameter names its values.",
         parameters.enum_explained),
    Rule("verb-noun", "warning", "A tool name is verb_noun: snake_case words, a verb first.",
         names.verb_noun),
    Rule("read-write-split", "error", "Reading and writing stay in separate tools, and hints do not hide a write.",
         hints.read_write_split),
    Rule("annotation-why", "warning", "An annotation override gives a reason a reviewer can check.",
         hints.annotation_why),
    Rule("status-length", "error", "Status strings (_meta openai/toolInvocation/*) are 64 characters at most.",
         hints.status_length),
    Rule("tool-token-budget", "warning", "One tool costs at most a set number of tokens in the model's context.",
         budget.tool_token_budget),
    Rule("token-budget", "warning", "The whole tool list costs at most a set number of tokens.",
         budget.token_budget),
    Rule("unknown-ignore", "error", "A tool's lint.ignore names rules that exist.", unknown_ignore),
]  # fmt: skip
