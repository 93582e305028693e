"""`http`: a call to an upstream HTTP API, its request filled in from the arguments and its answer mapped."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import quote

import orjson

from ..errors import ToolError
from ..storage.base import Store
from ..upstream import Upstream
from .base import Action, Caller, Result

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")  # `{email}`: an argument, in a path or a value
SHOWN = 4000  # characters of the answer the default text shows
_ABSENT = object()


@dataclass(frozen=True)
class Request(Action):
    """`method` `path` on `upstream`, with `query`, `headers` and a JSON `body` templated from the arguments.

    In a path, `{name}` is the argument URL-encoded (a `/` included); a value that is exactly `{name}` keeps the
    argument's JSON type; a query, header or body entry whose arguments are all absent is left out. `result` is a
    JMESPath expression that maps the answer (JSON, else its text); an answer that is not an object is given
    as `{result: ...}`.
    """

    upstream: Upstream
    method: str
    path: str
    query: tuple[tuple[str, Any], ...] = ()
    headers: tuple[tuple[str, Any], ...] = ()
    body: Any = None
    result: str | None = None
    forward_token: bool = False
    kind: ClassVar[str] = "http"
    declared: ClassVar[bool] = True
    _result: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.result:
            import jmespath  # noqa: PLC0415 -- only tools that map their answers need it

            object.__setattr__(self, "_result", jmespath.compile(self.result))
        else:
            object.__setattr__(self, "_result", None)

    async def call(self, store: Store, args: dict[str, Any], caller: Caller) -> Result:
        """The mapped answer; an error answer, a timeout or a failed connection is a tool error."""
        headers = {name: _header(name, value) for name, value in _filled(self.headers, args)}
        if self.forward_token:
            if not caller.token:
                raise ToolError("This tool acts for the signed-in user: ask them to connect their account.")
            secrets = {"Authorization": f"Bearer {caller.token}"}
        else:
            secrets = self.upstream.credentials()
        request: dict[str, Any] = {"headers": {**headers, **secrets}}
        if query := [(name, _text(value)) for name, value in _filled(self.query, args)]:
            request["params"] = [(name, item) for name, value in query for item in _items(value)]
        if self.body is not None:
            body = _fill(self.body, args)
            request["content"] = orjson.dumps(None if body is _ABSENT else body)
            request["headers"].setdefault("Content-Type", "application/json")
        response = await self.upstream.send(self.method, _path(self.path, args), **request)
        if response.status_code >= 300:
            raise self.upstream.refusal(response, secrets)
        answer = _parsed(response.text)
        if self._result is not None:
            answer = self._result.search(answer)
        return answer if isinstance(answer, dict) else {"result": answer}

    def summary(self, args: dict[str, Any], result: Result) -> str:
        """The mapped answer as JSON (its start, when it is long)."""
        text = json.dumps(result, ensure_ascii=False)
        return text if len(text) <= SHOWN else text[:SHOWN] + " … (cut here: the structured result has it all)"


def _path(template: str, args: dict[str, Any]) -> str:
    """The path with each `{name}` URL-encoded, `/`, `?`, `#` and a lone `.` or `..` included."""

    def segment(match: re.Match[str]) -> str:
        value = args.get(match[1])
        if value is None:
            raise ToolError(f"{match[1]}: missing (required): it is part of the path.")
        text = quote(",".join(_items(_text(value))), safe="")
        return text.replace(".", "%2E") if text in (".", "..") else text

    return PLACEHOLDER.sub(segment, template)


def _filled(entries: tuple[tuple[str, Any], ...], args: dict[str, Any]) -> list[tuple[str, Any]]:
    """The entries whose templates have their arguments, filled in."""
    filled = ((name, _fill(value, args)) for name, value in entries)
    return [(name, value) for name, value in filled if value is not _ABSENT]


def _fill(template: Any, args: dict[str, Any]) -> Any:
    """A template filled in from the arguments; _ABSENT when the arguments it needs are."""
    if isinstance(template, str):
        whole = PLACEHOLDER.fullmatch(template)
        if whole:
            return args[whole[1]] if args.get(whole[1]) is not None else _ABSENT
        names = PLACEHOLDER.findall(template)
        if any(args.get(name) is None for name in names):
            return _ABSENT
        return PLACEHOLDER.sub(lambda match: _text(args[match[1]]), template)
    if isinstance(template, dict):
        filled = {key: _fill(value, args) for key, value in template.items()}
        return {key: value for key, value in filled.items() if value is not _ABSENT}
    if isinstance(template, list | tuple):
        return [item for item in (_fill(value, args) for value in template) if item is not _ABSENT]
    return template


def _text(value: Any) -> Any:
    """A value as text in a URL or header (true, not True); a list stays a list of texts."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [_text(item) for item in value]
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _items(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value]


def _header(name: str, value: Any) -> str:
    text = ",".join(_items(_text(value)))
    if any(char in text for char in "\r\n\0"):
        raise ToolError(f"{name}: a header value cannot hold line breaks.")
    return text


def _parsed(text: str) -> Any:
    """The answer as JSON, else as its text (None when empty)."""
    if not text.strip():
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return text
