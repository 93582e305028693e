"""Hypothesis strategies: valid specs of varied shapes and domains, as data (dump with yaml.safe_dump)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from mcpgen.actions.base import OPS_FOR
from mcpgen.actions.count import GROUPABLE
from mcpgen.actions.search import SEARCHABLE
from mcpgen.runtime.filters import OPS

Spec = dict[str, Any]
ACTION_KINDS = ("list", "get", "create", "update", "delete", "search", "count", "chatgpt_search", "fetch", "board")
# Names the actions use for their own parameters and results: a field so named would clash with them
# (as a filter of a list tool, or as the group_by of a count tool, whose groups also hold "count").
RESERVED_NAMES = frozenset({"limit", "cursor", "order", "order_by", "query", "count"})
WORDS = (
    "task", "note", "book", "author", "ticket", "order_line", "invoice", "song", "playlist", "plant",
    "recipe", "step", "guest", "room", "sensor", "reading", "title", "name", "status", "priority",
    "amount", "price", "due", "notes", "email", "rating", "done", "tags", "colour", "city", "group",
    "select", "from", "type", "value", "class", "user", "key", "size", "total", "level",
)  # fmt: skip
FIELD_TYPES = ("string", "text", "integer", "number", "boolean", "enum", "date", "datetime")

identifiers = st.one_of(st.sampled_from(WORDS), st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True)).filter(
    lambda name: name not in RESERVED_NAMES
)
prose = st.text(st.characters(categories=["L", "N", "P", "Zs"]), min_size=1, max_size=60).filter(str.strip)
words = st.text(st.characters(categories=["L", "N"], include_characters=" _-"), min_size=1, max_size=16)


def specs(backend: str | None = None) -> st.SearchStrategy[Spec]:
    """Valid specs: 1 to 3 models over every field type, tools of every action kind with valid references.

    `backend` fixes storage.backend (with no path); otherwise storage is left out or picks sqlite or memory.
    """
    return _specs(backend)


@st.composite
def _specs(draw: st.DrawFn, backend: str | None) -> Spec:
    spec: Spec = {"mcpgen": 1, "name": draw(st.from_regex(r"[a-z][a-z0-9_-]{0,30}", fullmatch=True))}
    if draw(st.booleans()):
        spec["title"] = draw(prose)
    if draw(st.booleans()):
        spec["version"] = draw(st.from_regex(r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}", fullmatch=True))
    spec["description"] = draw(prose)
    if draw(st.booleans()):
        spec["instructions"] = draw(prose)
    chosen = backend or draw(st.sampled_from([None, "sqlite", "memory"]))
    if chosen is not None:
        spec["storage"] = {"backend": chosen}
    names = draw(st.lists(identifiers, min_size=1, max_size=3, unique=True))
    spec["models"] = {name: draw(_models()) for name in names}
    draw(_relations(spec["models"]))
    tools: dict[str, Any] = {}
    for name in names:
        kinds = draw(st.lists(st.sampled_from(ACTION_KINDS), max_size=len(ACTION_KINDS)))
        for kind in kinds:
            tool = draw(_tools(kind, name, spec["models"][name]["fields"]))
            if tool is not None:
                tools[_unique(draw(_tool_names(kind, name)), tools)] = tool
    spec["tools"] = tools
    return spec


def _unique(name: str, taken: dict[str, Any]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        suffix = f"_{number}"
        candidate, number = name[: 64 - len(suffix)] + suffix, number + 1
    return candidate


def _tool_names(kind: str, model: str) -> st.SearchStrategy[str]:
    return st.one_of(
        st.just(f"{kind}_{model}"[:64]),
        st.from_regex(r"[A-Za-z0-9_.-]{1,64}", fullmatch=True),
    )


@st.composite
def _models(draw: st.DrawFn) -> dict[str, Any]:
    id_name = draw(st.one_of(st.just("id"), identifiers))
    others = draw(st.lists(identifiers.filter(lambda name: name != id_name), max_size=8, unique=True))
    specs = [(name, draw(_fields())) for name in others]
    specs.insert(draw(st.integers(0, len(specs))), (id_name, _id_field(draw)))
    model: dict[str, Any] = {"fields": dict(specs)}
    if draw(st.booleans()):
        model["description"] = draw(prose)
    if draw(st.booleans()):
        model["display"] = draw(st.sampled_from([name for name, _ in specs]))
    return model


def _id_field(draw: st.DrawFn) -> dict[str, Any]:
    field: dict[str, Any] = {"type": "id"}
    if draw(st.booleans()):
        field["description"] = draw(prose)
    return field


@st.composite
def _fields(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(FIELD_TYPES))
    field: dict[str, Any] = {"type": kind}
    values: st.SearchStrategy[Any]
    if kind in ("string", "text"):
        values = _textual(draw, field)
    elif kind == "integer":
        low, high = sorted(draw(st.lists(st.integers(-(10**6), 10**6), min_size=2, max_size=2)))
        field |= _bounds(draw, "min", low, "max", high)
        values = st.integers(field.get("min", -(10**9)), field.get("max", 10**9))
    elif kind == "number":
        bottom, top = sorted(draw(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=2)))
        field |= _bounds(draw, "min", bottom, "max", top)
        values = st.floats(field.get("min", -1e9), field.get("max", 1e9))
    elif kind == "boolean":
        values = st.booleans()
    elif kind == "enum":
        field["values"] = draw(st.lists(words, min_size=1, max_size=6, unique=True))
        values = st.sampled_from(field["values"])
    elif kind == "date":
        values = st.dates(dt.date(1, 1, 1)).map(dt.date.isoformat)
    else:
        values = st.datetimes(timezones=st.just(dt.UTC)).map(lambda moment: moment.isoformat())
        if draw(st.booleans()):
            field["auto"] = draw(st.sampled_from(["created", "updated"]))
    if draw(st.booleans()):
        field["description"] = draw(prose)
    if "auto" not in field:
        if draw(st.booleans()):
            field["required"] = draw(st.booleans())
        if draw(st.booleans()):
            field["default"] = draw(values)
    if draw(st.integers(0, 3)) == 0:
        field["examples"] = draw(st.lists(values, min_size=1, max_size=3))
    return field


_PATTERNS = {
    r"^[a-z]+$": r"[a-z]{1,12}",
    r"^[A-Z]{2}-[0-9]{3}$": r"[A-Z]{2}-[0-9]{3}",
    "^.*$": r"[a-z ]{0,8}",
}


def _textual(draw: st.DrawFn, field: dict[str, Any]) -> st.SearchStrategy[str]:
    if field["type"] == "string" and draw(st.integers(0, 3)) == 0:
        field["pattern"] = draw(st.sampled_from(sorted(_PATTERNS)))
        return st.from_regex(_PATTERNS[field["pattern"]], fullmatch=True)
    low = draw(st.integers(0, 10))
    field |= _bounds(draw, "min_length", low, "max_length", max(low, 1) + draw(st.integers(0, 300)))
    return st.text(
        st.characters(categories=["L", "N", "P", "Zs"]),
        min_size=field.get("min_length", 0),
        max_size=min(field.get("max_length", 40), 40),
    )


def _bounds(draw: st.DrawFn, low_key: str, low: Any, high_key: str, high: Any) -> dict[str, Any]:
    bounds = {}
    if draw(st.booleans()):
        bounds[low_key] = low
    if draw(st.booleans()):
        bounds[high_key] = high
    return bounds


_TEMPLATES = (
    "{{ tool }} done.",
    "{{ result | tojson }}",
    "Called {{ tool }} with {{ args | length }} arguments.",
)


@st.composite
def _tools(draw: st.DrawFn, kind: str, model: str, fields: dict[str, Any]) -> dict[str, Any] | None:
    """One tool of `kind` on `model`, or None when the model cannot have one (no fields to search...)."""
    id_name = next(name for name, field in fields.items() if field["type"] == "id")
    writable = [name for name, field in fields.items() if field["type"] != "id" and "auto" not in field]
    tool: dict[str, Any] = {"action": kind, "model": model, "description": draw(prose)}
    subsets = st.lists(st.sampled_from(list(fields)), unique=True)
    if kind == "list":
        if draw(st.booleans()):
            tool["filters"] = draw(_filters(fields))
        if draw(st.booleans()):
            tool["order_by"] = draw(subsets)
        if draw(st.booleans()):
            tool["limit"] = draw(_limits())
    elif kind == "create" and draw(st.booleans()):
        needed = [name for name in writable if fields[name].get("required") and "default" not in fields[name]]
        extra = draw(st.lists(st.sampled_from(writable), unique=True)) if writable else []
        tool["fields"] = list(dict.fromkeys([*needed, *extra]))
    elif kind == "update":
        if not writable:
            return None
        if draw(st.booleans()):
            tool["fields"] = draw(st.lists(st.sampled_from(writable), min_size=1, unique=True))
    elif kind == "search":
        searchable = [name for name, field in fields.items() if field["type"] in SEARCHABLE]
        if not searchable:
            return None
        tool["fields"] = draw(st.lists(st.sampled_from(searchable), min_size=1, unique=True))
        if draw(st.booleans()):
            tool["limit"] = draw(_limits())
    elif kind == "board":
        keys = draw(_board_keys(fields))
        if keys is None:
            return None
        tool |= keys
    elif kind in ("chatgpt_search", "fetch"):
        keys = draw(_document_keys(kind, fields))
        if keys is None:
            return None
        tool |= keys
    elif kind == "count":
        if draw(st.booleans()):
            tool["filters"] = draw(_filters(fields))
        groupable = [name for name, field in fields.items() if field["type"] in GROUPABLE]
        if draw(st.booleans()) and groupable:
            tool["group_by"] = draw(st.sampled_from(groupable))
    tool |= draw(_expansions(kind, fields))
    if kind in ("get", "delete", "update") and draw(st.booleans()):
        tool["parameters"] = {id_name: draw(prose)}
    if draw(st.booleans()):
        tool["title"] = draw(prose)
    if draw(st.integers(0, 3)) == 0:
        tool["response"] = draw(st.sampled_from(_TEMPLATES))
    if draw(st.integers(0, 3)) == 0:
        hint = draw(st.sampled_from(["read_only", "destructive", "idempotent", "open_world"]))
        tool["annotations"] = {hint: draw(st.booleans()), "why": draw(prose)}
    return tool


@st.composite
def _expansions(draw: st.DrawFn, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Sometimes `expand` with some of the ref fields, on the kinds that return records."""
    refs = [name for name, field in fields.items() if field["type"] == "ref"]
    if kind not in ("list", "get", "search", "create", "update") or not refs or not draw(st.booleans()):
        return {}
    return {"expand": draw(st.lists(st.sampled_from(refs), min_size=1, unique=True))}


