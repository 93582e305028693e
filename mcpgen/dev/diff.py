"""Compares two client views field by field and says what each change means for ChatGPT."""

from __future__ import annotations

import dataclasses
import difflib
import json
from typing import Any, Literal

Kind = Literal["breaking", "behavioural", "cosmetic"]
KINDS: tuple[Kind, ...] = ("breaking", "behavioural", "cosmetic")
RENAME_SIMILARITY = 0.7  # how alike a removed and an added tool must be to count as a rename
_WORDING = {"title", "description", "examples"}  # schema keys that only change what the model reads
_UPPER = {"maxLength": "longest text", "maximum": "largest value", "maxItems": "most items"}
_LOWER = {"minLength": "shortest text", "minimum": "smallest value", "minItems": "fewest items"}
_HINTS = {
    "readOnlyHint": "whether ChatGPT asks the user to confirm a call",
    "destructiveHint": "how ChatGPT words its confirmation",
    "openWorldHint": "how ChatGPT words its confirmation",
    "idempotentHint": "whether the model may retry a call",
}


@dataclasses.dataclass(frozen=True)
class Change:
    """One difference between what a client saw and what the server now advertises."""

    kind: Kind
    path: str  # "move_task.inputSchema.properties.status.enum", or "instructions"
    message: str
    before: Any = None
    after: Any = None

    def __str__(self) -> str:
        return f"{self.kind:<12} {self.path}: {self.message}"

    def as_json(self) -> dict[str, Any]:
        """The change as a JSON object."""
        return dataclasses.asdict(self)


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change from view `old` to view `new`, breaking ones first."""
    changes: list[Change] = []
    if old.get("instructions") != new.get("instructions"):
        changes.append(Change("cosmetic", "instructions", "reworded", old.get("instructions"), new.get("instructions")))
    before = {tool["name"]: tool for tool in old.get("tools", [])}
    after = {tool["name"]: tool for tool in new.get("tools", [])}
    moved = renames(before, after)
    for old_name, new_name in moved.items():
        changes.append(
            Change("breaking", new_name, f"renamed from {old_name}: calls to {old_name} fail", old_name, new_name)
        )
        changes += _tool(new_name, before[old_name], after[new_name])
    for name in before.keys() - after.keys() - moved.keys():
        changes.append(Change("breaking", name, "removed: calls to it fail", name, None))
    for name in after.keys() - before.keys() - set(moved.values()):
        changes.append(Change("behavioural", name, "added: ChatGPT cannot call it until then", None, name))
    for name in before.keys() & after.keys():
        changes += _tool(name, before[name], after[name])
    changes += _resources(old.get("resources", []), new.get("resources", []))
    return sorted(changes, key=lambda c: (KINDS.index(c.kind), c.path))


def renames(before: dict[str, Any], after: dict[str, Any]) -> dict[str, str]:
    """Pairs each removed tool with the added tool most like it (by everything but its name), if alike enough."""
    removed = [name for name in before if name not in after]
    added = [name for name in after if name not in before]
    scored = sorted(
        ((_similarity(before[r], after[a]), r, a) for r in removed for a in added),
        reverse=True,
    )
    pairs: dict[str, str] = {}
    for score, old_name, new_name in scored:
        if score >= RENAME_SIMILARITY and old_name not in pairs and new_name not in pairs.values():
            pairs[old_name] = new_name
    return pairs


def _similarity(a: dict[str, Any], b: dict[str, Any]) -> float:
    def body(tool: dict[str, Any]) -> str:
        return json.dumps({k: v for k, v in tool.items() if k not in ("name", "title")}, sort_keys=True)

    return difflib.SequenceMatcher(None, body(a), body(b), autojunk=False).ratio()


def _tool(name: str, a: dict[str, Any], b: dict[str, Any]) -> list[Change]:
    changes = []
    for key in ("title", "description"):
        if a.get(key) != b.get(key):
            changes.append(Change("cosmetic", f"{name}.{key}", "reworded", a.get(key), b.get(key)))
    changes += _annotations(name, a.get("annotations") or {}, b.get("annotations") or {})
    changes += _input(f"{name}.inputSchema", a.get("inputSchema") or {}, b.get("inputSchema") or {})
    changes += _output(f"{name}.outputSchema", a.get("outputSchema"), b.get("outputSchema"))
    changes += _meta(name, a.get("_meta") or {}, b.get("_meta") or {})
    known = {"name", "title", "description", "annotations", "inputSchema", "outputSchema", "_meta"}
    return changes + _other_keys(name, a, b, known)


_META_WORDS = {
    "securitySchemes": "who may call it changed: ChatGPT asks users to sign in differently",
    "ui": "its widget changed (MCP Apps)",
    "openai/outputTemplate": "its widget changed (Apps SDK)",
}


def _meta(name: str, a: dict[str, Any], b: dict[str, Any]) -> list[Change]:
    """Each `_meta` key that changed: behavioural, as hosts act on them (sign-in, widgets, status texts)."""
    return [
        Change("behavioural", f"{name}._meta.{key}", _META_WORDS.get(key, "metadata changed"), a.get(key), b.get(key))
        for key in sorted(a.keys() | b.keys())
        if a.get(key) != b.get(key)
    ]


def _annotations(name: str, a: dict[str, Any], b: dict[str, Any]) -> list[Change]:
    changes = []
    for hint in sorted(a.keys() | b.keys()):
        if a.get(hint) != b.get(hint):
            why = _HINTS.get(hint, "how clients treat the tool")
            message = f"{_shown(a.get(hint))} → {_shown(b.get(hint))} (changes {why})"
            changes.append(Change("behavioural", f"{name}.annotations.{hint}", message, a.get(hint), b.get(hint)))
    return changes


def _input(path: str, a: dict[str, Any], b: dict[str, Any]) -> list[Change]:
    changes = []
    before, after = a.get("properties", {}), b.get("properties", {})
    was_required, is_required = set(a.get("required", [])), set(b.get("required", []))
    for name in sorted(before.keys() - after.keys()):
        changes.append(Change("breaking", f"{path}.properties.{name}", "parameter removed: calls passing it fail"))
    for name in sorted(after.keys() - before.keys()):
        if name in is_required:
            changes.append(Change("breaking", f"{path}.properties.{name}", "new required parameter"))
        else:
            changes.append(Change("behavioural", f"{path}.properties.{name}", "new optional parameter"))
    for name in sorted(before.keys() & after.keys()):
        where = f"{path}.properties.{name}"
        if name in is_required and name not in was_required:
            changes.append(Change("breaking", where, "now required"))
        elif name in was_required and name not in is_required:
            changes.append(Change("behavioural", where, "now optional"))
        changes += _parameter(where, before[name], after[name])
    return changes + _other_keys(path, a, b, {"properties", "required"})


def _other_keys(path: str, a: dict[str, Any], b: dict[str, Any], known: set[str]) -> list[Change]:
    """Changes to keys without a rule of their own: behavioural, as they may change what clients do."""
    return [
        Change("behavioural", f"{path}.{key}", "changed", a.get(key), b.get(key))
        for key in sorted((a.keys() | b.keys()) - known)
        if a.get(key) != b.get(key)
    ]


def _parameter(path: str, a: dict[str, Any], b: dict[str, Any]) -> list[Change]:
    """One parameter's schema, key by key: narrowing what is accepted breaks the calls a client makes."""
    changes = []
    for key in sorted(a.keys() | b.keys()):
        old, new = a.get(key), b.get(key)
        if old == new:
            continue
        where = f"{path}.{key}"
        if key in _WORDING:
            changes.append(Change("cosmetic", where, "reworded", old, new))
        elif key in ("type", "enum") and new is None:
            changes.append(Change("behavioural", where, f"{key} no longer restricted", old, new))
        elif key == "type":
            changes.append(_narrowed(where, "type", (_types(old), _types(new)), old, new))
        elif key == "enum":
            changes.append(
                _narrowed(where, "values", (set(old or []), set(new or [])), old, new, unbounded=old is None)
            )
        elif key in _UPPER:
            narrower = new is not None and (old is None or new < old)
            changes.append(_bound(where, _UPPER[key], narrower, old, new))
        elif key in _LOWER:
            narrower = new is not None and (old is None or new > old)
            changes.append(_bound(where, _LOWER[key], narrower, old, new))
        elif key in ("pattern", "format") and new is not None:
            changes.append(Change("breaking", where, f"{key} {'added' if old is None else 'changed'}", old, new))
        else:
            changes.append(Change("behavioural", where, "changed", old, new))
    return changes


