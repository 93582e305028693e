"""The costly spec mutations: bombs, huge strings and enums, backtracking patterns, escaping paths, wide specs.

Bombs are aliases of aliases, nesting thousands deep and Jinja templates that would never end. Each mutation
goes through its variants in order, most telling first, so that even the short mode tries the known holes.
"""

from __future__ import annotations

import copy
import random
from typing import Any

from tests.torture.spec_data import (
    ABSOLUTE,
    OUTSIDE,
    Base,
    Mutant,
    at,
    dumped,
    fields_of,
    nodes,
    pick,
    put,
    shown,
    text_leaves,
    with_fragment,
)


def unchanged(base: Base, why: str) -> Mutant:
    """The base as it is, when a mutation finds nothing to change in it."""
    return Mutant(f"{base.name}: unchanged ({why})", base.text.encode(), expect_valid=True)


def alias_bomb(base: Base, rng: random.Random, variant: int = -1) -> Mutant:
    """A billion laughs (aliases of aliases), unused or where a value goes; or an alias of itself."""
    how = pick(rng, ["used", "recursive", "unused", "recursive map"], variant)
    if how.startswith("recursive"):
        fragment = "&loop {a: *loop}" if how == "recursive map" else "&loop [*loop, *loop]"
        return with_fragment(base, rng, fragment, f"alias bomb ({how})")
    levels = ["lol0: &lol0 [" + ", ".join(['"lol"'] * 9) + "]"]
    for level in range(1, 10):
        levels.append(f"lol{level}: &lol{level} [" + ", ".join([f"*lol{level - 1}"] * 9) + "]")
    bomb = "\n".join(levels)
    if how == "unused":
        return Mutant(f"{base.name}: alias bomb (unused keys)", (base.text + "\n" + bomb + "\n").encode())
    mutant = with_fragment(base, rng, "*lol9", "alias bomb")
    return Mutant(mutant.label, bomb.encode() + b"\n" + mutant.text)


NESTINGS = [("map", 1000), ("list", 5000), ("block", 2000), ("list", 100000), ("map", 20000), ("list", 200)]


def deep_nesting(base: Base, rng: random.Random, variant: int = -1) -> Mutant:
    """A value nested thousands deep: flow lists, flow maps, or a block of mappings at the end of the file."""
    how, depth = pick(rng, NESTINGS, variant)
    if how == "block":
        depth = min(depth, 2000)
        block = "".join(" " * level + f"k{level}:\n" for level in range(depth))
        return Mutant(f"{base.name}: block mappings {depth} deep", (base.text + "\ndeep:\n" + block).encode())
    fragment = "[" * depth + "]" * depth if how == "list" else "{a: " * depth + "b" + "}" * depth
    return with_fragment(base, rng, fragment, f"flow {how}s {depth} deep")