@st.composite
def _relations(draw: st.DrawFn, models: dict[str, Any]) -> None:
    """Adds refs (cascades only towards earlier models: no cycles), unique fields and keys, and owners."""
    names = list(models)
    for index, name in enumerate(names):
        fields = models[name]["fields"]
        for target in draw(st.lists(st.sampled_from(names), max_size=2)):
            taken = set(fields)
            field_name = draw(identifiers.filter(lambda n, taken=taken: n not in taken and not n.startswith("mcpgen_")))
            field: dict[str, Any] = {"type": "ref", "model": target}
            if draw(st.booleans()):
                field["required"] = True
            choices = ["restrict", "set_null", "cascade"] if names.index(target) < index else ["restrict", "set_null"]
            choices = [c for c in choices if not (c == "set_null" and field.get("required"))]
            if draw(st.booleans()):
                field["on_delete"] = draw(st.sampled_from(choices))
            fields[field_name] = field
        eligible = [
            n
            for n, f in fields.items()
            if f["type"] in ("string", "integer", "date", "enum", "ref") and "default" not in f and "auto" not in f
        ]
        for chosen in draw(st.lists(st.sampled_from(eligible), max_size=1, unique=True)) if eligible else []:
            fields[chosen]["unique"] = True
        if len(eligible) >= 2 and draw(st.booleans()):
            models[name]["unique"] = [draw(st.lists(st.sampled_from(eligible), min_size=2, max_size=2, unique=True))]
        if draw(st.booleans()):
            models[name]["owner"] = "subject"


