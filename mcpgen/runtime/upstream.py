"""An HTTP API a connector's `http` tools call: its base URL, its credentials (from the environment), its client."""

from __future__ import annotations

import asyncio
import logging
import os
import weakref
from dataclasses import dataclass, field
from typing import Any

import httpx2

from .env import expand
from .errors import ToolError

log = logging.getLogger(__name__)

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})  # retried when the upstream fails to answer
RETRIED = frozenset({429, 502, 503, 504})  # answers that say "try again"
EXCERPT = 300  # characters of an error answer's body a tool error shows


@dataclass(frozen=True)
class Upstream:
    """`base_url` (its ${VAR}s read when first used); a bearer token in `bearer_env`, or a `header` set from `env`.

    Every request goes to the base URL's scheme, host and port: arguments fill in paths and values, never where.
    """

    name: str
    base_url: str
    bearer_env: str | None = None
    header: str | None = None
    env: str | None = None
    timeout: float = 10.0
    retries: int = 2
    _clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx2.AsyncClient] = field(
        default_factory=weakref.WeakKeyDictionary, init=False, repr=False, compare=False
    )

    def url(self) -> httpx2.URL:
        """The base URL, its variables read from the environment now."""
        text, _ = expand(self.base_url, os.environ)
        return httpx2.URL(text.rstrip("/"))

    def credentials(self) -> dict[str, str]:
        """The header that carries the secret, read from the environment now (never logged or shown)."""
        name = self.bearer_env or self.env
        if name is None:
            return {}
        secret = os.environ.get(name, "")
        if not secret:
            log.warning("upstream %s: $%s is not set, so its calls are refused", self.name, name)
            raise ToolError(f"The connector has no credentials for {self.name}: its operator must set ${name}.")
        return {"Authorization": f"Bearer {secret}"} if self.bearer_env else {self.header or "": secret}

    def client(self) -> httpx2.AsyncClient:
        """The connection pool of the running event loop (one per loop: a pool cannot move between loops)."""
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = httpx2.AsyncClient(timeout=self.timeout, follow_redirects=False)
            self._clients[loop] = client
        return client

    async def send(self, method: str, path: str, **request: Any) -> httpx2.Response:
        """The upstream's answer (of any status), retrying idempotent methods that it failed to answer."""
        base = self.url()
        url = base.copy_with(raw_path=(base.raw_path.rstrip(b"/") + path.encode("ascii")))
        if (url.scheme, url.host, url.port) != (base.scheme, base.host, base.port):
            raise ToolError(f"The request would leave {self.name}; it was not sent.")  # never, with quoted values
        attempts = 1 + (self.retries if method in IDEMPOTENT else 0)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = await self.client().request(method, url, **request)
            except httpx2.TimeoutException:
                if last:
                    raise ToolError(f"{self.name} did not answer within {self.timeout:g} s; try again later.") from None
            except httpx2.TransportError as exc:
                if last:
                    reason = type(exc).__name__
                    raise ToolError(f"{self.name} could not be reached ({reason}); try again later.") from None
            else:
                if response.status_code not in RETRIED or last:
                    return response
                await response.aclose()
            await asyncio.sleep(0.2 * 2**attempt)
        raise AssertionError("unreachable")  # the last attempt returns or raises

    def refusal(self, response: httpx2.Response, secrets: dict[str, str]) -> ToolError:
        """The tool error for an error answer: its status, what it means, and the start of its body."""
        status = response.status_code
        excerpt = " ".join(response.text.split())
        for secret in secrets.values():
            excerpt = excerpt.replace(secret.removeprefix("Bearer "), "***")
        excerpt = excerpt[:EXCERPT] + ("…" if len(excerpt) > EXCERPT else "")
        if status in (401, 403):
            meaning = f"the connector's credentials for {self.name} were refused, or do not allow this"
        elif status == 404:
            meaning = "it has no such thing: check the ids and paths given"
        elif status == 429:
            meaning = "too many requests: try again later"
        elif status >= 500:
            meaning = f"{self.name} failed: try again later"
        elif status < 400:
            meaning = "a redirect, which is not followed"
        else:
            meaning = "it refused the arguments: check them"
        reason = f" {response.reason_phrase}" if response.reason_phrase else ""
        body = f" Its answer: {excerpt}" if excerpt else ""
        return ToolError(f"{self.name} answered {status}{reason} ({meaning}).{body}")
