"""Turns parsed YAML into a Spec, collecting every problem: shape errors and broken cross-references."""

from __future__ import annotations

import functools
import re
import types
import typing
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

import jinja2
import jsonschema
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

# `import mcpgen.fields`, not `from ... import`: fields imports the spec models, so when it is imported
# first this module runs while it is half-initialised, and its functions are only looked up when checking.
import mcpgen.fields
from mcpgen.errors import Problem, closest, did_you_mean
from mcpgen.spec.loader import Path, Positions, dotted
from mcpgen.spec.model import IDENTIFIER, FieldSpec, ModelSpec, Spec, ToolSpec

TOOL_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
HINT_KEYS = ("read_only", "destructive", "idempotent", "open_world")
_Model = TypeVar("_Model", bound=BaseModel)

if typing.TYPE_CHECKING:
    from mcpgen.actions import Action


def check(data: Any, positions: Positions) -> tuple[Spec | None, list[Problem]]:
    """Validates the data; returns the Spec (None if any problem) and every problem found."""
    if not isinstance(data, dict):
        return None, [positions.problem((), "a spec is a YAML mapping of keys such as name, models and tools")]
    problems: list[Problem] = []
    spec: Spec | None = None
    try:
        spec = Spec.model_validate(data)
    except ValidationError as exc:
        problems += _shape_problems(exc.errors(), data, positions)
    # The registries import the spec models and the storage protocol, which imports this package: they are
    # looked up when a spec is checked, so that importing any module first works.
    from mcpgen.actions import ACTIONS  # noqa: PLC0415 -- see above
    from mcpgen.storage import BACKENDS  # noqa: PLC0415

    checker = _CrossCheck(positions, data.get("models"), ACTIONS, set(BACKENDS))
    problems += checker.storage(data.get("storage"))
    problems += checker.models()
    for name, entry in _entries(data.get("tools")):
        tool = _salvage(ToolSpec, entry, fill={"description": ""})
        if tool is not None:
            problems += checker.tool(name, tool)
    reported = {dotted(path) for path in positions.reported}  # e.g. an unset ${VAR}: the loader said so
    problems = [problem for problem in problems if problem.path not in reported]
    return (spec if not problems else None), problems


def _entries(mapping: Any) -> Iterator[tuple[str, Any]]:
    """The named entries of a mapping (names that are not text are reported as shape problems)."""
    if isinstance(mapping, dict):
        yield from ((name, entry) for name, entry in mapping.items() if isinstance(name, str))


def _validated(kind: type[_Model], entry: Any) -> _Model | None:
    try:
        return kind.model_validate(entry)
    except ValidationError:
        return None


def _salvage(kind: type[_Model], entry: Any, fill: dict[str, Any] | None = None) -> _Model | None:
    """The entry validated without its invalid keys, so that one mistake hides no other; None if hopeless."""
    if not isinstance(entry, dict):
        return None
    try:
        return kind.model_validate(entry)
    except ValidationError as exc:
        bad = {error["loc"][0] for error in exc.errors() if error["loc"]}
    return _validated(kind, {**(fill or {}), **{k: v for k, v in entry.items() if k not in bad}})


# --- shape problems: pydantic's errors, in the user's words and at the user's positions ---

_SHAPES = {
    "model_type": "expected a mapping (key: value)",
    "dict_type": "expected a mapping (key: value)",
    "list_type": "expected a list",
    "string_type": "expected text",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
}


def _name_hint(name: Any, *, slug: bool) -> str:
    """How to write a name: lowercase letters, digits, '_' (and '-' in slugs), with a fixed-up example."""
    allowed = "digits, '-' and '_'" if slug else "digits and '_'"
    hint = f"use lowercase letters, {allowed}, starting with a letter"
    separator = "-" if slug else "_"
    fixed = re.sub(r"[^a-z0-9_-]+" if slug else r"[^a-z0-9_]+", separator, str(name).lower()).strip("-_")
    return hint + f", e.g. '{fixed}'" if re.match(r"^[a-z]", fixed) and fixed != name else hint


