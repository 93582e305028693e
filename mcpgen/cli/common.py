"""What the verbs share: counted nouns."""

from __future__ import annotations

from typing import Any


def count(things: Any, noun: str) -> str:
    """`3 tools`, `1 tool`."""
    return f"{len(things)} {noun}{'s' if len(things) != 1 else ''}"
