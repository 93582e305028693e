"""A connector served from a store: its tool list, the one call boundary, its resources, the store's life."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import anyio

from .actions.base import Caller
from .auth import LOCAL, Authenticator, Identity, refusal
from .changes import Changes
from .errors import ToolError
from .logs import called
from .model import ANONYMOUS_OWNER, LOCAL_OWNER
from .storage.base import Confirm, Store
from .telemetry import Telemetry
from .tool import Connector

if TYPE_CHECKING:
    from mcp.server import Server as SDKServer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """A tool call's result: the text the model reads, the structured result, or an error the model can act on."""

    text: str
    structured: dict[str, Any] | None = None
    error: bool = False
    meta: dict[str, Any] | None = field(default=None, compare=False)
    status: str = field(default="ok", compare=False)  # for logs and telemetry: ok, tool error, refused, internal error
    ref: str | None = field(default=None, compare=False)  # an internal error's, as the model was told it

    def as_json(self) -> dict[str, Any]:
        """The CallToolResult as it goes over the wire."""
        result: dict[str, Any] = {"content": [{"type": "text", "text": self.text}], "isError": self.error}
        if self.structured is not None:
            result["structuredContent"] = self.structured
        if self.meta:
            result["_meta"] = self.meta
        return result


def failure(text: str, status: str = "tool error", ref: str | None = None) -> Outcome:
    """A tool error the model can read and act on."""
    return Outcome(text, error=True, status=status, ref=ref)


class Server:
    """Serves `connector` from `store`.

    `connector` (and `store`) may be replaced while serving: a call in flight keeps the definitions it started with.
    """

    def __init__(self, connector: Connector, store: Store, authenticator: Authenticator | None = None) -> None:
        self.connector = connector
        self.store = store
        self.authenticator = authenticator  # checks HTTP callers; None: everyone may call
        self.resource: str | None = None  # the public /mcp URL, once served over HTTP (OAuth's audience)
        self._users = 0
        self._lock = anyio.Lock()
        self._retired: list[Store] = []  # stores replaced while serving, closed when serving ends
        self._mcp: SDKServer[Any] | None = None
        self.changes = Changes()  # the HTTP streams that hear of tool list changes
        self.confirm: Confirm | None = None  # shown the storage changes that opening the store would make
        self.telemetry: Telemetry | None = None  # spans and metrics, when OpenTelemetry is on

    @property
    def mcp(self) -> SDKServer[Any]:
        """The official SDK's low-level server for this one (stdio, in-memory clients)."""
        if self._mcp is None:
            self._mcp = self.sdk()
        return self._mcp

    def sdk(self) -> SDKServer[Any]:
        """Makes the SDK's server (once, on first use of `mcp`); what wraps this server may add to it."""
        from .sdk import sdk_server  # noqa: PLC0415 -- the SDK is loaded only where it is used

        return sdk_server(self)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Keeps the store open while any transport (or caller) uses the server."""
        async with self._lock:
            if self._users == 0:
                await self.store.open(self.confirm)
            self._users += 1
        try:
            yield
        finally:
            with anyio.CancelScope(shield=True):
                async with self._lock:
                    self._users -= 1
                    if self._users == 0:
                        await self.stopping()
                        for store in [*self._retired, self.store]:
                            await store.close()
                        self._retired.clear()

    def replace_store(self, store: Store) -> None:
        """Serves from `store` from now on; the old one is closed when serving ends."""
        self._retired.append(self.store)
        self.store = store

    async def stopping(self) -> None:
        """Called once when the last user stops, before the store closes (for what wraps the server)."""

    async def call(
        self,
        name: str,
        arguments: dict[str, Any] | None,
        identity: Identity = LOCAL,
        *,
        client: tuple[str, str] | None = None,
        protocol: str = "",
    ) -> Outcome:
        """Runs one tool in one transaction; every failure comes back as an error Outcome, never raised.

        Each call is logged: the tool, its outcome, how long it took, and the `client` and `protocol` that made it.
        """
        started = time.perf_counter()
        if self.telemetry is None:
            outcome = await self._call(name, arguments, identity)
        else:
            with self.telemetry.tool_call(name) as finished:
                outcome = await self._call(name, arguments, identity)
                finished(outcome.status)
        seconds = time.perf_counter() - started
        called(name, outcome, seconds, client=client, protocol=protocol, arguments=arguments)
        return outcome

    async def _call(self, name: str, arguments: dict[str, Any] | None, identity: Identity) -> Outcome:
        connector, store = self.connector, self.store  # one consistent view for the whole call
        tool = connector.tools.get(name)
        if tool is None:
            return failure(await self.unknown(name))
        refused = refusal(tool.schemes, identity)
        if refused is not None and self.authenticator is not None:
            return self.refused(name, *refused, identity)
        args = arguments or {}
        try:
            wrong = tool.arguments.problems(args)
            if wrong:
                return failure(f"Invalid arguments for {name}:\n" + "\n".join(f"- {line}" for line in wrong))
            # A record action is one transaction, all or nothing even when the call is cancelled: SQLite and memory
            # never suspend inside one, and PostgreSQL rolls back (or drops the connection) when one is interrupted.
            if tool.defaults:
                args = {**tool.defaults, **args}
            caller = Caller(self.owner(identity), identity.subject, identity.token)
            result = await tool.action.call(store, args, caller)
            if tool.output is not None and (wrong := tool.output.problems(result)):
                shape = "\n".join(f"- {line}" for line in wrong)
                log.warning("tool %s gave a result unlike its outputSchema:\n%s", name, shape)
                return failure(f"{name} gave a result unlike the one it declares (its returns):\n{shape}")
            return Outcome(tool.text(args, result), result)
        except ToolError as exc:
            return failure(str(exc))
        except Exception:
            reference = uuid.uuid4().hex[:8]
            log.exception("tool %s failed (ref %s)", name, reference)
            text = f"{name} failed because of an internal error (ref {reference}); it was logged."
            return failure(text, "internal error", reference)

    def owner(self, identity: Identity) -> str:
        """Whose records a caller works on: a signed-in caller's own; the one local owner's without OAuth.

        Callers that OAuth lets in without a token (noauth tools) share one owner, `anonymous`.
        """
        if identity.subject and (identity.local or self.connector.auth.type == "oauth"):
            return identity.subject
        if identity.local or self.connector.auth.type != "oauth":
            return LOCAL_OWNER
        return ANONYMOUS_OWNER

    async def unknown(self, name: str) -> str:
        """The error text for a call to a tool the connector does not have."""
        return f"Unknown tool '{name}'. Available tools: {', '.join(self.connector.tools)}."

    async def listed(self, client: tuple[str, str] | None, protocol: str) -> None:
        """Called when a client (its name and version, if it said) lists the tools; for what wraps the server."""

    def refused(self, tool: str, message: str, scopes: list[str], identity: Identity) -> Outcome:
        """The error of a call without the right token; its challenge makes ChatGPT start the sign-in."""
        assert self.authenticator is not None
        error = "invalid_token" if identity.problem else "insufficient_scope"
        text = f"{tool} needs authorization: {message}. Ask the user to connect their account."
        challenge = self.authenticator.challenge(error, message, scopes)
        return Outcome(text, error=True, meta={"mcp/www_authenticate": [challenge]}, status="refused")
