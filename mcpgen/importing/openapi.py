"""An OpenAPI 3.0 or 3.1 document → an mcpgen spec (plain data) with one `http` tool per operation."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from mcpgen.errors import did_you_mean
from mcpgen.importing.errors import OpenAPIError
from mcpgen.importing.names import identifier, operation_tool_name, route_tool_name, slug, unique
from mcpgen.importing.operations import METHODS, Operation, convert
from mcpgen.importing.schemas import Refs, trim
from mcpgen.runtime.words import listed
from mcpgen.spec.model import IDENTIFIER, SLUG

CONNECTOR_DESCRIPTION_MAX = 600  # characters: what `mcpgen lint` accepts
TIMEOUT = 10


@dataclass
class Imported:
    """The spec made from a document, what the user should know about it, and how much of the document it covers."""

    spec: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    operations: int = 0  # in the document
    selected: int = 0  # left by --include and --exclude
    title: str = ""
    version: str = ""  # of the OpenAPI format


def import_openapi(
    document: Any,
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    name: str | None = None,
    upstream: str | None = None,
    source_url: str | None = None,
) -> Imported:
    """The spec for `document`'s operations that `include` and `exclude` leave (tags, or path prefixes from `/`)."""
    version = _check(document)
    refs = Refs(document)
    everything = list(operations(document, refs))
    chosen = select(everything, include, exclude)
    info: Mapping[str, Any] = document["info"] if isinstance(document.get("info"), Mapping) else {}
    title = str(info.get("title") or "API").strip()
    name = _given(name, SLUG, "--name", "e.g. --name petstore") if name else slug(title)
    upstream = _given(upstream, IDENTIFIER, "--upstream", "e.g. --upstream petstore") if upstream else None
    upstream = upstream or identifier(re.split(r"[-_]", name), "api")
    notes: list[str] = []
    prefix = re.sub(r"[^A-Z0-9]+", "_", upstream.upper())
    server: dict[str, Any] = {"base_url": _base_url(document, f"{prefix}_URL", source_url, notes)}
    auth = _auth(document, prefix, notes)
    if auth:
        server["auth"] = auth
    server["timeout"] = TIMEOUT
    tools: dict[str, Any] = {}
    for operation in chosen:
        tool = convert(operation, refs, upstream=upstream, api=title, auth_header=auth.get("header") if auth else None)
        notes += tool.notes
        if not tool.skipped:
            tools[unique(tool_name(operation), tools)] = tool.data
    if not tools:
        raise OpenAPIError("none of the operations chosen can be an http tool (see the notes above); choose others")
    description = trim(str(info.get("description") or "").strip(), CONNECTOR_DESCRIPTION_MAX) or f"The {title} API."
    spec = {
        "mcpgen": 1,
        "name": name,
        "title": title,
        "description": description,
        "upstreams": {upstream: server},
        "tools": tools,
    }
    imported = Imported(escaped(spec), notes, len(everything), len(chosen), title, version)
    imported.spec["upstreams"][upstream]["base_url"] = server["base_url"]  # its ${VAR} is meant
    return imported


def operations(document: Mapping[str, Any], refs: Refs) -> Iterator[Operation]:
    """Every operation of the document, in its order (paths as written, methods as written in each)."""
    for path, item in (document.get("paths") or {}).items():
        resolved = refs.follow(item)
        if not isinstance(path, str) or not isinstance(resolved, Mapping):
            continue
        shared = tuple(resolved.get("parameters") or ())
        for method, spec in resolved.items():
            if method in METHODS and isinstance(spec, Mapping):
                yield Operation(method.upper(), path, spec, shared)


def matches(operation: Operation, value: str) -> bool:
    """Whether `value` (a tag, or a path prefix starting with `/`, whole segments) names the operation."""
    if value.startswith("/"):
        prefix = value.rstrip("/")
        return operation.path == prefix or operation.path.startswith(prefix + "/") or not prefix
    return value in operation.tags


def select(everything: Sequence[Operation], include: Sequence[str], exclude: Sequence[str]) -> list[Operation]:
    """The operations `include` names (all when it is empty), less those `exclude` names.

    A name that fits no operation is refused, with the tags there are.
    """
    tags = {tag for operation in everything for tag in operation.tags}
    for option, values in (("--include", include), ("--exclude", exclude)):
        for value in values:
            if not any(matches(operation, value) for operation in everything):
                hint = did_you_mean(value, tags) if not value.startswith("/") else "a path prefix such as /pets"
                what = "path starts with" if value.startswith("/") else "tag is"
                raise OpenAPIError(f"{option} {value}: no operation's {what} '{value}' ({hint or 'it has no tags'})")
    chosen = [op for op in everything if not include or any(matches(op, value) for value in include)]
    chosen = [op for op in chosen if not any(matches(op, value) for value in exclude)]
    if not chosen:
        raise OpenAPIError("--include and --exclude leave no operation; include more, or exclude less")
    return chosen