@st.composite
def _filters(draw: st.DrawFn, fields: dict[str, Any]) -> list[Any]:
    """A tool's filters: names (exact match) and {field, ops} entries whose operators fit the field's type."""
    entries: list[Any] = []
    taken = set(RESERVED_NAMES)
    for name in draw(st.lists(st.sampled_from(list(fields)), unique=True)):
        field = fields[name]
        never_empty = field["type"] == "id" or "auto" in field or field.get("required")
        fitting = [
            op
            for op in OPS
            if (op not in OPS_FOR or field["type"] in OPS_FOR[op]) and not (op == "empty" and never_empty)
        ]
        ops = draw(st.lists(st.sampled_from(fitting), min_size=1, unique=True))
        parameters = [name if op == "eq" else f"{name}_{op}" for op in ops]
        if any(parameter in taken or (parameter != name and parameter in fields) for parameter in parameters):
            continue
        taken |= set(parameters)
        entries.append(name if ops == ["eq"] else {"field": name, "ops": ops})
    return entries


@st.composite
def _board_keys(draw: st.DrawFn, fields: dict[str, Any]) -> dict[str, Any] | None:
    """A board's columns (an enum field), card fields and filters; None when the model has no enum."""
    enums = [name for name, field in fields.items() if field["type"] == "enum"]
    if not enums:
        return None
    keys: dict[str, Any] = {"group_by": draw(st.sampled_from(enums))}
    subsets = st.lists(st.sampled_from(list(fields)), unique=True)
    if draw(st.booleans()):
        keys["fields"] = draw(subsets)
    if draw(st.booleans()):
        keys["filters"] = draw(subsets)
    return keys


