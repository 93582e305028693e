"""pydantic's validation errors in the user's words, at the user's positions, with hints."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from mcpgen.errors import Problem, closest, did_you_mean
from mcpgen.spec.loader import Path, Positions
from mcpgen.spec.model import Spec

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


def name_hint(name: Any, *, slug: bool) -> str:
    """How to write a name: lowercase letters, digits, '_' (and '-' in slugs), with a fixed-up example."""
    allowed = "digits, '-' and '_'" if slug else "digits and '_'"
    hint = f"use lowercase letters, {allowed}, starting with a letter"
    separator = "-" if slug else "_"
    fixed = re.sub(r"[^a-z0-9_-]+" if slug else r"[^a-z0-9_]+", separator, str(name).lower()).strip("-_")
    return hint + f", e.g. '{fixed}'" if re.match(r"^[a-z]", fixed) and fixed != name else hint


_UNION_TAG = re.compile(r"^([A-Z]\w*|literal\[.*\])$")  # how pydantic names the branch of a union it tried
_FORMS = {"OAuth2Scheme": "{oauth2: [scopes]}", "literal['noauth']": "noauth"}


def shape_problems(errors: list[ErrorDetails], data: Any, positions: Positions) -> Iterator[Problem]:
    """The errors pydantic found, as located problems: one per mistake, in the user's words."""
    branches: dict[Path, list[str]] = {}
    plain = []
    for error in errors:
        tag = next((i for i, part in enumerate(error["loc"]) if isinstance(part, str) and _UNION_TAG.match(part)), None)
        if tag is None:
            plain.append(error)
        else:
            path, _ = _locate(error["loc"][:tag], data)
            branches.setdefault(path, []).append(str(error["loc"][tag]))
    for path, tags in branches.items():  # one problem for an entry that fits none of a union's forms
        forms = " or ".join(dict.fromkeys(_FORMS.get(tag, tag) for tag in tags))
        yield positions.problem(path, f"expected {forms}")
    located = [(*_locate(error["loc"], data), error) for error in plain]
    # A missing key that an unknown key in the same mapping misspells is said once, by the unknown key.
    misspelt = set()
    for path, _, error in located:
        guess = closest(str(path[-1]), _keys_at(path[:-1])) if error["type"] == "extra_forbidden" else None
        if guess:
            misspelt.add((*path[:-1], guess))
    for path, is_key, error in located:
        if not (error["type"] == "missing" and path in misspelt):
            problem = _shape_problem(path, is_key, error, positions)
            yield replace(problem, hint=QUOTE_IN_FLOW) if _split_text(path, error, positions) else problem


QUOTE_IN_FLOW = "in {...}, a comma or ': ' ends unquoted text: put the text in quotes"


def _split_text(path: Path, error: ErrorDetails, positions: Positions) -> bool:
    """Whether the problem looks like unquoted text cut short in a `{...}` mapping: a key with a space, or no value."""
    if not path or path[:-1] not in positions.flow:
        return False
    return (error["type"] == "extra_forbidden" and " " in str(path[-1])) or error["input"] is None


def _locate(loc: tuple[str | int, ...], data: Any) -> tuple[Path, bool]:
    """Pydantic's location as a path in the user's data, and whether the error is about a mapping key."""
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
        return positions.problem(path, f"the key {shown(value)} is not text", "put it in quotes", key=True)
    if kind == "extra_forbidden":
        return positions.problem(path, f"unknown key '{last}'", did_you_mean(last, _keys_at(path[:-1])), key=True)
    if kind == "missing":
        return positions.problem(path[:-1], f"missing required key '{last}'", _missing_hint(path))
    if kind == "literal_error":
        choices = [str(choice) for choice in typing.get_args(_annotation_at(path))]
        if last == "mcpgen":
            return positions.problem(path, f"unsupported spec version {shown(value)}", "write mcpgen: 1")
        what = "unknown field type" if last == "type" else "unknown value"
        return positions.problem(path, f"{what} {shown(value)}", did_you_mean(str(value), choices))
    if kind == "string_pattern_mismatch" and path == ("name",):
        return positions.problem(path, f"{shown(value)} is not a valid name", name_hint(value, slug=True))
    if kind == "greater_than_equal":
        return positions.problem(path, f"must be at least {error.get('ctx', {}).get('ge')}, not {shown(value)}")
    if kind not in _SHAPES:
        return positions.problem(path, error["msg"][0].lower() + error["msg"][1:])
    hint = ""
    if kind == "string_type" and isinstance(value, int | float):
        hint = "put it in quotes"
    elif kind == "list_type" and isinstance(value, str):
        hint = f"write [{value}]"
    elif kind == "model_type" and len(path) == 4 and path[2] == "fields" and isinstance(value, str):
        hint = f"write {last}: {{type: {value}}}"
    elif kind == "model_type" and (keys := _keys_at(path)):
        hint = f"its keys: {', '.join(keys)}"
    return positions.problem(path, f"{_SHAPES[kind]}, not {shown(value)}", hint)


def _missing_hint(path: Path) -> str:
    info = _field_info(_annotation_at(path[:-1]), str(path[-1]))
    choices = typing.get_args(_unwrap(info.annotation)) if info and _is_literal(info.annotation) else ()
    if len(choices) == 1:
        return f"write {path[-1]}: {choices[0]}"
    if choices:
        return "one of: " + ", ".join(map(str, choices))
    description = re.sub(r"\s*\(.*\)$", "", (info.description or "").rstrip(".")) if info else ""
    return description[:1].lower() + description[1:]


def shown(value: Any) -> str:
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
            info = _field_info(current, str(part))
            if info is None:
                return None
            current = _unwrap(info.annotation)
        elif typing.get_origin(current) in (dict, list):
            current = _unwrap(typing.get_args(current)[-1])
        else:
            return None
    return current


def _field_info(owner: Any, key: str) -> FieldInfo | None:
    """The field of the model `owner` that the spec writes as `key` (its alias, such as `schema`, or its name)."""
    if not _is_model(owner):
        return None
    return next((info for name, info in owner.model_fields.items() if (info.alias or name) == key), None)


def _keys_at(path: Path) -> list[str]:
    """The keys a mapping at `path` takes, as a spec writes them (aliases such as `schema` included)."""
    owner = _annotation_at(path)
    return [info.alias or name for name, info in owner.model_fields.items()] if _is_model(owner) else []


def _is_model(annotation: Any) -> typing.TypeGuard[type[BaseModel]]:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _is_literal(annotation: Any) -> bool:
    return typing.get_origin(_unwrap(annotation)) is typing.Literal


def _unwrap(annotation: Any) -> Any:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return next(arg for arg in typing.get_args(annotation) if arg is not type(None))
    return annotation