def huge_string(base: Base, rng: random.Random, variant: int = -1) -> Mutant:
    """A text value, or a key, of up to a million characters (YAML parses some 0.5 MB a second: it is linear)."""
    data = copy.deepcopy(base.data)
    size = pick(rng, [10**6, 10**5, 10**4], variant)
    piece = rng.choice(["x", "ab ", "é", "\U0001f600", "{{ x }}", "${X}"])
    huge = (piece * (size // len(piece) + 1))[:size]
    if rng.random() < 0.3:
        holders = [path for path, value in nodes(data) if isinstance(value, dict) and value]
        path = rng.choice(holders)
        holder = at(data, path)
        key = rng.choice(list(holder))
        holder[huge] = holder.pop(key)
        return Mutant(f"{base.name}: key {shown((*path, key))} made {size} characters of {piece!r}", dumped(data))
    path = rng.choice(text_leaves(data))
    put(data, path, huge)
    return Mutant(f"{base.name}: {shown(path)} made {size} characters of {piece!r}", dumped(data))


BARE = ("list", "count", "board")  # actions whose tools can be called without arguments
TEMPLATE_BOMBS = (
    "{{ 'x' * 10**9 }}",
    "{{ 9**9**9 }}",
    "{{ range(10**9) | list | length }}",
    "{% for i in range(10**8) %}{% endfor %}",
    "{% for a in range(10**4) %}{% for b in range(10**4) %}.{% endfor %}{% endfor %}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('echo pwned').read() }}",
    "{{ lipsum.__globals__['os'].system('echo pwned') }}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
)


def template_bomb(base: Base, rng: random.Random, variant: int = -1) -> Mutant:
    """A Jinja bomb or sandbox escape as the response template of a tool that needs no arguments (it is called
    once the spec validates), or as a templated url."""
    data = copy.deepcopy(base.data)
    tools = data.get("tools") if isinstance(data.get("tools"), dict) else {}
    if not tools:
        return unchanged(base, "no tools")
    bomb = pick(rng, list(TEMPLATE_BOMBS), variant)
    callable_bare = [name for name, tool in tools.items() if isinstance(tool, dict) and tool.get("action") in BARE]
    if callable_bare and rng.random() < 0.8:
        name = rng.choice(callable_bare)
        tools[name]["response"] = bomb
        return Mutant(f"{base.name}: tools.{name}.response = {bomb!r}", dumped(data), call=name)
    name = rng.choice(list(tools))
    key = "url" if "url" in tools[name] else "response"
    tools[name][key] = bomb
    return Mutant(f"{base.name}: tools.{name}.{key} = {bomb!r}", dumped(data))


def big_enum(base: Base, rng: random.Random, variant: int = -1) -> Mutant:
    """An enum of 20,000 to 50,000 values (or a field made one)."""
    data = copy.deepcopy(base.data)
    fields = fields_of(data, "enum") or fields_of(data)
    if not fields:
        return unchanged(base, "nothing to put it on")
    path = rng.choice(fields)
    size = pick(rng, [20000, 50000], variant)
    field: dict[str, Any] = {"type": "enum", "values": [f"value_{i}" for i in range(size)]}
    if rng.random() < 0.5:
        field["default"] = f"value_{size - 1}"
    put(data, path, field)
    return Mutant(f"{base.name}: {shown(path)} an enum of {size} values", dumped(data))


REDOS = ("^(a+)+$", "^(a|aa)+$", "^(a|a?)+$", "^(\\w+\\s?)*$", "^(([a-z])+.)+[A-Z]([a-z])+$", "(x+x+)+y")
EVIL = "a" * 40 + "!"


REDOS_WAYS = [(pattern, how) for pattern in REDOS for how in ("pattern only", "examples", "default")]


def redos(base: Base, rng: random.Random, variant: int = -1) -> Mutant:
    """A string field with a catastrophically backtracking pattern; its example or default is the evil input."""
    data = copy.deepcopy(base.data)
    fields = fields_of(data, "string")
    if not fields:
        return unchanged(base, "nothing to put it on")
    path = rng.choice(fields)
    pattern, how = pick(rng, REDOS_WAYS, variant)
    field = {"type": "string", "pattern": pattern, "max_length": 200}
    if how == "examples":
        field["examples"] = [EVIL]
    elif how == "default":
        field["default"] = EVIL
    put(data, path, field)
    return Mutant(f"{base.name}: {shown(path)}.pattern = {pattern!r} ({how})", dumped(data), evil=EVIL)


def widget_escape(base: Base, rng: random.Random, variant: int = -1) -> Mutant:
    """A widget's html pointing outside the spec's folder, at a file that exists there."""
    data = copy.deepcopy(base.data)
    widgets = data.get("widgets")
    if not isinstance(widgets, dict) or not widgets:
        return unchanged(base, "nothing to put it on")
    name = rng.choice(list(widgets))
    where = pick(rng, [f"../{OUTSIDE}", ABSOLUTE, f"widgets/../../{OUTSIDE}", f"./../{OUTSIDE}"], variant)
    widgets[name]["html"] = where
    return Mutant(f"{base.name}: widgets.{name}.html = {where!r}", dumped(data), escape=True)


def wide(base: Base, rng: random.Random, variant: int = -1) -> Mutant:
    """A model with hundreds or thousands of fields, or hundreds of tools."""
    data = copy.deepcopy(base.data)
    size, fields_first = pick(rng, [(1000, True), (900, False), (2500, True), (300, True)], variant)
    models = data.get("models")
    if isinstance(models, dict) and models and fields_first:
        model = rng.choice(list(models))
        fields = models[model].setdefault("fields", {}) if isinstance(models[model], dict) else None
        if isinstance(fields, dict):
            for i in range(size):
                fields[f"extra_{i}"] = {"type": rng.choice(["string", "integer", "text", "boolean"])}
            return Mutant(f"{base.name}: models.{model} given {size} more fields", dumped(data))
    tools = data.get("tools")
    if not isinstance(tools, dict) or not tools:
        return unchanged(base, "nothing to put it on")
    name = rng.choice(list(tools))
    for i in range(size // 3):
        tools[f"{name}_{i}"] = copy.deepcopy(tools[name])
    return Mutant(f"{base.name}: tools.{name} copied {size // 3} times", dumped(data))
