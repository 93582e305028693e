"""Wording shared by messages: the suggestion for a misspelt name, and lists in prose."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

_COMPARED = 1000  # difflib takes about 25 µs a choice: past this many, no suggestion rather than a stall
_LISTED = 20  # a hint lists at most this many choices


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice `word` is most likely a misspelling of, if any is close enough (None among very many)."""
    options = sorted(set(choices))
    if len(options) > _COMPARED:
        return None
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest choice, else listing them all (empty when there are none)."""
    options = sorted(set(choices))
    close = closest(word, options)
    if close:
        return f"did you mean '{close}'?"
    if not options:
        return ""
    if len(options) > _LISTED:
        return f"expected one of {len(options):,} values, such as " + ", ".join(options[:3])
    return "expected one of: " + ", ".join(options)


def listed(words: Iterable[str], conjunction: str = "and") -> str:
    """`a, b and c` (or `a, b or c`)."""
    items = list(words)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1] if len(items) > 1 else "".join(items)
