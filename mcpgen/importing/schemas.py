"""JSON Schema as OpenAPI writes it → mcpgen parameter data (ParameterSpec keys), local $refs resolved, cycles cut."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from mcpgen.runtime.patterns import PatternError, check_pattern, matches

MAX_DEPTH = 6  # nesting kept in parameters; deeper objects become free-form (the model reads every level)
DESCRIPTION_MAX = 500  # characters of a parameter's description
EXAMPLES_MAX = 3
EXAMPLE_MAX = 200  # characters of one example, as JSON: bigger ones cost tokens and teach little
_TYPES = ("string", "integer", "number", "boolean", "array", "object")
_FORMATS = {"date": "date", "date-time": "datetime"}


class Refs:
    """The targets of a document's local `$ref`s (`#/components/schemas/Pet`)."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document

    def target(self, ref: str) -> Any:
        """What `ref` points at, or None when it is not a local ref to something that exists."""
        if not ref.startswith("#"):
            return None
        node: Any = self.document
        for token in filter(None, unquote(ref[1:]).split("/")):
            key = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping) and key in node:
                node = node[key]
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            else:
                return None
        return node

    def follow(self, node: Any) -> Any:
        """`node` with its `$ref` chain followed (for parameters, request bodies, path items); a loop gives {}."""
        seen: set[str] = set()
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
            seen.add(node["$ref"])
            target = self.target(node["$ref"])
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}} if isinstance(target, Mapping) else {}
        return {} if isinstance(node, Mapping) and "$ref" in node else node


@dataclass(frozen=True)
class Flat:
    """A schema with no $ref, allOf, oneOf or anyOf at its top, and what was given up to get it."""

    schema: dict[str, Any]
    nullable: bool = False
    notes: tuple[str, ...] = ()
    seen: frozenset[str] = field(default_factory=frozenset)


def flatten(schema: Any, refs: Refs, seen: frozenset[str] = frozenset()) -> Flat:
    """Follows $refs (a ref met again on its own path is cut to a plain object), merges allOf, picks oneOf's first."""
    if not isinstance(schema, Mapping):
        return Flat({}, seen=seen)
    if isinstance(ref := schema.get("$ref"), str):
        rest = {key: value for key, value in schema.items() if key != "$ref"}
        target = refs.target(ref)
        if ref in seen or not isinstance(target, Mapping):
            return Flat({"type": "object", **_docs(rest)}, seen=seen)
        return flatten({**target, **rest}, refs, seen | {ref})
    schema = dict(schema)
    nullable = schema.pop("nullable", False) is True
    notes: list[str] = []
    if isinstance(parts := schema.pop("allOf", None), list):
        flats = [flatten(part, refs, seen) for part in parts]
        schema = _merge([*(flat.schema for flat in flats), schema])
        nullable = nullable or any(flat.nullable for flat in flats)
        notes += [note for flat in flats for note in flat.notes]
    for key in ("oneOf", "anyOf"):
        options = schema.pop(key, None)
        if not isinstance(options, list) or not options:
            continue
        flats = [flatten(option, refs, seen) for option in options]
        kept = [flat for flat in flats if _type_of(flat.schema) != "null"]
        nullable = nullable or len(kept) < len(flats) or any(flat.nullable for flat in kept)
        if not kept:
            continue
        if len(kept) > 1:
            forms = ", ".join(_type_of(flat.schema) or "any" for flat in kept)
            notes.append(f"The API takes one of several forms ({forms}); this tool sends the first.")
        chosen = kept[0]
        schema = _merge([chosen.schema, schema])  # the first form's type, the docs around it
        notes += chosen.notes
    types = schema.get("type")
    if isinstance(types, list):
        named = [kind for kind in types if kind != "null"]
        nullable = nullable or len(named) < len(types)
        if len(named) > 1:
            notes.append(f"The API takes {' or '.join(named)}; this tool sends {named[0]}.")
        schema["type"] = named[0] if named else "null"
    if isinstance(schema.get("enum"), list) and None in schema["enum"]:
        schema["enum"] = [value for value in schema["enum"] if value is not None]
        nullable = True
    return Flat(schema, nullable, tuple(notes), seen)