@st.composite
def _document_keys(draw: st.DrawFn, kind: str, fields: dict[str, Any]) -> dict[str, Any] | None:
    """The keys of ChatGPT's search and fetch kinds; None when a search has no text field to search."""
    keys: dict[str, Any] = {"url": draw(_urls(fields))}
    if kind == "chatgpt_search":
        searchable = [name for name, field in fields.items() if field["type"] in SEARCHABLE]
        if not searchable:
            return None
        keys["fields"] = draw(st.lists(st.sampled_from(searchable), min_size=1, unique=True))
        return keys
    if draw(st.booleans()):
        keys["fields"] = draw(st.lists(st.sampled_from(list(fields)), unique=True))
    if draw(st.booleans()):
        shown = draw(st.sampled_from(list(fields)))
        keys["text"] = draw(st.sampled_from(["{{ %s }}", "Value: {{ %s | default('none') }}\n{{ %s }}"])).replace(
            "%s", shown
        )
    return keys


def _urls(fields: dict[str, Any]) -> st.SearchStrategy[str]:
    """Citation URL templates over the model's fields (whose values may be missing: `default`)."""
    id_name = next(name for name, field in fields.items() if field["type"] == "id")
    names = st.sampled_from(list(fields))
    return st.one_of(
        st.just(f"https://example.com/records/{{{{ {id_name} }}}}"),
        names.map(lambda name: f"https://example.com/x?{name}={{{{ {name} | default('') | urlencode }}}}"),
    )


@st.composite
def _limits(draw: st.DrawFn) -> dict[str, int]:
    default, maximum = sorted(draw(st.lists(st.integers(1, 500), min_size=2, max_size=2)))
    return draw(
        st.sampled_from(
            [{"default": default, "max": maximum}, {"max": max(maximum, 20)}, {"default": min(default, 100)}]
        )
    )
