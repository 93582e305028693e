"""`mcpgen lint`: checks a valid spec's tool metadata against ChatGPT's guidance (see docs/lint-rules.md)."""

from __future__ import annotations

from mcpgen.lint.base import Context, Finding, Hit, Rule
from mcpgen.lint.rules import RULES
from mcpgen.runtime.tool import Tool
from mcpgen.spec import LoadedSpec
from mcpgen.spec.compile import compile_spec


def lint(loaded: LoadedSpec, tools: dict[str, Tool] | None = None) -> list[Finding]:
    """Every finding of every rule, in file order, less those a tool silences with lint: {ignore: [...]}."""
    spec, positions = loaded.spec, loaded.positions
    context = Context(loaded, dict(compile_spec(loaded).tools) if tools is None else tools)
    findings = []
    for rule in RULES:
        for hit in rule.check(context):
            settings = spec.tools[hit.tool].lint if hit.tool in spec.tools else None
            if settings and rule.id in settings.ignore:
                continue
            line, column = positions.at(hit.path, key=hit.key)
            findings.append(
                Finding(positions.file, line, column, rule.id, hit.message, hit.fix, rule.severity, hit.tool)
            )
    return sorted(findings)


__all__ = ["RULES", "Context", "Finding", "Hit", "Rule", "lint"]