def parameter(
    schema: Any,
    refs: Refs,
    *,
    required: bool = False,
    extra: Mapping[str, Any] | None = None,
    depth: int = 0,
    seen: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """The ParameterSpec data of a value of `schema`; `extra` holds a parameter object's own docs, which win."""
    flat = flatten(schema, refs, seen)
    source = {**flat.schema, **{k: v for k, v in (extra or {}).items() if v is not None}}
    kind, notes = _kind(source), list(flat.notes)
    if kind in ("object", "array") and depth >= MAX_DEPTH:
        kind = "object"
        notes.append("Its parts are not listed here: see the API's documentation.")
    spec: dict[str, Any] = {"type": kind}
    if required and not flat.nullable:
        spec["required"] = True
    values = source.get("enum")
    if isinstance(values, list) and values and kind != "enum":
        notes.append(f"One of: {', '.join(json.dumps(value) for value in values)}.")
    _put(spec, "description", describe(source.get("description"), notes, deprecated=source.get("deprecated") is True))
    if kind == "enum":
        spec["values"] = values
    if kind in ("integer", "number"):
        _put(spec, "min", _bound(source, "minimum", "exclusiveMinimum", +1 if kind == "integer" else 0))
        _put(spec, "max", _bound(source, "maximum", "exclusiveMaximum", -1 if kind == "integer" else 0))
    if kind == "string":
        _put(spec, "min_length", _count(source.get("minLength"), 0))
        _put(spec, "max_length", _count(source.get("maxLength"), 1))
        _put(spec, "pattern", _pattern(source.get("pattern")))
    if kind == "array":
        items = source.get("items")
        spec["items"] = parameter(items, refs, depth=depth + 1, seen=flat.seen) if items else {"type": "string"}
    if kind == "object" and depth < MAX_DEPTH and isinstance(props := source.get("properties"), Mapping):
        needed = set(source.get("required") or [])
        properties = {
            name: parameter(prop, refs, required=name in needed, depth=depth + 1, seen=flat.seen)
            for name, prop in props.items()
            if isinstance(name, str) and not _read_only(prop, refs, flat.seen)
        }
        if properties:
            spec["properties"] = properties
    if "default" in source and fits(spec, source["default"]):
        spec["default"] = source["default"]
    if examples := [value for value in _examples(source) if fits(spec, value)][:EXAMPLES_MAX]:
        spec["examples"] = examples
    return spec


def describe(text: Any, notes: Iterable[str] = (), *, deprecated: bool = False, limit: int = DESCRIPTION_MAX) -> str:
    """One description from a text, its notes after it, `Deprecated.` first: trimmed, shortened at a sentence."""
    parts = ["Deprecated."] if deprecated else []
    if isinstance(text, str) and text.strip():
        parts.append(text.strip())
    parts += notes
    return trim(" ".join(parts), limit)


def trim(text: str, limit: int) -> str:
    """`text` without trailing spaces on its lines, cut at a paragraph, a sentence or a word to fit `limit`."""
    text = "\n".join(line.rstrip() for line in text.strip().splitlines())
    text = re.sub(r"\n{3,}", "\n\n", text)
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    for stop in ("\n\n", ". ", "\n", " "):
        cut = head.rfind(stop)
        if cut > limit // 2:
            return head[: cut + (1 if stop == ". " else 0)].rstrip() + ("" if stop == ". " else "…")
    return head.rstrip() + "…"


def fits(spec: Mapping[str, Any], value: Any) -> bool:
    """Whether `value` is one of the parameter's values (type, enum, bounds), so that validate accepts it."""
    kind = spec["type"]
    if value is None or (kind in ("integer", "number") and isinstance(value, bool)):
        return False
    if kind == "enum":
        return value in spec.get("values", [])
    checks: dict[str, tuple[type, ...]] = {
        "integer": (int,),
        "number": (int, float),
        "boolean": (bool,),
        "array": (list,),
        "object": (dict,),
    }
    if not isinstance(value, checks.get(kind, (str,))):
        return False
    if len(json.dumps(value, default=str)) > EXAMPLE_MAX:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return bool(spec.get("min", value) <= value <= spec.get("max", value))
    if isinstance(value, str) and kind == "string":
        if not spec.get("min_length", 0) <= len(value) <= spec.get("max_length", len(value)):
            return False
        return "pattern" not in spec or matches(spec["pattern"], value)
    if isinstance(value, str) and kind in ("date", "datetime"):
        return re.match(r"^\d{4}-\d{2}-\d{2}", value) is not None
    return not (kind == "integer" and isinstance(value, float))


def _kind(schema: Mapping[str, Any]) -> str:
    kind = _type_of(schema)
    values = schema.get("enum")
    if isinstance(values, list) and values and all(isinstance(value, str) for value in values):
        return "enum" if kind in (None, "string") else kind
    if kind == "string":
        return _FORMATS.get(str(schema.get("format")), "string")
    return kind if kind in _TYPES else "string"


def _type_of(schema: Mapping[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, str):
        return kind
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    values = schema.get("enum")
    if isinstance(values, list) and values:
        first = values[0]
        return {bool: "boolean", int: "integer", float: "number", str: "string"}.get(type(first))
    return None


def _merge(parts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """allOf: properties and required lists together.

    Any other key comes from the first part that has it; the last part (the schema around the allOf) wins for docs.
    """
    merged: dict[str, Any] = {}
    properties: dict[str, Any] = {}
    required: list[str] = []
    items = list(parts)
    for part in items:
        properties.update(part.get("properties") or {})
        required += [name for name in part.get("required") or [] if name not in required]
        for key, value in part.items():
            if key not in ("properties", "required"):
                merged.setdefault(key, value)
    outer = items[-1] if items else {}
    merged.update({key: outer[key] for key in ("description", "default", "example", "deprecated") if key in outer})
    if properties:
        merged["properties"] = properties
        merged.setdefault("type", "object")
    if required:
        merged["required"] = required
    return merged


def _docs(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {key: schema[key] for key in ("description", "deprecated") if key in schema}


def _read_only(schema: Any, refs: Refs, seen: frozenset[str]) -> bool:
    """A property only the API sets (readOnly): never sent in a request."""
    return isinstance(schema, Mapping) and flatten(schema, refs, seen).schema.get("readOnly") is True


def _bound(schema: Mapping[str, Any], inclusive: str, exclusive: str, step: int) -> float | None:
    value = schema.get(inclusive)
    strict = schema.get(exclusive)
    if isinstance(strict, int | float) and not isinstance(strict, bool):  # 3.1: the bound itself
        value = strict + step
    elif strict is True and isinstance(value, int | float):  # 3.0: a flag on minimum / maximum
        value = value + step
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _count(value: Any, least: int) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= least else None


def _pattern(value: Any) -> str | None:
    """The pattern if the server can match it (RE2: no backreferences or lookarounds); else none."""
    if not isinstance(value, str):
        return None
    try:
        check_pattern(value)
    except PatternError:
        return None
    return value


def _examples(schema: Mapping[str, Any]) -> list[Any]:
    found: list[Any] = []
    examples = schema.get("examples")
    if isinstance(examples, list):
        found += examples
    elif isinstance(examples, Mapping):  # a parameter's named Example objects
        found += [
            example["value"] for example in examples.values() if isinstance(example, Mapping) and "value" in example
        ]
    if "example" in schema:
        found.append(schema["example"])
    unique: list[Any] = []
    for value in found:
        if value not in unique:
            unique.append(value)
    return unique


def _put(spec: dict[str, Any], key: str, value: Any) -> None:
    if value is not None and value != "":
        spec[key] = value