def _shape_problems(errors: list[ErrorDetails], data: Any, positions: Positions) -> Iterator[Problem]:
    located = [(*_locate(error["loc"], data), error) for error in errors]
    # A missing key that an unknown key in the same mapping misspells is said once, by the unknown key.
    misspelt = set()
    for path, _, error in located:
        guess = closest(str(path[-1]), _keys_at(path[:-1])) if error["type"] == "extra_forbidden" else None
        if guess:
            misspelt.add((*path[:-1], guess))
    for path, is_key, error in located:
        if not (error["type"] == "missing" and path in misspelt):
            yield _shape_problem(path, is_key, error, positions)


def _locate(loc: tuple[str | int, ...], data: Any) -> tuple[Path, bool]:
    """pydantic's location as a path in the user's data, and whether the error is about a mapping key."""
    path: list[str | int] = []
    current = data
    for part in loc:
        if part == "[key]":
            return tuple(path), True
        if isinstance(current, dict):
            key = next((key for key in current if str(key) == str(part)), part)
            path.append(str(key))
            current = current.get(key)
        else:
            path.append(part)
            fits = isinstance(current, list) and isinstance(part, int) and part < len(current)
            current = current[part] if fits else None
    return tuple(path), False


def _shape_problem(path: Path, is_key: bool, error: ErrorDetails, positions: Positions) -> Problem:
    kind, value, last = error["type"], error["input"], str(path[-1]) if path else ""
    if is_key:
        return positions.problem(path, f"the key {_shown(value)} is not text", "put it in quotes", key=True)
    if kind == "extra_forbidden":
        return positions.problem(path, f"unknown key '{last}'", did_you_mean(last, _keys_at(path[:-1])), key=True)
    if kind == "missing":
        return positions.problem(path[:-1], f"missing required key '{last}'", _missing_hint(path))
    if kind == "literal_error":
        choices = [str(choice) for choice in typing.get_args(_annotation_at(path))]
        if last == "mcpgen":
            return positions.problem(path, f"unsupported spec version {_shown(value)}", "write mcpgen: 1")
        what = "unknown field type" if last == "type" else "unknown value"
        return positions.problem(path, f"{what} {_shown(value)}", did_you_mean(str(value), choices))
    if kind == "string_pattern_mismatch" and path == ("name",):
        return positions.problem(path, f"{_shown(value)} is not a valid name", _name_hint(value, slug=True))
    if kind == "greater_than_equal":
        return positions.problem(path, f"must be at least {error.get('ctx', {}).get('ge')}, not {_shown(value)}")
    if kind not in _SHAPES:
        return positions.problem(path, error["msg"][0].lower() + error["msg"][1:])
    hint = ""
    if kind == "string_type" and isinstance(value, int | float):
        hint = "put it in quotes"
    elif kind == "list_type" and isinstance(value, str):
        hint = f"write [{value}]"
    elif kind == "model_type" and len(path) == 4 and path[2] == "fields" and isinstance(value, str):
        hint = f"write {last}: {{type: {value}}}"
    return positions.problem(path, f"{_SHAPES[kind]}, not {_shown(value)}", hint)


def _missing_hint(path: Path) -> str:
    owner = _annotation_at(path[:-1])
    info = owner.model_fields.get(str(path[-1])) if _is_model(owner) else None
    choices = typing.get_args(_unwrap(info.annotation)) if info and _is_literal(info.annotation) else ()
    if len(choices) == 1:
        return f"write {path[-1]}: {choices[0]}"
    if choices:
        return "one of: " + ", ".join(map(str, choices))
    description = re.sub(r"\s*\(.*\)$", "", (info.description or "").rstrip(".")) if info else ""
    return description[:1].lower() + description[1:]


