"""The checks of `upstreams:` (what pydantic cannot see), and the runtime Upstreams they compile to."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from mcpgen.errors import Problem
from mcpgen.runtime.upstream import Upstream
from mcpgen.spec.loader import Positions
from mcpgen.spec.model import IDENTIFIER, UpstreamSpec

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def upstream_problems(at: Positions, upstreams: Mapping[str, UpstreamSpec]) -> Iterator[Problem]:
    """Names, base URLs that are http(s) with a host, and credentials that come from one variable each."""
    for name, upstream in upstreams.items():
        path = ("upstreams", name)
        if not re.match(IDENTIFIER, name):
            yield at.problem(
                path, f"'{name}' is not a valid upstream name", "use lower case letters, digits and _", key=True
            )
        url = urlsplit(upstream.base_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            hint = 'e.g. base_url: "${CRM_URL:-https://crm.example.com/api}"'
            yield at.problem((*path, "base_url"), f"'{upstream.base_url}' is not an http(s) URL with a host", hint)
        elif url.query or url.fragment:
            yield at.problem((*path, "base_url"), "a base_url has no query", "give query values in each request")
        auth = upstream.auth
        if auth is None:
            continue
        if auth.bearer_env and (auth.header or auth.env):
            hint = "either bearer_env, or header with env"
            yield at.problem((*path, "auth"), "give one way of signing in, not both", hint)
        elif not auth.bearer_env and not (auth.header and auth.env):
            hint = "e.g. auth: {bearer_env: CRM_TOKEN}, or auth: {header: X-Api-Key, env: CRM_KEY}"
            yield at.problem((*path, "auth"), "auth needs bearer_env, or header with env", hint)
        for key in ("bearer_env", "env"):
            value = getattr(auth, key)
            if value is not None and not ENV_NAME.match(value):
                hint = "name the variable that holds the secret, not the secret itself"
                yield at.problem((*path, "auth", key), f"'{key}' is not a variable name", hint)


def compile_upstreams(upstreams: Mapping[str, UpstreamSpec], written: Mapping[Any, str]) -> dict[str, Upstream]:
    """The runtime Upstreams; base URLs as the spec wrote them, so their ${VAR}s are read when serving."""
    return {
        name: Upstream(
            name,
            written.get(("upstreams", name, "base_url"), upstream.base_url),
            bearer_env=upstream.auth.bearer_env if upstream.auth else None,
            header=upstream.auth.header if upstream.auth else None,
            env=upstream.auth.env if upstream.auth else None,
            timeout=float(upstream.timeout),
            retries=upstream.retries,
        )
        for name, upstream in upstreams.items()
    }
