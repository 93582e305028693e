"""YAML text → plain data plus the line and column of every key and value, with ${VAR} interpolation."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml._yaml import CParser  # libyaml's, which PyYAML's wheels include

from mcpgen.errors import Problem
from mcpgen.runtime.env import VARIABLE, expand

Path = tuple[str | int, ...]
_MAP, _SEQ, _NULL = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:null"
_SURROGATE = re.compile("[\ud800-\udfff]")  # `"\ud800"` in YAML: text no file, header or database can hold
_MAX_VALUES = 100_000  # aliases can expand a small file into a huge one ("billion laughs")
MAX_DEPTH = 64  # lists and mappings inside each other; a spec needs about ten, and reading each level recurses


@dataclass
class Positions:
    """Where each part of the spec stands in the user's file (1-based line and column)."""

    file: str
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    # `|` blocks: the line and column where the text itself starts, so a line inside it can be located.
    blocks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    # Values the loader reported (an unset ${VAR}, an unreadable value): later checks stay quiet about them.
    reported: set[Path] = field(default_factory=set)
    # Text values as written, before their ${VAR}s were resolved (only those that had one).
    written: dict[Path, str] = field(default_factory=dict)
    # Mappings written in `{...}`, where a comma or ': ' in unquoted text ends the text.
    flow: set[Path] = field(default_factory=set)

    def at(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """The position of `path` (its key when asked), else of its nearest located ancestor."""
        while True:
            found = (self.keys if key else self.values).get(path) or self.values.get(path)
            if found or not path:
                return found or (1, 1)
            path = path[:-1]

    def in_text(self, path: Path, line: int) -> tuple[int, int]:
        """Where line `line` (1-based) of a text value stands: exact in `|` blocks, else the value's start."""
        block = self.blocks.get(path)
        if block is None:
            return self.at(path)
        return block[0] + max(line, 1) - 1, block[1]

    def problem(self, path: Path, message: str, hint: str = "", *, key: bool = False) -> Problem:
        """A Problem located at `path` (its key when asked)."""
        line, column = self.at(path, key=key)
        return Problem(self.file, line, column, dotted(path), message, hint)


def dotted(path: Path) -> str:
    """`('tools', 'move_task', 'fields', 0)` → `tools.move_task.fields[0]`."""
    return ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(".[", "[")


@dataclass
class Document:
    """Parsed YAML: the data, where each part of it is, and the problems found on the way."""

    data: Any
    positions: Positions
    problems: list[Problem]


class _TooDeep(Exception):
    """The document nests lists and mappings deeper than MAX_DEPTH; `mark` is where it gets too deep."""

    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__(mark)
        self.mark = mark


class _Nesting(yaml.composer.Composer):
    """Nesting counted as nodes are composed, so that a deep document stops at MAX_DEPTH, located.

    It stops before PyYAML's composer (one recursion per level) runs out of stack.
    """

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        """The next node; _TooDeep when it opens a list or mapping past MAX_DEPTH."""
        # the classes themselves: libyaml's parser matches event classes exactly, not their bases
        if not self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):  # type: ignore[attr-defined]
            return super().compose_node(parent, index)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _TooDeep(self.peek_event().start_mark)  # type: ignore[attr-defined]
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Loader(_Nesting, yaml.SafeLoader):
    """YAML as editors read it (1.2): only true and false are booleans, and dates stay text."""


class _FastLoader(_Nesting, CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """_Loader's reading with libyaml's scanner and parser, in C: ten times faster on a big spec."""

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)