def _shown(value: Any) -> str:
    """A value as the user wrote it, briefly."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict | list):
        return "a mapping" if isinstance(value, dict) else "a list"
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 40 else f"'{value[:37]}...'"
    return str(value)


def _annotation_at(path: Path) -> Any:
    """What the spec models expect at `path` (a model class, a type, a Literal), or None."""
    current: Any = Spec
    for part in path:
        if _is_model(current):
            info = current.model_fields.get(str(part))
            if info is None:
                return None
            current = _unwrap(info.annotation)
        elif typing.get_origin(current) in (dict, list):
            current = _unwrap(typing.get_args(current)[-1])
        else:
            return None
    return current


def _keys_at(path: Path) -> list[str]:
    owner = _annotation_at(path)
    return list(owner.model_fields) if _is_model(owner) else []


def _is_model(annotation: Any) -> typing.TypeGuard[type[BaseModel]]:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _is_literal(annotation: Any) -> bool:
    return typing.get_origin(_unwrap(annotation)) is typing.Literal


def _unwrap(annotation: Any) -> Any:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return next(arg for arg in typing.get_args(annotation) if arg is not type(None))
    return annotation


# --- cross-references: what pydantic cannot see ---

_NUMERIC, _TEXTUAL = frozenset({"integer", "number"}), frozenset({"string", "text"})
_FOR_TYPES = {  # field keys that apply to some types only
    "values": frozenset({"enum"}),
    "min": _NUMERIC,
    "max": _NUMERIC,
    "min_length": _TEXTUAL,
    "max_length": _TEXTUAL,
    "pattern": _TEXTUAL,
    "auto": frozenset({"datetime"}),
}
_INSTEAD = {"min_length": "min", "max_length": "max", "min": "min_length", "max": "max_length"}
_EXPECTED = {
    "id": "a whole number",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "date": "a date as YYYY-MM-DD",
    "datetime": "a date and time such as 2026-01-31T09:30:00Z",
}


@functools.cache
def _formats() -> jsonschema.FormatChecker:
    formats = jsonschema.FormatChecker(formats=())
    formats.checks("date")(mcpgen.fields.is_date)
    formats.checks("date-time")(mcpgen.fields.is_datetime)
    return formats


class _CrossCheck:
    def __init__(self, positions: Positions, models: Any, actions: dict[str, Action], backends: set[str]) -> None:
        self.at = positions
        self.actions, self.backends = actions, backends
        self.raw: dict[str, Any] = dict(_entries(models))
        self.specs: dict[str, ModelSpec] = {}
        self.broken: dict[str, set[str]] = {}  # per model, the fields whose own definition is wrong
        for name, entry in self.raw.items():
            if not isinstance(entry, dict) or not isinstance(entry.get("fields"), dict):
                continue
            fields = {field: _validated(FieldSpec, spec) for field, spec in _entries(entry["fields"])}
            valid = {field: spec for field, spec in fields.items() if spec is not None}
            model = _salvage(ModelSpec, {**entry, "fields": valid})
            if model is not None:
                self.specs[name] = model
                self.broken[name] = set(fields) - set(valid)

    def storage(self, storage: Any) -> Iterator[Problem]:
        backend = storage.get("backend", "sqlite") if isinstance(storage, dict) else "sqlite"
        backends = self.backends
        if isinstance(backend, str) and backend not in backends:
            yield self.at.problem(
                ("storage", "backend"), f"unknown backend '{backend}'", did_you_mean(backend, backends)
            )

    def models(self) -> Iterator[Problem]:
        for name, entry in self.raw.items():
            if not re.match(IDENTIFIER, name):
                yield self.at.problem(
                    ("models", name),
                    f"'{name}' is not a valid model name",
                    _name_hint(name, slug=False),
                    key=True,
                )
            for field in _entries(entry.get("fields") if isinstance(entry, dict) else None):
                if not re.match(IDENTIFIER, field[0]):
                    where = ("models", name, "fields", field[0])
                    yield self.at.problem(
                        where,
                        f"'{field[0]}' is not a valid field name",
                        _name_hint(field[0], slug=False),
                        key=True,
                    )
        for name, model in self.specs.items():
            yield from self.model(name, model, self.broken[name])

    def model(self, name: str, model: ModelSpec, broken: set[str]) -> Iterator[Problem]:
        path: Path = ("models", name)
        ids = [field for field, spec in model.fields.items() if spec.type == "id"]
        if not ids and not broken:
            yield self.at.problem((*path, "fields"), f"model '{name}' has no id field", "add one: id: {type: id}")
        for extra in ids[1:]:
            yield self.at.problem((*path, "fields", extra), "a model has one id field", f"'{ids[0]}' is already its id")
        if model.display is not None and model.display not in {*model.fields, *broken}:
            hint = did_you_mean(model.display, {*model.fields, *broken})
            yield self.at.problem((*path, "display"), f"unknown field '{model.display}'", hint)
        for field_name, field in model.fields.items():
            yield from self.field((*path, "fields", field_name), field)

    def field(self, path: Path, field: FieldSpec) -> Iterator[Problem]:
        kind = field.type
        for key, kinds in _FOR_TYPES.items():
            if kind not in kinds and _given(field, key):
                hint, instead = f"'{key}' is for {_and(sorted(kinds))} fields", _INSTEAD.get(key, "")
                if instead and kind in _FOR_TYPES[instead]:
                    hint += f"; use {instead}"
                yield self.at.problem((*path, key), f"'{key}' does not apply to {kind} fields", hint, key=True)
        for key in ("required", "default"):
            if _given(field, key) and (kind == "id" or field.auto):
                what, why = (
                    ("id fields", "the server generates ids")
                    if kind == "id"
                    else (f"auto: {field.auto} fields", "the server sets their value")
                )
                yield self.at.problem((*path, key), f"'{key}' does not apply to {what}", why, key=True)
        if kind == "enum":
            if not field.values:
                where = (*path, "values") if "values" in field.model_fields_set else path
                yield self.at.problem(where, "an enum field needs its values", "e.g. values: [todo, doing, done]")
                return
            repeated = next((i for i, value in enumerate(field.values) if value in field.values[:i]), None)
            if repeated is not None:
                message = f"'{field.values[repeated]}' is already a value"
                yield self.at.problem((*path, "values", repeated), message, "enum values must be distinct")
        if field.min is not None and field.max is not None and field.min > field.max:
            message = f"min {_number(field.min)} is greater than max {_number(field.max)}"
            yield self.at.problem((*path, "min"), message)
        if field.min_length is not None and field.max_length is not None and field.min_length > field.max_length:
            message = f"min_length {field.min_length} is greater than max_length {field.max_length}"
            yield self.at.problem((*path, "min_length"), message)
        if field.pattern is not None:
            try:
                re.compile(field.pattern)
            except re.error as exc:
                yield self.at.problem((*path, "pattern"), f"not a valid regular expression: {exc}")
                return
        validator = jsonschema.Draft202012Validator(mcpgen.fields.value_schema(field), format_checker=_formats())
        if field.default is not None and kind != "id" and not field.auto:
            yield from self.value((*path, "default"), field, validator, field.default, "default")
        for index, example in enumerate(field.examples or []):
            yield from self.value((*path, "examples", index), field, validator, example, "example")

    def value(
        self, path: Path, field: FieldSpec, validator: jsonschema.Draft202012Validator, value: Any, what: str
    ) -> Iterator[Problem]:
        error = jsonschema.exceptions.best_match(validator.iter_errors(value))
        if error is None:
            return
        if field.type == "enum" and field.values and isinstance(value, str):
            hint = did_you_mean(value, field.values)
            yield self.at.problem(path, f"{what} '{value}' is not one of the values", hint)
        elif error.validator in ("type", "format"):
            expected = _EXPECTED.get(field.type, "text")
            yield self.at.problem(path, f"{what} {_shown(value)} is not {expected}")
        else:
            yield self.at.problem(path, f"{what} {error.message}")

    def tool(self, name: str, tool: ToolSpec) -> Iterator[Problem]:
        path: Path = ("tools", name)
        if not TOOL_NAME.match(name):
            yield self.at.problem(path, *_tool_name_problem(name), key=True)
        actions = self.actions
        action = actions.get(tool.action)
        if action is None:
            yield self.at.problem(
                (*path, "action"), f"unknown action '{tool.action}'", did_you_mean(tool.action, actions)
            )
        if tool.model not in self.raw:
            yield self.at.problem((*path, "model"), f"unknown model '{tool.model}'", did_you_mean(tool.model, self.raw))
        yield from self.annotations(path, tool)
        if tool.response is not None:
            yield from self.template((*path, "response"), tool.response)
        if tool.limit is not None and tool.limit.default > tool.limit.max:
            message = f"the default limit {tool.limit.default} is above the maximum {tool.limit.max}"
            yield self.at.problem((*path, "limit", "default"), message)
        if action is None:
            return
        for key in sorted(frozenset().union(*(other.keys for other in actions.values())) - action.keys):
            if key in tool.model_fields_set:
                users = [kind for kind, other in actions.items() if key in other.keys]
                hint = f"'{key}' is for {_and(users)} tools"
                yield self.at.problem((*path, key), f"'{key}' does not apply to {tool.action} tools", hint, key=True)
        model, broken = self.specs.get(tool.model), self.broken.get(tool.model, set())
        if model is None or not _usable(model):
            return
        findings = [finding for finding in action.check(tool, model) if not _names(tool, finding[0], broken)]
        for where, message, hint in findings:
            yield self.at.problem((*path, *where), message, hint)
        if not findings and not broken and tool.parameters:
            from mcpgen.actions import Bound  # noqa: PLC0415 -- a cycle at import time, as in check()

            schema = action.input_schema(Bound(name, tool, tool.model, model))
            for parameter in tool.parameters:
                if parameter not in schema["properties"]:
                    hint = did_you_mean(parameter, schema["properties"])
                    yield self.at.problem(
                        (*path, "parameters", parameter), f"no parameter '{parameter}'", hint, key=True
                    )

    def annotations(self, path: Path, tool: ToolSpec) -> Iterator[Problem]:
        hints = tool.annotations
        if hints is None:
            return
        overridden = [key for key in HINT_KEYS if getattr(hints, key) is not None]
        if overridden and not (hints.why or "").strip():
            yield self.at.problem(
                (*path, "annotations"),
                f"overriding {_and(overridden)} needs a reason",
                "add why: saying what the hints derived from the action get wrong",
            )

    def template(self, path: Path, source: str) -> Iterator[Problem]:
        try:
            _JINJA.compile(source)  # compiling, not only parsing, finds unknown filters and tests
        except jinja2.TemplateSyntaxError as exc:
            line, column = self.at.in_text(path, exc.lineno)
            message = (exc.message or "").rstrip(".")
            unknown = re.match(r"No (filter|test) named '([^']*)'", message)
            hint = did_you_mean(unknown[2], getattr(_JINJA, unknown[1] + "s")) if unknown else ""
            message = f"unknown {unknown[1]} '{unknown[2]}'" if unknown else message
            yield Problem(self.at.file, line, column, dotted(path), f"the template does not compile: {message}", hint)


_JINJA = jinja2.Environment()


def _tool_name_problem(name: str) -> tuple[str, str]:
    bad = sorted({char for char in name if not TOOL_NAME.match(char)})
    if bad:
        shown = ", ".join("a space" if char == " " else repr(char) for char in bad)
        suggestion = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[:64] or "move_task"
        hint = f"use letters, digits, '_', '-' and '.', e.g. '{suggestion}'"
        return f"'{name}' is not a valid tool name: it contains {shown}", hint
    reason = f"it is {len(name)} characters long" if name else "it is empty"
    return f"'{name}' is not a valid tool name: {reason}", "use 1 to 64 characters"


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


def _given(field: FieldSpec, key: str) -> bool:
    return key in field.model_fields_set and getattr(field, key) not in (None, False)


def _names(tool: ToolSpec, where: tuple[str | int, ...], fields: set[str]) -> bool:
    """Whether a finding is about one of `fields` (whose own problems are reported already)."""
    value = getattr(tool, str(where[0]), None)
    if len(where) > 1 and isinstance(value, list) and isinstance(where[1], int) and where[1] < len(value):
        value = value[where[1]]
    return isinstance(value, str) and value in fields


def _and(words: Iterable[str]) -> str:
    items = list(words)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def _usable(model: ModelSpec) -> bool:
    """Whether tools can be checked against the model (its own problems are reported already)."""
    fields = model.fields.values()
    one_id = sum(field.type == "id" for field in fields) == 1
    return one_id and all(field.values for field in fields if field.type == "enum")
