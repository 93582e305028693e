"""The cheap spec mutations, drawn at random, and `mutants`: the whole series the spec mutator validates.

Cheap ones delete and duplicate keys, put values of wrong types, break the YAML, inject strings, and give
names and references that are awkward or point at nothing.
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Callable, Iterator
from typing import Any

from tests.torture.bombs import (
    alias_bomb,
    big_enum,
    deep_nesting,
    huge_string,
    redos,
    template_bomb,
    wide,
    widget_escape,
)
from tests.torture.injections import INJECTIONS
from tests.torture.spec_data import (
    Base,
    Mutant,
    NodePath,
    at,
    dumped,
    nodes,
    put,
    remove,
    shown,
    text_leaves,
    with_fragment,
)


def delete_keys(base: Base, rng: random.Random) -> Mutant:
    """One to five keys deleted, anywhere."""
    data = copy.deepcopy(base.data)
    gone = []
    for _ in range(rng.choice([1, 1, 1, 2, 3, 5])):
        keys = [path for path, _ in nodes(data) if isinstance(path[-1], str)]
        if keys:
            path = rng.choice(keys)
            remove(data, path)
            gone.append(shown(path))
    return Mutant(f"{base.name}: deleted {', '.join(gone)}", dumped(data))


def duplicate_line(base: Base, rng: random.Random) -> Mutant:
    """A `key:` line written twice (a duplicate key), or a block of lines written twice."""
    lines = base.text.splitlines(keepends=True)
    keyed = [i for i, line in enumerate(lines) if re.match(r"^\s*[\w.-]+:", line)]
    at = rng.choice(keyed)
    size = rng.choice([1, 1, 2, 5])
    lines[at:at] = lines[at : at + size]
    return Mutant(f"{base.name}: line {at + 1} (+{size - 1}) duplicated", "".join(lines).encode())


NAMES = (
    "List_Tasks", "x" * 65, "with space", "tâche", "tаsk", "1st", "select", "order", "group", "class",  # noqa: RUF001
    "__init__", 'a"b', "a'b", "id", "rowid", "oid", "mcpgen_owner", "task__search", "sqlite_master", "", "-", ".",
)  # fmt: skip


def clone_entry(base: Base, rng: random.Random) -> Mutant:
    """A tool, model, field or widget copied under another name (an awkward one, or one that collides)."""
    data = copy.deepcopy(base.data)
    holders = [
        path
        for path, value in nodes(data)
        if isinstance(value, dict) and value and path[-1] in ("tools", "models", "fields", "widgets")
    ]
    path = rng.choice(holders)
    holder = at(data, path)
    name = rng.choice(list(holder))
    new = rng.choice([*NAMES, f"{name}_copy", str(name).upper()])
    holder[new] = copy.deepcopy(holder[name])
    return Mutant(f"{base.name}: {shown((*path, name))} cloned as {new!r}", dumped(data))


WRONG_VALUES: tuple[Any, ...] = (
    0, -1, 1.5, 10**30, -(2**63) - 1, True, False, None, "", "x", [], [1, "a"], {}, {"a": 1}, [[[]]], float("inf"),
    float("nan"), "${UNSET_TORTURE_VARIABLE}", "2026-02-30",
)  # fmt: skip


def wrong_type(base: Base, rng: random.Random) -> Mutant:
    """A value of the wrong type, anywhere."""
    data = copy.deepcopy(base.data)
    path = rng.choice([p for p, _ in nodes(data)])
    value = rng.choice(WRONG_VALUES)
    put(data, path, copy.deepcopy(value))
    return Mutant(f"{base.name}: {shown(path)} = {value!r}", dumped(data))


YAML_BREAKS = (
    ":", "{", "}", "[", "]", "&", "*", "!", "|", ">", "'", '"', "#", "%", "@", "`", "\t", "- ", "? ", ",", "\\",
    "\n---\n", "\n...\n", "!!python/object/apply:os.system ['echo pwned']", "!!python/name:os.system", "!!binary x",
    "!!set {a, b}", "!!omap [a: 1]", "<<: *nothing", "&anchor &again", "*undefined", "? [a, b]\n: c\n", "%YAML 1.1\n",
    "%TAG ! tag:x,2000:\n", "!<tag:yaml.org,2002:int> x", "\x00", "\ufeff", "\x85", "\u2028",
)  # fmt: skip


def break_yaml(base: Base, rng: random.Random) -> Mutant:
    """YAML breakage: a stray character or construct, a truncation, a line moved or reindented, bad bytes."""
    text = base.text.encode("utf-8")
    at = rng.randrange(len(text))
    how = rng.choice(["insert", "insert", "delete", "truncate", "indent", "swap", "bytes", "crlf", "utf16"])
    if how == "insert":
        piece = rng.choice(YAML_BREAKS)
        text = text[:at] + piece.encode() + text[at:]
        how = f"insert {piece!r}"
    elif how == "delete":
        text = text[:at] + text[at + rng.randint(1, 20) :]
    elif how == "truncate":
        text = text[:at]
    elif how in ("indent", "swap"):
        lines = text.split(b"\n")
        line = rng.randrange(len(lines))
        if how == "indent":
            lines[line] = rng.choice([b" ", b"\t", b""]) + lines[line][rng.choice([0, 0, 1, 2]) :]
        else:
            other = rng.randrange(len(lines))
            lines[line], lines[other] = lines[other], lines[line]
        text = b"\n".join(lines)
    elif how == "bytes":
        raw = rng.choice([b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80", b"\xe2\x82"])
        text = text[:at] + raw + text[at:]
        how = f"bytes {raw!r}"
    elif how == "crlf":
        text = text.replace(b"\n", rng.choice([b"\r\n", b"\r"]))
    else:
        text = base.text.encode("utf-16")
    return Mutant(f"{base.name}: YAML broken ({how} at byte {at})", text)


def inject(base: Base, rng: random.Random, path: NodePath | None = None, string: str | None = None) -> Mutant:
    """An injection string in a text field: replacing it, or appended to it."""
    data = copy.deepcopy(base.data)
    path = path if path is not None else rng.choice(text_leaves(data))
    string = string if string is not None else rng.choice(INJECTIONS)
    old = at(data, path)
    value = string if rng.random() < 0.5 else f"{old}{string}"
    put(data, path, value)
    return Mutant(f"{base.name}: {shown(path)} = {value[:60]!r}", dumped(data))


ENV_STRINGS = (
    "${UNSET_TORTURE_VARIABLE}", "${HOME}", "${A:-${B:-c}}", "${", "$${X}", "${X:?error}", "${ X }", "${X:-}",
    "${1}", "${X-y}", "$X", "${" + "X" * 5000 + "}", "${X:-" + "y" * 100000 + "}",
)  # fmt: skip


def env_string(base: Base, rng: random.Random) -> Mutant:
    """A ${VAR} interpolation, odd or broken, in a text field."""
    data = copy.deepcopy(base.data)
    path = rng.choice(text_leaves(data))
    value = rng.choice(ENV_STRINGS)
    put(data, path, value)
    return Mutant(f"{base.name}: {shown(path)} = {value[:40]!r}", dumped(data))


UNICODE_SCALARS = (
    '"\\ud800"', '"a\\udfffb"', '"\\ud83d"', '"\\x00"', '"\\u202e\\u200b"', '"\\uffff\\ufffe"', '"\\U0010ffff"',
    '"\\0\\a\\b\\e"', '"\\N\\_\\L\\P"', '"\\x7f\\x9f"',
)  # fmt: skip


def unicode_value(base: Base, rng: random.Random) -> Mutant:
    """A double-quoted value with escapes: lone surrogates, NUL, bidi overrides, non-characters."""
    return with_fragment(base, rng, rng.choice(UNICODE_SCALARS), "escaped Unicode")


def rename(base: Base, rng: random.Random) -> Mutant:
    """A tool, model or field renamed to an awkward name (what referred to it now refers to nothing)."""
    data = copy.deepcopy(base.data)
    holders = [
        path
        for path, value in nodes(data)
        if isinstance(value, dict) and value and path[-1] in ("tools", "models", "fields")
    ]
    path = rng.choice(holders)
    holder = at(data, path)
    old = rng.choice(list(holder))
    new = rng.choice(NAMES)
    holder[new] = holder.pop(old)
    return Mutant(f"{base.name}: {shown((*path, old))} renamed {new!r}", dumped(data))


NUMBERS: tuple[Any, ...] = (-1, 0, 1, 10**20, 2**63, -(2**63) - 1, 1.5, "10", 1e308, -0.0)


def number(base: Base, rng: random.Random) -> Mutant:
    """A number (a limit, a length, the format version) made negative, zero, huge, fractional or text."""
    data = copy.deepcopy(base.data)
    numeric = [p for p, v in nodes(data) if isinstance(v, int | float) and not isinstance(v, bool)]
    if not numeric:
        return wrong_type(base, rng)
    path = rng.choice(numeric)
    value = rng.choice(NUMBERS)
    put(data, path, value)
    return Mutant(f"{base.name}: {shown(path)} = {value!r}", dumped(data))


REFERRING = ("model", "display", "group_by", "field", "order_by", "fields", "filters", "expand", "widget", "handler")


def reference(base: Base, rng: random.Random) -> Mutant:
    """A reference (model, field, widget, handler) to something that is not there, or an injection."""
    data = copy.deepcopy(base.data)
    paths = [
        p for p, v in nodes(data) if isinstance(v, str) and any(key in REFERRING for key in p if isinstance(key, str))
    ]
    if not paths:
        return inject(base, rng)
    path = rng.choice(paths)
    old: str = at(data, path)
    value = rng.choice(
        [old + "s", old[:-1], old.upper(), "", "os:system", "../x:y", *NAMES[:6], rng.choice(INJECTIONS)]
    )
    put(data, path, value)
    return Mutant(f"{base.name}: {shown(path)} = {value[:40]!r}", dumped(data))


Mutation = Callable[[Base, random.Random], Mutant]
CostlyMutation = Callable[[Base, random.Random, int], Mutant]
CHEAP: dict[Mutation, int] = {  # drawn at random by these weights
    delete_keys: 10, duplicate_line: 6, clone_entry: 5, wrong_type: 12, break_yaml: 12, inject: 8, env_string: 4,
    unicode_value: 5, rename: 5, number: 5, reference: 6, huge_string: 2, alias_bomb: 1, deep_nesting: 1,
}  # fmt: skip
COSTLY: tuple[CostlyMutation, ...] = (
    template_bomb,
    big_enum,
    redos,
    widget_escape,
    wide,
    alias_bomb,
    deep_nesting,
    huge_string,
)


def mutants(bases: list[Base], count: int, rng: random.Random, *, costly: int) -> Iterator[Mutant]:
    """`count` mutants: the bases as they are, an injection in every text field (a sample if count is small),
    the first `costly` variants of each costly mutation, the rest drawn from the cheap ones."""
    produced = 0
    for base in bases:
        yield Mutant(f"{base.name}: unchanged", base.text.encode(), expect_valid=True)
        produced += 1
    every = [(base, path) for base in bases for path in text_leaves(base.data)]
    if len(every) > count // 3:
        every = rng.sample(every, count // 3)
    for i, (base, path) in enumerate(every):
        yield inject(base, rng, path, INJECTIONS[i % len(INJECTIONS)])
        produced += 1
    with_widgets = [base for base in bases if base.data.get("widgets")] or bases
    for costly_mutation in COSTLY:
        for variant in range(costly):
            base = rng.choice(with_widgets if costly_mutation is widget_escape else bases)
            yield costly_mutation(base, rng, variant)
            produced += 1
    kinds, weights = list(CHEAP), list(CHEAP.values())
    while produced < count:
        mutation = rng.choices(kinds, weights)[0]
        yield mutation(rng.choice(bases), rng)
        produced += 1