def _yaml12_resolvers() -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
    boolean, timestamp = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"
    resolvers = {}
    for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items():
        kept = [(tag, regexp) for tag, regexp in entries if tag not in (boolean, timestamp)]
        if first in ("t", "T", "f", "F"):
            kept.append((boolean, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")))
        resolvers[first] = kept
    return resolvers


_Loader.yaml_implicit_resolvers = _FastLoader.yaml_implicit_resolvers = _yaml12_resolvers()


def _compose(text: str) -> yaml.Node | None:
    """The document's node tree, read by libyaml; text it refuses is read again by PyYAML, whose errors we word."""
    try:
        return _read(_FastLoader(text))
    except yaml.YAMLError:
        return _read(_Loader(text))


def _read(loader: _Nesting) -> yaml.Node | None:
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()  # type: ignore[attr-defined]


def load_document(text: str, file: str, env: Mapping[str, str] | None = None) -> Document:
    """Parse YAML text; syntax errors, duplicate keys and unset variables become problems."""
    positions = Positions(file)
    try:
        node = _compose(text)
    except _TooDeep as exc:
        line, column = exc.mark.line + 1, exc.mark.column + 1
        hint = "a spec needs only a few levels: is a [ or { left open?"
        return Document(None, positions, [Problem(file, line, column, "", _TOO_DEEP, hint)])
    except yaml.YAMLError as exc:
        return Document(None, positions, [_syntax_problem(exc, file, text)])
    builder = _Builder(positions, os.environ if env is None else env, text)
    data = builder.build(node, ()) if node is not None else None
    return Document(data, positions, builder.problems)


_TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels"
_SYNTAX_HINTS = {
    "'\\t'": "indent with spaces: YAML does not allow tabs",
    "mapping values are not allowed here": "put text that contains ': ' in quotes",
    "found another document": "a spec is one YAML document: remove the extra '---'",
}
_CONTEXTS = {"quoted scalar": "quoted text", "flow mapping": "{...} mapping", "flow sequence": "[...] list"}


def _syntax_problem(exc: yaml.YAMLError, file: str, text: str) -> Problem:
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow; no mark, an index
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = f"YAML syntax error: the character U+{code:04X} is not allowed"
        return Problem(file, line, column, "", message, "remove it: YAML holds printable text")
    if not isinstance(exc, yaml.MarkedYAMLError):
        return Problem(file, 1, 1, "", f"YAML syntax error: {exc}")
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem, context = exc.problem or "", exc.context or ""
    hint = next((hint for clue, hint in _SYNTAX_HINTS.items() if clue in problem), "")
    same_line = exc.context_mark is not None and exc.context_mark.line + 1 == line
    if problem.endswith("but got ':'") and same_line:  # {description: Use this: …}
        hint = "in {...}, put text that contains ': ' in quotes"
    if problem.startswith("expected <block end>"):
        problem = "this line is indented differently from the lines above it"
        hint = "line up the keys of one mapping, and the items of one list, using spaces"
    elif problem.startswith("but "):  # the context says what was expected
        problem = f"{context}, {problem}"
    elif context and exc.context_mark and not hint and exc.context_mark.line + 1 != line:
        for term, plain in _CONTEXTS.items():
            context = context.replace(term, plain)
        context = re.sub(r"^while (parsing|scanning) an? ", "in the ", context)
        hint = f"{context} that starts at line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1}"
    return Problem(file, line, column, "", f"YAML syntax error: {problem}", hint)


class _Builder:
    def __init__(self, positions: Positions, env: Mapping[str, str], text: str) -> None:
        self.positions = positions
        self.env = env
        self.lines = text.splitlines()
        self.problems: list[Problem] = []
        self.constructor = _Loader("")
        self.count = 0
        self.too_deep = False
        self.open: set[int] = set()  # ids of the nodes being built: an alias to one of them is a cycle

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.positions.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if len(path) >= MAX_DEPTH and not isinstance(node, yaml.ScalarNode):  # aliases can nest past the composer
            if not self.too_deep:  # said once; the deeper values are not read
                self.too_deep = True
                self.report(path, _TOO_DEEP, "aliases nest it this deep; a spec needs only a few levels")
            return None
        self.count += 1
        if self.count > _MAX_VALUES:  # said once; what is left of the document is not read
            if self.count == _MAX_VALUES + 1:
                self.report(path, f"cannot read this value: aliases expand it past {_MAX_VALUES} values", key=True)
            return None
        if id(node) in self.open:
            self.report(path, "cannot read this value: an alias refers to the value that contains it", key=True)
            return None
        if not isinstance(node, yaml.ScalarNode) and node.tag not in (_MAP, _SEQ):
            self.report(path, f"cannot read this value: unknown tag '{_short(node.tag)}'", "remove the tag")
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            return self.scalar(node, path)
        finally:
            self.open.discard(id(node))

    def mapping(self, node: yaml.MappingNode, path: Path) -> dict[Any, Any]:
        written = {id(key) for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge"}
        if node.flow_style:
            self.positions.flow.add(path)
        try:
            self.constructor.flatten_mapping(node)  # resolves `<<:` merge keys
        except yaml.YAMLError as exc:
            self.report(path, f"cannot merge: {getattr(exc, 'problem', exc)}")
        result: dict[Any, Any] = {}
        merged: set[Any] = set()  # keys that came from `<<:`, which the mapping's own keys override
        for key_node, value_node in node.value:
            line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if not isinstance(key_node, yaml.ScalarNode):
                message = "a key must be a name, not a list or a mapping"
                self.problems.append(Problem(self.positions.file, line, column, dotted(path), message))
                continue
            key = self.scalar(key_node, path, interpolate=False)
            if key is None and key_node.tag != _NULL:
                continue  # it could not be read: reported
            at = (*path, str(key))
            if key in result and key not in merged:
                first = self.positions.keys[at][0]
                message, hint = f"duplicate key '{key}'", f"it is already on line {first}"
                self.problems.append(Problem(self.positions.file, line, column, dotted(at), message, hint))
                continue
            if id(key_node) not in written:
                merged.add(key)
            else:
                merged.discard(key)
            self.positions.keys[at] = (line, column)
            result[key] = self.build(value_node, at)
        return result

    def scalar(self, node: yaml.Node, path: Path, *, interpolate: bool = True) -> Any:
        try:
            value = self.constructor.construct_object(node)
        except (yaml.YAMLError, ValueError):  # an unknown tag, or `!!int abc`
            tag = _short(node.tag)
            reason = f"'{node.value}' is not a valid {tag}" if tag.startswith("!!") else f"unknown tag '{tag}'"
            if interpolate:
                self.report(path, f"cannot read this value: {reason}", "remove the tag")
            else:
                line, column = node.start_mark.line + 1, node.start_mark.column + 1
                message = f"cannot read this key: {reason}"
                self.problems.append(
                    Problem(self.positions.file, line, column, dotted(path), message, "remove the tag")
                )
            return None
        if isinstance(value, str) and _SURROGATE.search(value):
            line, column = node.start_mark.line + 1, node.start_mark.column + 1
            message = "not valid Unicode: a lone surrogate (a \\ud800-\\udfff escape not in a pair)"
            hint = "write the character itself, or its \\U0001xxxx escape"
            self.problems.append(Problem(self.positions.file, line, column, dotted(path), message, hint))
            value = _SURROGATE.sub("\ufffd", value)
        if interpolate and isinstance(node, yaml.ScalarNode) and node.style == "|":
            self.positions.blocks[path] = self.block_start(node)
        return self.interpolate(value, path) if interpolate and isinstance(value, str) else value

    def report(self, path: Path, message: str, hint: str = "", *, key: bool = False) -> None:
        self.positions.reported.add(path)
        self.problems.append(self.positions.problem(path, message, hint, key=key))

    def block_start(self, node: yaml.ScalarNode) -> tuple[int, int]:
        """The first line after a `|` indicator, and the column of its text."""
        index = node.start_mark.line + 1
        while index < len(self.lines) and not self.lines[index].strip():
            index += 1
        text = self.lines[index] if index < len(self.lines) else ""
        return node.start_mark.line + 2, len(text) - len(text.lstrip(" ")) + 1

    def interpolate(self, text: str, path: Path) -> str:
        if not VARIABLE.search(text):
            return text
        self.positions.written[path] = text
        value, missing = expand(text, self.env)
        for name in missing:
            self.report(path, f"environment variable '{name}' is not set", f"set it, or write ${{{name}:-default}}")
        return value


def _short(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")