def tool_name(operation: Operation) -> str:
    """verb_noun, from the operationId if it has one, else from the method and path; at most 64 characters."""
    operation_id = operation.spec.get("operationId")
    parts = operation_tool_name(operation_id) if isinstance(operation_id, str) else []
    return identifier(parts or route_tool_name(operation.method, operation.path), "call")


def escaped(data: Any) -> Any:
    """Every text with its `$` doubled, so that the loader's `${VAR}` reads the document's `$` as written."""
    if isinstance(data, str):
        return data.replace("$", "$$")
    if isinstance(data, dict):
        return {key: escaped(value) for key, value in data.items()}
    if isinstance(data, list):
        return [escaped(value) for value in data]
    return data


def _check(document: Any) -> str:
    if not isinstance(document, Mapping):
        raise OpenAPIError("the document is not a JSON or YAML object; give an OpenAPI 3.0 or 3.1 document")
    version = document.get("openapi")
    if "swagger" in document:
        hint = "convert it to OpenAPI 3 first, e.g. with npx swagger2openapi"
        raise OpenAPIError(f"this is a Swagger {document.get('swagger')} document, not OpenAPI 3 ({hint})")
    if not isinstance(version, str) or not re.match(r"^3\.[01]\b", version):
        raise OpenAPIError(f"openapi: {version!r} is not a version this reads; give an OpenAPI 3.0 or 3.1 document")
    if not isinstance(document.get("paths"), Mapping) or not document["paths"]:
        raise OpenAPIError("the document has no paths, so there is nothing to make tools of")
    return version


def _given(value: str, pattern: str, option: str, hint: str) -> str:
    if not re.match(pattern, value):
        raise OpenAPIError(f"{option} '{value}' is not a valid name: use lower case letters, digits and _ ({hint})")
    return value


def _base_url(document: Mapping[str, Any], variable: str, source_url: str | None, notes: list[str]) -> str:
    """`${NAME_URL:-<servers[0].url>}`, its variables at their defaults.

    A relative URL is resolved against where the document came from, or left for the user to set.
    """
    servers = [server for server in document.get("servers") or [] if isinstance(server, Mapping)]
    url = str(servers[0].get("url") or "/") if servers else "/"
    for key, spec in ((servers[0].get("variables") or {}) if servers else {}).items():
        url = url.replace(f"{{{key}}}", str(spec.get("default", "")) if isinstance(spec, Mapping) else "")
    if not urlsplit(url).scheme and source_url:
        url = urljoin(source_url, url)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or "{" in url:
        notes.append(f"the document names no absolute server URL ({url!r}): set {variable} to the API's URL")
        return f"${{{variable}}}"
    return f"${{{variable}:-{parts._replace(query='', fragment='').geturl().rstrip('/')}}}"


def _auth(document: Mapping[str, Any], prefix: str, notes: list[str]) -> dict[str, str] | None:
    """The first scheme the document asks for (else declares) that an upstream can use: a bearer token or a header."""
    components: Mapping[str, Any] = document["components"] if isinstance(document.get("components"), Mapping) else {}
    found = components.get("securitySchemes")
    schemes: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    wanted = [key for requirements in _requirements(document) for requirement in requirements for key in requirement]
    unusable: list[str] = []
    for key in dict.fromkeys([*wanted, *schemes]):
        scheme = Refs(document).follow(schemes.get(key))
        if not isinstance(scheme, Mapping):
            continue
        kind = scheme.get("type")
        if (kind == "http" and str(scheme.get("scheme")).lower() == "bearer") or kind in ("oauth2", "openIdConnect"):
            return {"bearer_env": f"{prefix}_TOKEN"}
        if kind == "apiKey" and scheme.get("in") == "header" and isinstance(scheme.get("name"), str):
            return {"header": scheme["name"], "env": f"{prefix}_API_KEY"}
        unusable.append(f"{key} ({kind}{' in ' + str(scheme.get('in')) if scheme.get('in') else ''})")
    if unusable:
        notes.append(f"no auth: an upstream cannot sign in with {listed(unusable, 'or')}; add one by hand if needed")
    return None


def _requirements(document: Mapping[str, Any]) -> Iterator[list[Mapping[str, Any]]]:
    """The document's security requirements, then each operation's."""
    yield [r for r in document.get("security") or [] if isinstance(r, Mapping)]
    for item in (document.get("paths") or {}).values():
        for operation in item.values() if isinstance(item, Mapping) else ():
            if isinstance(operation, Mapping):
                yield [r for r in operation.get("security") or [] if isinstance(r, Mapping)]
