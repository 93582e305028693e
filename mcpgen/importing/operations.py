"""One OpenAPI operation → one mcpgen `http` tool: its parameters, and the request template that sends them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mcpgen.importing.names import identifier, parameter_name, unique
from mcpgen.importing.schemas import Refs, describe, parameter, trim

METHODS = ("get", "put", "post", "delete", "options", "head", "patch")  # what an http tool can send (not trace)
READING = frozenset({"GET", "HEAD", "OPTIONS"})
DESCRIPTION_MAX = 1000  # characters of a tool's description: what `mcpgen lint` accepts
TITLE_MAX = 60
# Headers an OpenAPI document may not describe as parameters (its own rule), or that mcpgen sets itself.
_OWN_HEADERS = frozenset({"accept", "content-type", "authorization", "cookie"})
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class Operation:
    """One method on one path of the document, with what applies to it from its path item."""

    method: str  # upper case
    path: str
    spec: Mapping[str, Any]  # the Operation object
    shared: tuple[Any, ...] = ()  # the path item's parameters

    @property
    def tags(self) -> list[str]:
        """The operation's tags (strings only)."""
        return [tag for tag in self.spec.get("tags") or [] if isinstance(tag, str)]

    @property
    def where(self) -> str:
        """`GET /pets/{petId}` (with its operationId, if any): how notes name it."""
        operation_id = self.spec.get("operationId")
        return f"{self.method} {self.path}" + (f" ({operation_id})" if isinstance(operation_id, str) else "")


@dataclass
class Tool:
    """An http tool in the making: its spec data, and the notes on what could not be carried over."""

    data: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    skipped: bool = False


def convert(operation: Operation, refs: Refs, *, upstream: str, api: str, auth_header: str | None) -> Tool:
    """The http tool for `operation` on `upstream`; `api` (the document's title) names it in a made-up description."""
    notes: list[str] = []
    params: dict[str, Any] = {}
    taken: set[str] = set()
    path, query, headers = operation.path, {}, {}
    for raw in _parameters(operation, refs):
        wire, place = raw["name"], raw["in"]
        if place == "cookie":
            notes.append(f"{operation.where}: left out the cookie parameter '{wire}' (http tools send no cookies)")
            continue
        if place == "header" and (wire.lower() in _OWN_HEADERS or wire.lower() == (auth_header or "").lower()):
            continue
        if place == "path" and f"{{{wire}}}" not in path:
            continue
        name = _name(wire, place, taken)
        schema = raw.get("schema") if "schema" in raw else _content_schema(raw.get("content"))
        extra = {key: raw.get(key) for key in ("description", "example", "examples", "deprecated")}
        params[name] = parameter(schema, refs, required=place == "path" or raw.get("required") is True, extra=extra)
        if place == "path":
            params[name] = {"type": params[name].pop("type"), "required": True, **params[name]}  # a path needs it
            path = path.replace(f"{{{wire}}}", f"{{{name}}}")
        elif place == "query":
            query[wire] = f"{{{name}}}"
        else:
            headers[wire] = f"{{{name}}}"
    for wire in _PLACEHOLDER.findall(path):
        if not re.fullmatch(r"[a-z][a-z0-9_]*", wire) or wire not in params:
            name = _name(wire, "path", taken)
            params[name] = {"type": "string", "required": True}
            path = path.replace(f"{{{wire}}}", f"{{{name}}}")
            notes.append(f"{operation.where}: the path's {{{wire}}} is not described; it is taken as a string")
    body = _body(operation, refs, params, taken, notes)
    if body is _SKIP:
        return Tool({}, notes, skipped=True)
    request: dict[str, Any] = {"method": operation.method, "path": path}
    if query:
        request["query"] = query
    if headers:
        request["headers"] = headers
    if body is not None:
        request["body"] = body
    data: dict[str, Any] = {"action": "http", "upstream": upstream}
    summary = operation.spec.get("summary")
    if isinstance(summary, str) and 0 < len(summary.strip()) <= TITLE_MAX and "\n" not in summary.strip():
        data["title"] = summary.strip().rstrip(".")
    data["description"] = _description(operation, api)
    data["read_only"] = operation.method in READING
    if params:
        data["parameters"] = params
    data["request"] = request
    return Tool(data, notes)