def _narrowed(
    where: str, noun: str, sets: tuple[set[Any], set[Any]], before: Any, after: Any, *, unbounded: bool = False
) -> Change:
    old, new = sets
    if unbounded or (old - new):
        lost = "" if unbounded else ": no longer accepts " + ", ".join(sorted(map(str, old - new)))
        return Change("breaking", where, f"{noun} narrowed{lost}", before, after)
    gained = ", ".join(sorted(map(str, new - old)))
    return Change("behavioural", where, f"{noun} widened: now also accepts {gained}", before, after)


def _bound(where: str, what: str, narrower: bool, old: Any, new: Any) -> Change:
    if narrower:
        return Change("breaking", where, f"{what} narrowed from {_shown(old)} to {_shown(new)}", old, new)
    return Change("behavioural", where, f"{what} widened from {_shown(old)} to {_shown(new)}", old, new)


def _types(value: Any) -> set[str]:
    if value is None:
        return {"any"}
    return {value} if isinstance(value, str) else set(value)


def _resources(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> list[Change]:
    before = {r["uri"]: r for r in a}
    after = {r["uri"]: r for r in b}
    changes = [Change("behavioural", f"resource {uri}", "removed") for uri in sorted(before.keys() - after.keys())]
    changes += [Change("behavioural", f"resource {uri}", "added") for uri in sorted(after.keys() - before.keys())]
    changes += [
        Change("behavioural", f"resource {uri}", "changed", before[uri], after[uri])
        for uri in sorted(before.keys() & after.keys())
        if before[uri] != after[uri]
    ]
    return changes


def _output(path: str, a: Any, b: Any, *, named: bool = False) -> list[Change]:
    """Each keyword that changed inside an output schema, and each field added or removed.

    A reworded keyword is cosmetic, any other change behavioural (what the model and a widget read is shaped
    differently). `named`: the keys of `a` and `b` are field names (under `properties`), not keywords.
    """
    if a == b:
        return []
    if not isinstance(a, dict) or not isinstance(b, dict):
        return [Change("behavioural", path, f"{_shown(a)} → {_shown(b)}", a, b)]
    changes = []
    for key in sorted(a.keys() | b.keys()):
        before, after, at = a.get(key), b.get(key), f"{path}.{key}"
        if before == after:
            continue
        if named and (before is None or after is None):
            changes.append(
                Change("behavioural", at, "field added" if before is None else "field removed", before, after)
            )
        elif not named and key in _WORDING:
            changes.append(Change("cosmetic", at, "reworded", before, after))
        else:
            changes += _output(at, before, after, named=not named and key in ("properties", "$defs"))
    return changes


def _shown(value: Any) -> str:
    return "absent" if value is None else json.dumps(value)
