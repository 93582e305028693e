"""Spec data for the mutator: base specs, the Mutant made of one, and how to walk, change and write data back.

Base specs are read as mcpgen reads YAML (1.2: only true and false are booleans, dates stay text).

A mutation (mutations.py, bombs.py) takes a base spec and a random generator and returns a Mutant: the bytes
to validate, a label saying what was done, and what else must hold (an escaping widget path must be refused;
an evil input must not take a pattern forever; a tool with a bomb in its template must survive a call).
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

NodePath = tuple[str | int, ...]
TOKEN = "TORTURE_PLACEHOLDER_7c1f"  # a plain scalar a fragment of YAML text replaces after dumping
OUTSIDE = "outside.html"  # a page one folder above each spec: a widget must not reach it
ABSOLUTE = "TORTURE_ABSOLUTE_OUTSIDE"  # replaced by the absolute path of that page when the spec is written


@dataclass(frozen=True)
class Base:
    """A good spec to start from."""

    name: str
    text: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Mutant:
    """One spec to validate: its bytes, what was done to it, and what must hold beyond a clean answer."""

    label: str
    text: bytes
    escape: bool = False  # names a file outside the spec's folder: validate must refuse it
    evil: str | None = None  # if accepted, no argument check may take long on this string (ReDoS)
    expect_valid: bool = False  # an unchanged base: validate must accept it
    call: str | None = None  # if accepted, this tool is called once (with no arguments, on memory storage)


class _Yaml12(yaml.SafeLoader):
    """YAML as mcpgen reads it: only true and false are booleans, and dates stay text."""


_Yaml12.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in entries if not tag.endswith((":bool", ":timestamp"))]
    for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}
_Yaml12.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))


def read_base(file: Path) -> Base:
    """A base spec from its file."""
    text = file.read_text(encoding="utf-8")
    return Base(file.name, text, yaml.load(text, Loader=_Yaml12))


def dumped(data: Any) -> bytes:
    """Data back to YAML text, as UTF-8 (escaped when it holds what UTF-8 cannot: lone surrogates)."""
    try:
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10**9).encode("utf-8")
    except UnicodeEncodeError:
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=False, width=10**9).encode("utf-8")


def nodes(data: Any, path: NodePath = ()) -> Iterator[tuple[NodePath, Any]]:
    """Every node below `data` with its path (the root excluded)."""
    items: list[tuple[str | int, Any]] = []
    if isinstance(data, dict):
        items = list(data.items())
    elif isinstance(data, list):
        items = list(enumerate(data))
    for key, value in items:
        yield (*path, key), value
        yield from nodes(value, (*path, key))


def text_leaves(data: Any) -> list[NodePath]:
    """The paths of every text value."""
    return [path for path, value in nodes(data) if isinstance(value, str)]


def at(data: Any, path: NodePath) -> Any:
    """The node at `path`."""
    for key in path:
        data = data[key]
    return data


def put(data: Any, path: NodePath, value: Any) -> None:
    at(data, path[:-1])[path[-1]] = value


def remove(data: Any, path: NodePath) -> None:
    del at(data, path[:-1])[path[-1]]


def pick(rng: random.Random, options: list[Any], variant: int) -> Any:
    """Option `variant` (the costly mutations go through theirs in order, most telling first), else a random one."""
    return options[variant % len(options)] if variant >= 0 else rng.choice(options)


def shown(path: NodePath) -> str:
    return ".".join(map(str, path))


def with_fragment(base: Base, rng: random.Random, fragment: str, what: str) -> Mutant:
    """The base with a random value replaced by a fragment of YAML text."""
    data = copy.deepcopy(base.data)
    path = rng.choice([p for p, _ in nodes(data)])
    put(data, path, TOKEN)
    text = dumped(data).decode("utf-8").replace(TOKEN, fragment, 1)
    return Mutant(f"{base.name}: {what} at {shown(path)}", text.encode("utf-8", "surrogatepass"))


def fields_of(data: dict[str, Any], kind: str | None = None) -> list[NodePath]:
    """The paths of the fields of every model (of one type, when `kind` is given)."""
    models = data.get("models")
    found: list[NodePath] = []
    for model, spec in models.items() if isinstance(models, dict) else ():
        fields = spec.get("fields") if isinstance(spec, dict) else None
        if not isinstance(fields, dict):
            continue
        for field, value in fields.items():
            if isinstance(value, dict) and (kind is None or value.get("type") == kind):
                found.append(("models", model, "fields", field))
    return found
