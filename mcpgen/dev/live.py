"""`mcpgen serve`'s server: the runtime Server following its spec file, with list_changed and the Refresh ledger."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import anyio.to_thread

from mcpgen.dev import ledger
from mcpgen.dev.view import client_view
from mcpgen.runtime.auth import Authenticator
from mcpgen.runtime.server import Server
from mcpgen.runtime.storage.base import Store
from mcpgen.spec import LoadedSpec
from mcpgen.spec.compile import compile_spec
from mcpgen.storage import open_store

if TYPE_CHECKING:
    from mcp.server import Server as SDKServer

    from mcpgen.dev.listchanged import ListChanged

log = logging.getLogger("mcpgen")


class LiveServer(Server):
    """Serves a loaded spec; `swap` serves a new version of it without dropping sessions."""

    def __init__(self, loaded: LoadedSpec, store: Store | None = None) -> None:
        connector = compile_spec(loaded)
        super().__init__(connector, store or open_store(loaded.spec.storage, loaded.base_dir, connector.models))
        self.loaded = loaded
        self.list_changed: ListChanged | None = None  # the SDK's clients (stdio, in memory), once there are any
        self.problems: list[str] = []  # why the last edit of the spec is not served (the last good one is)
        self.watchers: list[Callable[[], None]] = []  # told of every edit reloaded, served or not (the console)

    def sdk(self) -> SDKServer[Any]:
        """The SDK's server, which also tells its clients of reloads (in both eras)."""
        from mcpgen.dev.listchanged import ListChanged  # noqa: PLC0415 -- HTTP serving needs no SDK
        from mcpgen.runtime.sdk import sdk_server  # noqa: PLC0415

        self.list_changed = ListChanged()
        server = sdk_server(self, self.list_changed.listen)
        server.middleware.append(self.list_changed.track)
        return server

    async def swap(self, loaded: LoadedSpec) -> None:
        """Serves a new version of the spec: calls in flight finish on the old tools, the next ones see the new.

        Storage changes are applied additively, as at start-up; on StorageError (or AuthError) nothing changes.
        """
        connector, old = compile_spec(loaded), self.loaded
        authenticator = self.authenticator
        if self.resource is not None and connector.auth != self.connector.auth:  # a missing token refuses the edit
            authenticator = Authenticator(connector.auth, self.resource) if connector.auth.type != "none" else None
        if (loaded.spec.storage, loaded.base_dir) != (old.spec.storage, old.base_dir):
            store = open_store(loaded.spec.storage, loaded.base_dir, connector.models)
            await store.open()
            self.replace_store(store)
        elif loaded.spec.models != old.spec.models:
            await self.store.migrate(connector.models)
        self.loaded, self.connector, self.authenticator = loaded, connector, authenticator
        self.changes.announce()
        if self.list_changed is not None:
            await self.list_changed.announce()

    async def stopping(self) -> None:
        """Ends the SDK's open listen streams, so shutting down does not wait on them."""
        if self.list_changed is not None:
            self.list_changed.close()

    async def listed(self, client: tuple[str, str] | None, protocol: str) -> None:
        """Remembers what ChatGPT now holds, for `mcpgen diff --since-chatgpt` and the stale-call guard."""
        if client is None or client[0] != ledger.CHATGPT:
            return
        loaded, view = self.loaded, client_view(self.connector)
        try:
            await anyio.to_thread.run_sync(ledger.record_listing, loaded, view, client[1], protocol)
        except Exception as exc:  # recording must never fail the listing
            log.warning("could not record ChatGPT's tool listing: %s", exc)

    async def unknown(self, name: str) -> str:
        """A call to a tool the spec lacks: a stale client's (renamed or removed tool), or a plain mistake."""
        loaded, connector = self.loaded, self.connector
        try:
            stale = await anyio.to_thread.run_sync(ledger.stale_call, loaded, name, client_view(connector))
        except (OSError, ValueError) as exc:
            log.warning("could not read the Refresh ledger: %s", exc)
            stale = None
        if stale:
            log.warning("a client called %s, which it saw before the spec changed: it needs a Refresh", name)
            return stale
        return await super().unknown(name)
