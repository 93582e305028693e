"""`http`: a call to an upstream HTTP API (the runtime's Request), its templates checked against the parameters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mcpgen.actions.base import Finding
from mcpgen.actions.declared import DeclaredKind, Scope, parameters, returns_schema
from mcpgen.errors import did_you_mean
from mcpgen.runtime.actions import Request
from mcpgen.runtime.actions.request import PLACEHOLDER
from mcpgen.spec.model import RequestSpec, ToolSpec

READING = frozenset({"GET", "HEAD", "OPTIONS"})
OVERWRITING = frozenset({"PUT", "PATCH", "DELETE"})


class HttpKind(DeclaredKind):
    """`upstream`, `request` (method, path, query, headers, body), `result` (JMESPath), `forward_token`."""

    summary = "Calls an upstream HTTP API, its request filled in from the arguments and its answer mapped."
    docs = {
        "upstream": "the upstream (from upstreams:) the request goes to",
        "request": "method, path, query, headers and JSON body; {name} is an argument (URL-encoded in the path)",
        "result": "a JMESPath expression that maps the answer, e.g. data[0].{id: id, name: full_name}",
        "forward_token": "send the caller's OAuth token to the upstream instead of the upstream's own auth",
        "parameters": "the tool's parameters, typed like fields",
        "returns": "the keys of the mapped answer, typed like fields (its outputSchema)",
        "read_only": "whether the request only reads (default: true for GET, HEAD and OPTIONS)",
    }
    own_keys = frozenset({"upstream", "request", "result", "forward_token"})
    read_only_default = True  # for GET; reads() looks at the method

    @property
    def name(self) -> str:
        """`http`."""
        return Request.kind

    def reads(self, tool: ToolSpec) -> bool:
        """read_only, else whether the method only reads."""
        if tool.read_only is not None:
            return tool.read_only
        return tool.request is None or tool.request.method in READING

    def hints(self, tool: ToolSpec) -> dict[str, bool]:
        """Reads by the method; PUT, PATCH and DELETE overwrite; the upstream is another system (open world)."""
        reads = self.reads(tool)
        method = tool.request.method if tool.request else "GET"
        return {
            "read_only": reads,
            "destructive": not reads and method in OVERWRITING,
            "idempotent": reads or method in ("PUT", "DELETE"),
            "open_world": True,
        }

    def own_check(self, name: str, tool: ToolSpec, scope: Scope) -> Iterator[Finding]:
        """A known upstream, a request whose {names} are parameters, a result that compiles."""
        if tool.upstream is None:
            yield (
                (),
                "an http tool needs its upstream",
                did_you_mean("", scope.upstreams) or "declare one under upstreams:",
            )
        elif tool.upstream not in scope.upstreams:
            hint = did_you_mean(tool.upstream, scope.upstreams) or "declare it under upstreams:"
            yield ("upstream",), f"unknown upstream '{tool.upstream}'", hint
        if tool.forward_token and not scope.oauth:
            yield ("forward_token",), "forward_token needs oauth auth: callers have no token to forward", ""
        if tool.result is not None:
            import jmespath  # noqa: PLC0415 -- only specs that map answers need it

            try:
                jmespath.compile(tool.result)
            except jmespath.exceptions.JMESPathError as exc:
                yield ("result",), f"not a JMESPath expression: {str(exc).splitlines()[0]}", "see jmespath.org"
        request = tool.request
        if request is None:
            yield (), "an http tool needs its request", "e.g. request: {method: GET, path: /customers/{id}}"
            return
        yield from _request_findings(request, tool)

    def compile(self, name: str, tool: ToolSpec, scope: Scope) -> Request:
        """The runtime's Request, on its upstream."""
        request = tool.request
        assert request is not None
        assert tool.upstream is not None
        return Request(
            scope.runtime_upstreams[tool.upstream],
            request.method,
            request.path,
            query=tuple((request.query or {}).items()),
            headers=tuple((request.headers or {}).items()),
            body=request.body,
            result=tool.result,
            forward_token=bool(tool.forward_token),
        )

    def output_schema(self, tool: ToolSpec) -> dict[str, Any] | None:
        """The object `returns` describes, if it does."""
        return returns_schema(tool.returns) if tool.returns else None


def _request_findings(request: RequestSpec, tool: ToolSpec) -> Iterator[Finding]:
    """The path is a path; every {name} is a parameter (those of the path required); each parameter is used."""
    declared = parameters(tool)
    if not request.path.startswith("/"):
        yield ("request", "path"), "the path does not start with /", f"e.g. /{request.path}"
    if any(char in request.path for char in "?#"):
        yield ("request", "path"), "the path holds a query", "give query parameters under request.query"
    used: set[str] = set()
    places: list[tuple[tuple[str | int, ...], Any]] = [(("request", "path"), request.path)]
    places += [(("request", "query", key), value) for key, value in (request.query or {}).items()]
    places += [(("request", "headers", key), value) for key, value in (request.headers or {}).items()]
    places.append((("request", "body"), request.body))
    for where, template in places:
        for name in _placeholders(template):
            used.add(name)
            if name not in declared:
                hint = did_you_mean(name, declared) or f"declare it under parameters, e.g. {name}: {{type: string}}"
                yield where, f"{{{name}}} is not a parameter", hint
            elif where == ("request", "path") and not declared[name].required:
                yield ("parameters", name), f"'{name}' is part of the path, so it is required", "add required: true"
    for key in request.headers or {}:
        if key.lower() in ("authorization", "cookie"):
            hint = "credentials come from the upstream's auth (or forward_token), never from the spec"
            yield ("request", "headers", key), f"the {key} header is set by mcpgen", hint
    if request.body is not None and request.method in ("GET", "HEAD"):
        yield ("request", "body"), f"a {request.method} request has no body", "send the values in query"
    for name in declared:
        if name not in used:
            yield ("parameters", name), f"the request does not use {{{name}}}", f"use {{{name}}}, or remove it"


def _placeholders(template: Any) -> Iterator[str]:
    if isinstance(template, str):
        yield from PLACEHOLDER.findall(template)
    elif isinstance(template, dict):
        for value in template.values():
            yield from _placeholders(value)
    elif isinstance(template, list):
        for value in template:
            yield from _placeholders(value)
