"""Jinja2 templates from a connector's settings (responses, citation URLs, document texts), run in a sandbox.

Nothing in a template is evaluated while it compiles: Jinja would fold constant expressions then, and
`{{ 'x' * 10**9 }}` would take a gigabyte and many seconds in `mcpgen validate`. What a template makes is bounded
when it runs: repetition (`*`) and powers (`**`) past the bounds below are refused, and so is a longer text.
"""

from __future__ import annotations

from typing import Any

import jinja2
import jinja2.exceptions
import jinja2.nodes
import jinja2.runtime
import jinja2.sandbox

MAX_TEXT = 10_000_000  # characters a template may make, and the longest text or list `*` may repeat to
MAX_POWER_BITS = 65_536  # the largest whole number `**` may make, in bits


class BoundedTemplate(jinja2.Template):
    """A template whose text is refused once it grows past MAX_TEXT characters."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        """The template's text, made part by part so that a runaway loop stops at the bound."""
        parts: list[str] = []
        size = 0
        for part in self.generate(*args, **kwargs):
            size += len(part)
            if size > MAX_TEXT:
                raise jinja2.exceptions.SecurityError(f"the template makes more than {MAX_TEXT} characters")
            parts.append(part)
        return "".join(parts)


class BoundedEnvironment(jinja2.sandbox.SandboxedEnvironment):
    """The sandbox, with `*` and `**` checked before they run (and so never folded at compile time either)."""

    intercepted_binops = frozenset({"*", "**"})
    template_class = BoundedTemplate

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        """`left operator right`, refused when its result would be huge."""
        if operator == "*" and _repeated_size(left, right) > MAX_TEXT:
            raise jinja2.exceptions.SecurityError(f"'*' would make more than {MAX_TEXT} items")
        if operator == "**" and _power_bits(left, right) > MAX_POWER_BITS:
            raise jinja2.exceptions.SecurityError(f"'**' would make a number of more than {MAX_POWER_BITS} bits")
        return super().call_binop(context, operator, left, right)


def _repeated_size(left: Any, right: Any) -> int:
    """How long `left * right` is when it repeats a text or a list (0 for numbers)."""
    for sequence, times in ((left, right), (right, left)):
        if isinstance(sequence, str | list | tuple) and isinstance(times, int):
            return len(sequence) * times
    return 0


def _power_bits(base: Any, exponent: Any) -> int:
    """How many bits `base ** exponent` has for whole numbers (0 for others, which overflow instead)."""
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0:
        return abs(base).bit_length() * exponent if abs(base) > 1 else 1
    return 0


@jinja2.pass_eval_context
def _at_run_time(eval_ctx: jinja2.nodes.EvalContext, value: Any) -> Any:
    """Each output as it is: a finalize that takes the context, so that Jinja leaves every output to run time."""
    return value


# optimized=False: no constant folding anywhere else either, e.g. of a filter: `{{ 'x' | center(1000000000) }}`.
ENVIRONMENT = BoundedEnvironment(
    undefined=jinja2.StrictUndefined, autoescape=False, optimized=False, finalize=_at_run_time
)


def compiled(source: str | None) -> jinja2.Template | None:
    """The template of `source`, compiled once; None for no template."""
    return ENVIRONMENT.from_string(source) if source is not None else None