_SKIP: Any = object()


def _body(operation: Operation, refs: Refs, params: dict[str, Any], taken: set[str], notes: list[str]) -> Any:
    """The body template, its values added to `params`; None for no body, _SKIP when the tool cannot send it."""
    body = refs.follow(operation.spec.get("requestBody"))
    if not isinstance(body, Mapping) or not body:
        return None
    needed = body.get("required") is True
    content: Mapping[str, Any] = body["content"] if isinstance(body.get("content"), Mapping) else {}
    json_types = [kind for kind in content if _is_json(kind)]
    if operation.method in ("GET", "HEAD"):
        notes.append(f"{operation.where}: left out its request body (a {operation.method} request sends none)")
        return None
    if not json_types:
        kinds = ", ".join(content) or "no content type"
        if needed:
            notes.append(f"{operation.where}: skipped: its request body is {kinds}, and http tools send JSON")
            return _SKIP
        notes.append(f"{operation.where}: left out its optional {kinds} request body (http tools send JSON)")
        return None
    media = content[json_types[0]]
    schema = media.get("schema") if isinstance(media, Mapping) else None
    whole = parameter(schema, refs, required=needed, extra={"description": body.get("description")})
    properties = whole.get("properties")
    if whole["type"] != "object" or not properties:
        name = _name("body", "body", taken)
        params[name] = whole
        return f"{{{name}}}"
    template: dict[str, str] = {}
    for wire, spec in properties.items():
        name = _name(wire, "body", taken)
        if not needed:
            spec.pop("required", None)
        params[name] = spec
        template[wire] = f"{{{name}}}"
    return template


def _parameters(operation: Operation, refs: Refs) -> list[dict[str, Any]]:
    """The path item's parameters, then the operation's (which replace those with the same name and place)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in [*operation.shared, *(operation.spec.get("parameters") or [])]:
        resolved = refs.follow(raw)
        if isinstance(resolved, Mapping) and isinstance(resolved.get("name"), str) and resolved.get("in"):
            found[(resolved["name"], str(resolved["in"]))] = dict(resolved)
    return list(found.values())


def _content_schema(content: Any) -> Any:
    if isinstance(content, Mapping):
        for media in content.values():
            if isinstance(media, Mapping):
                return media.get("schema")
    return None


def _is_json(kind: str) -> bool:
    base = kind.split(";", maxsplit=1)[0].strip().lower()
    return base in ("application/json", "*/*") or base.endswith("+json")


def _name(wire: str, place: str, taken: set[str]) -> str:
    """A parameter name from its wire name; one already taken gets its place first (`body_id`), then a number."""
    name = identifier(parameter_name(wire, place), "value")
    if name in taken and place in ("header", "body", "query"):
        name = identifier([place, *parameter_name(wire, place)], "value")
    name = unique(name, taken)
    taken.add(name)
    return name


def _description(operation: Operation, api: str) -> str:
    """Summary, then description (a description that repeats the summary once); or one that says it is missing."""
    summary = operation.spec.get("summary")
    details = operation.spec.get("description")
    parts: list[str] = []
    if isinstance(summary, str) and summary.strip():
        text = summary.strip()
        parts.append(text if text[-1] in ".!?:" else f"{text}.")
    if (
        isinstance(details, str)
        and details.strip()
        and details.strip().rstrip(".") != (summary or "").strip().rstrip(".")
    ):
        parts.append(details.strip())
    if not parts:
        return (
            f"{operation.method} {operation.path} of the {api} API (no summary or description in the OpenAPI document)."
        )
    text = describe("\n\n".join(parts), deprecated=operation.spec.get("deprecated") is True, limit=DESCRIPTION_MAX)
    return trim(text, DESCRIPTION_MAX)
