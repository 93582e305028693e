"""Turns parsed YAML into a Spec, collecting every problem: shape errors (see shape.py) and broken cross-references."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from pydantic import BaseModel, ValidationError

import mcpgen.fields
from mcpgen.actions import ACTIONS, Bound, DeclaredKind, Kind, RecordKind, Scope
from mcpgen.actions.base import expansion_key
from mcpgen.errors import Problem, did_you_mean
from mcpgen.runtime.arguments import ArgumentCheck, full_validator
from mcpgen.runtime.model import OWNER, Model
from mcpgen.runtime.templates import ENVIRONMENT as TEMPLATES
from mcpgen.runtime.words import listed
from mcpgen.spec.loader import Path as KeyPath
from mcpgen.spec.loader import Positions, dotted
from mcpgen.spec.model import IDENTIFIER, AuthSpec, FieldSpec, FilterSpec, ModelSpec, Spec, ToolSpec, UpstreamSpec
from mcpgen.spec.patterns import pattern_problem
from mcpgen.spec.relations import RelationChecks, given
from mcpgen.spec.shape import name_hint, shape_problems, shown
from mcpgen.spec.upstreams import upstream_problems
from mcpgen.storage import BACKENDS

TOOL_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
HINT_KEYS = ("read_only", "destructive", "idempotent", "open_world")
_Model = TypeVar("_Model", bound=BaseModel)


def check(data: Any, positions: Positions, base_dir: Path | None = None) -> tuple[Spec | None, list[Problem]]:
    """Validates the data; returns the Spec (None if any problem) and every problem found.

    `base_dir` is the spec's folder, where the files it names are (python handlers, for one).
    """
    if not isinstance(data, dict):
        return None, [positions.problem((), "a spec is a YAML mapping of keys such as name, models and tools")]
    problems: list[Problem] = []
    spec: Spec | None = None
    try:
        spec = Spec.model_validate(data)
    except ValidationError as exc:
        problems += shape_problems(exc.errors(), data, positions)
    checker = _CrossCheck(positions, data.get("models"), ACTIONS, set(BACKENDS))
    checker.widgets = dict(_entries(data.get("widgets")))
    auth = data.get("auth")
    checker.oauth = isinstance(auth, dict) and auth.get("type") == "oauth"
    problems += checker.storage(data.get("storage"))
    problems += checker.auth(data.get("auth"), data.get("tools"))
    problems += checker.models()
    upstreams = {name: up for name, entry in _entries(data.get("upstreams")) if (up := _salvage(UpstreamSpec, entry))}
    problems += upstream_problems(positions, upstreams)
    storage = data.get("storage")
    checker.scope = Scope(
        models=checker.specs,
        runtime_models=checker.runtime_models(),
        upstreams=upstreams,
        backend=str(storage.get("backend", "sqlite")) if isinstance(storage, dict) else "sqlite",
        oauth=checker.oauth,
        base_dir=base_dir,
    )
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
    "model": frozenset({"ref"}),
    "on_delete": frozenset({"ref"}),
}
_INSTEAD = {"min_length": "min", "max_length": "max", "min": "min_length", "max": "max_length"}
_EXPECTED = {
    "id": "a whole number",
    "ref": "a whole number",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "date": "a date as YYYY-MM-DD",
    "datetime": "a date and time such as 2026-01-31T09:30:00Z",
}


class _CrossCheck(RelationChecks):
    def __init__(self, positions: Positions, models: Any, actions: dict[str, Kind], backends: set[str]) -> None:
        self.at = positions
        self.actions, self.backends = actions, backends
        self.raw: dict[str, Any] = dict(_entries(models))
        self.widgets: dict[str, Any] = {}
        self.oauth = False  # auth: {type: oauth}
        self.specs: dict[str, ModelSpec] = {}
        self.scope = Scope()
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

    def runtime_models(self) -> dict[str, Model]:
        """The runtime models of the models whose own definitions are sound (sql statements run on them)."""
        from mcpgen.spec.compile import compile_models  # noqa: PLC0415 -- it needs this module's package

        sound = {name: model for name, model in self.specs.items() if _usable(model) and not self.broken[name]}
        return compile_models(sound)

    def storage(self, storage: Any) -> Iterator[Problem]:
        backend = storage.get("backend", "sqlite") if isinstance(storage, dict) else "sqlite"
        backends = self.backends
        if isinstance(backend, str) and backend not in backends:
            yield self.at.problem(
                ("storage", "backend"), f"unknown backend '{backend}'", did_you_mean(backend, backends)
            )
        if backend == "postgres" and isinstance(storage, dict) and not storage.get("url"):
            hint = "e.g. url: ${DATABASE_URL}, and set that variable when serving"
            yield self.at.problem(("storage",), "postgres needs url: the database to connect to", hint)

    def auth(self, auth: Any, tools: Any) -> Iterator[Problem]:
        settings = _validated(AuthSpec, auth) if auth is not None else AuthSpec()
        if settings is None:
            return  # its shape problems are reported already
        if settings.type == "bearer" and not settings.token_env:
            hint = "e.g. token_env: KANBAN_TOKEN, and set that variable when serving"
            yield self.at.problem(("auth",), "bearer auth needs token_env: the variable that holds the token", hint)
        if settings.type == "oauth" and not settings.issuer:
            yield self.at.problem(
                ("auth",), "oauth needs the issuer of the tokens", "e.g. issuer: https://auth.example.com"
            )
        for name, entry in _entries(tools):
            if isinstance(entry, dict) and "security" in entry and settings.type != "oauth":
                hint = "security applies with auth: {type: oauth}"
                yield self.at.problem(
                    ("tools", name, "security"), f"'security' needs oauth auth, not {settings.type}", hint, key=True
                )

    def models(self) -> Iterator[Problem]:
        for name, entry in self.raw.items():
            if not re.match(IDENTIFIER, name):
                yield self.at.problem(
                    ("models", name),
                    f"'{name}' is not a valid model name",
                    name_hint(name, slug=False),
                    key=True,
                )
            for field in _entries(entry.get("fields") if isinstance(entry, dict) else None):
                where = ("models", name, "fields", field[0])
                if not re.match(IDENTIFIER, field[0]):
                    yield self.at.problem(
                        where,
                        f"'{field[0]}' is not a valid field name",
                        name_hint(field[0], slug=False),
                        key=True,
                    )
                elif field[0].startswith("mcpgen_"):
                    hint = f"names starting with mcpgen_ are kept for mcpgen's own columns, such as {OWNER}"
                    yield self.at.problem(where, f"'{field[0]}' is a reserved name", hint, key=True)
        for name, model in self.specs.items():
            yield from self.model(name, model, self.broken[name])
        former = {name: model.renamed_from for name, model in self.specs.items()}
        yield from self.renames(("models",), former, "model", set(self.raw))
        yield from self.cascades()

    def model(self, name: str, model: ModelSpec, broken: set[str]) -> Iterator[Problem]:
        path: KeyPath = ("models", name)
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
            if field.type == "ref":
                yield from self.ref((*path, "fields", field_name), name, field)
        fields = {field: spec.renamed_from for field, spec in model.fields.items()}
        yield from self.renames((*path, "fields"), fields, "field", {*model.fields, *broken})
        yield from self.keys(path, model, broken)

    def field(self, path: KeyPath, field: FieldSpec) -> Iterator[Problem]:
        kind = field.type
        for key, kinds in _FOR_TYPES.items():
            if kind not in kinds and given(field, key):
                hint, instead = f"'{key}' is for {listed(sorted(kinds))} fields", _INSTEAD.get(key, "")
                if instead and kind in _FOR_TYPES[instead]:
                    hint += f"; use {instead}"
                yield self.at.problem((*path, key), f"'{key}' does not apply to {kind} fields", hint, key=True)
        for key in ("required", "default"):
            if given(field, key) and (kind == "id" or field.auto):
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
            repeated = _first_repeat(field.values)
            if repeated is not None:
                message = f"'{field.values[repeated]}' is already a value"
                yield self.at.problem((*path, "values", repeated), message, "enum values must be distinct")
        if field.min is not None and field.max is not None and field.min > field.max:
            message = f"min {_number(field.min)} is greater than max {_number(field.max)}"
            yield self.at.problem((*path, "min"), message)
        if field.min_length is not None and field.max_length is not None and field.min_length > field.max_length:
            message = f"min_length {field.min_length} is greater than max_length {field.max_length}"
            yield self.at.problem((*path, "min_length"), message)
        yield from self.unique(path, field)
        if field.pattern is not None and (wrong := pattern_problem(field.pattern)):
            yield self.at.problem((*path, "pattern"), *wrong)
            return
        check = ArgumentCheck(mcpgen.fields.value_schema(field))
        if field.default is not None and kind not in ("id", "ref") and not field.auto:
            yield from self.value((*path, "default"), field, check, field.default, "default")
        for index, example in enumerate(field.examples or []):
            yield from self.value((*path, "examples", index), field, check, example, "example")

    def value(self, path: KeyPath, field: FieldSpec, check: ArgumentCheck, value: Any, what: str) -> Iterator[Problem]:
        if check.fits(value):  # compiled: jsonschema is only needed to word a value that does not fit
            return
        from jsonschema.exceptions import best_match  # noqa: PLC0415

        error = best_match(full_validator(check.schema).iter_errors(value))
        if error is None:
            return
        if field.type == "enum" and field.values and isinstance(value, str):
            hint = did_you_mean(value, field.values)
            yield self.at.problem(path, f"{what} '{value}' is not one of the values", hint)
        elif error.validator in ("type", "format"):
            expected = _EXPECTED.get(field.type, "text")
            yield self.at.problem(path, f"{what} {shown(value)} is not {expected}")
        else:
            yield self.at.problem(path, f"{what} {error.message}")

    def tool(self, name: str, tool: ToolSpec) -> Iterator[Problem]:
        path: KeyPath = ("tools", name)
        if not TOOL_NAME.match(name):
            yield self.at.problem(path, *_tool_name_problem(name), key=True)
        actions = self.actions
        action = actions.get(tool.action)
        if action is None:
            yield self.at.problem(
                (*path, "action"), f"unknown action '{tool.action}'", did_you_mean(tool.action, actions)
            )
        yield from self.model_of(path, tool, action)
        yield from self.annotations(path, tool)
        yield from self.security(name, tool)
        if tool.widget is not None and tool.widget not in self.widgets:
            hint = did_you_mean(tool.widget, self.widgets) or "declare it under widgets:"
            yield self.at.problem((*path, "widget"), f"unknown widget '{tool.widget}'", hint)
        if tool.response is not None:
            yield from self.template((*path, "response"), tool.response)
        if tool.limit is not None and tool.limit.default > tool.limit.max:
            message = f"the default limit {tool.limit.default} is above the maximum {tool.limit.max}"
            yield self.at.problem((*path, "limit", "default"), message)
        if action is None:
            return
        for key in sorted(frozenset().union(*(other.keys for other in actions.values())) - action.keys):
            if key in tool.model_fields_set and (key != "parameters" or isinstance(action, DeclaredKind)):
                users = [kind for kind, other in actions.items() if key in other.keys]
                hint = f"'{key}' is for {listed(users)} tools"
                yield self.at.problem((*path, key), f"'{key}' does not apply to {tool.action} tools", hint, key=True)
        if isinstance(action, DeclaredKind):
            for where, message, hint in action.check(name, tool, self.scope):
                yield self.at.problem((*path, *where), message, hint)
            return
        assert isinstance(action, RecordKind)
        for parameter, doc in (tool.parameters or {}).items():
            if not isinstance(doc, str):
                hint = (
                    f"give the parameter's new description as text; typed parameters are for {listed(_DECLARING)} tools"
                )
                yield self.at.problem(
                    (*path, "parameters", parameter), f"a {tool.action} tool's parameters are descriptions", hint
                )
        model, broken = self.specs.get(tool.model or ""), self.broken.get(tool.model or "", set())
        if model is None or not _usable(model):
            return
        findings = [finding for finding in action.check(tool, model) if not _names(tool, finding[0], broken)]
        for where, message, hint in findings:
            yield self.at.problem((*path, *where), message, hint)
        if not findings:
            yield from self.expansions(path, tool, model)
        if not findings and not broken and tool.parameters:
            from mcpgen.spec.compile import compile_models  # noqa: PLC0415 -- it needs this module's package

            assert tool.model is not None
            runtime = compile_models({tool.model: model})[tool.model]
            schema = action.input_schema(Bound(name, tool, model, action.compile(tool, runtime)))
            for parameter in tool.parameters:
                if parameter not in schema["properties"]:
                    hint = did_you_mean(parameter, schema["properties"])
                    yield self.at.problem(
                        (*path, "parameters", parameter), f"no parameter '{parameter}'", hint, key=True
                    )

    def model_of(self, path: KeyPath, tool: ToolSpec, action: Kind | None) -> Iterator[Problem]:
        """A record kind's tool names a model; sql, http and python tools name none."""
        if isinstance(action, DeclaredKind):
            if "model" in tool.model_fields_set:
                hint = f"a {tool.action} tool declares its parameters; its statement or handler names what it uses"
                yield self.at.problem(
                    (*path, "model"), f"'model' does not apply to {tool.action} tools", hint, key=True
                )
        elif tool.model is None:
            hint = did_you_mean("", self.raw) or "declare a model under models:"
            yield self.at.problem(path, f"a {tool.action} tool needs its model", hint)
        elif tool.model not in self.raw:
            yield self.at.problem((*path, "model"), f"unknown model '{tool.model}'", did_you_mean(tool.model, self.raw))

    def security(self, name: str, tool: ToolSpec) -> Iterator[Problem]:
        """A noauth tool on a model whose records belong to the signed-in user says why; only noauth tools do."""
        noauth = "noauth" in (tool.security or [])
        if tool.noauth_why is not None and not noauth:
            message, hint = "noauth_why applies to tools with security: [noauth, ...]", "remove it, or add noauth"
            yield self.at.problem(("tools", name, "noauth_why"), message, hint, key=True)
        model = self.specs.get(tool.model or "")
        owned = model is not None and model.owner == "subject"
        if self.oauth and noauth and owned and not (tool.noauth_why or "").strip():
            message = (
                f"tool '{name}' on model '{tool.model}', whose records belong to the signed-in user, "
                "can be called without signing in"
            )
            hint = "remove noauth, or say why in noauth_why: callers without a token all share one owner"
            yield self.at.problem(("tools", name, "security"), message, hint)

    def expansions(self, path: KeyPath, tool: ToolSpec, model: ModelSpec) -> Iterator[Problem]:
        """An expanded ref adds a key (`customer` → `customer_name`) that no field of the model may have."""
        for index, name in enumerate(tool.expand or []):
            if name not in model.fields:
                continue  # a broken field, or one the tool's own checks report
            target = self.specs.get(model.fields[name].model or "")
            if target is None or not _usable(target):
                continue  # its own problems are reported already
            key = expansion_key(name, mcpgen.fields.display_field(target))
            if key in model.fields:
                hint = f"rename the field '{key}', or do not expand '{name}'"
                yield self.at.problem(
                    (*path, "expand", index), f"expanding '{name}' adds '{key}', a field already", hint
                )

    def annotations(self, path: KeyPath, tool: ToolSpec) -> Iterator[Problem]:
        hints = tool.annotations
        if hints is None:
            return
        overridden = [key for key in HINT_KEYS if getattr(hints, key) is not None]
        if overridden and not (hints.why or "").strip():
            yield self.at.problem(
                (*path, "annotations"),
                f"overriding {listed(overridden)} needs a reason",
                "add why: saying what the hints derived from the action get wrong",
            )

    def template(self, path: KeyPath, source: str) -> Iterator[Problem]:
        try:
            TEMPLATES.compile(source)  # compiling, not only parsing, finds unknown filters and tests
        except jinja2.TemplateSyntaxError as exc:
            line, column = self.at.in_text(path, exc.lineno)
            message = (exc.message or "").rstrip(".")
            unknown = re.match(r"No (filter|test) named '([^']*)'", message)
            hint = did_you_mean(unknown[2], getattr(TEMPLATES, unknown[1] + "s")) if unknown else ""
            message = f"unknown {unknown[1]} '{unknown[2]}'" if unknown else message
            yield Problem(self.at.file, line, column, dotted(path), f"the template does not compile: {message}", hint)


_DECLARING = [name for name, kind in ACTIONS.items() if isinstance(kind, DeclaredKind)]


def _tool_name_problem(name: str) -> tuple[str, str]:
    bad = sorted({char for char in name if not TOOL_NAME.match(char)})
    if bad:
        shown = ", ".join("a space" if char == " " else repr(char) for char in bad)
        suggestion = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[:64] or "move_task"
        hint = f"use letters, digits, '_', '-' and '.', e.g. '{suggestion}'"
        return f"'{name}' is not a valid tool name: it contains {shown}", hint
    reason = f"it is {len(name)} characters long" if name else "it is empty"
    return f"'{name}' is not a valid tool name: {reason}", "use 1 to 64 characters"


def _first_repeat(values: list[str]) -> int | None:
    """The index of the first value that an earlier one repeats (a set: an enum may have thousands of values)."""
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            return index
        seen.add(value)
    return None


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


def _names(tool: ToolSpec, where: tuple[str | int, ...], fields: set[str]) -> bool:
    """Whether a finding is about one of `fields` (whose own problems are reported already).

    A finding inside a {field, ops} filter (its field, one of its ops) is about that filter's field.
    """
    value: Any = tool
    for step in where:
        if isinstance(value, FilterSpec):
            break
        if isinstance(step, int) and isinstance(value, list) and 0 <= step < len(value):
            value = value[step]
        elif isinstance(step, str) and isinstance(value, BaseModel) and step in type(value).model_fields:
            value = getattr(value, step)
        else:
            return False
    if isinstance(value, FilterSpec):
        value = value.field
    return isinstance(value, str) and value in fields


def _usable(model: ModelSpec) -> bool:
    """Whether tools can be checked against the model (its own problems are reported already)."""
    fields = model.fields.values()
    one_id = sum(field.type == "id" for field in fields) == 1
    return one_id and all(field.values for field in fields if field.type == "enum")
