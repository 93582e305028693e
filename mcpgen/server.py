"""The dynamic MCP server: a spec's tools on the official SDK's low-level Server, and the call boundary."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from mcp import types
from mcp.server import NotificationOptions, Server, ServerRequestContext
from mcp.server.models import InitializationOptions
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS

from mcpgen import __version__, ledger
from mcpgen.arguments import problems as argument_problems
from mcpgen.auth import ANONYMOUS, IDENTITY, LOCAL, Authenticator, Identity, advertised, refusal
from mcpgen.errors import ToolCallError
from mcpgen.listchanged import ListChanged
from mcpgen.spec import LoadedSpec
from mcpgen.spec.model import AuthSpec
from mcpgen.storage import open_store
from mcpgen.storage.base import Store
from mcpgen.tooldefs import ToolDef, build_tools
from mcpgen.view import client_view
from mcpgen.widgets import Widget, all_resources, load_widgets, read

log = logging.getLogger("mcpgen")


class _Server(Server[Any]):
    """Advertises tools.listChanged in the handshake era (the SDK has no flag for it)."""

    def create_initialization_options(
        self,
        notification_options: NotificationOptions | None = None,
        experimental_capabilities: dict[str, dict[str, Any]] | None = None,
        extensions: dict[str, dict[str, Any]] | None = None,
    ) -> InitializationOptions:
        options = notification_options or NotificationOptions(tools_changed=True)
        return super().create_initialization_options(options, experimental_capabilities, extensions)


class Connector:
    """A spec, its store and its MCP server; `call` is the one place tool errors become results."""

    def __init__(self, loaded: LoadedSpec, store: Store | None = None) -> None:
        spec = loaded.spec
        self.loaded = loaded
        self.widgets: dict[str, Widget] = load_widgets(loaded)
        self.tools: dict[str, ToolDef] = build_tools(spec, self.widgets)
        self.store = store or open_store(spec.storage, loaded.base_dir, spec.models)
        self._users = 0
        self._lock = anyio.Lock()
        self._retired: list[Store] = []  # stores replaced by a reload, closed at shutdown
        self.list_changed = ListChanged()
        self.server = _Server(
            spec.name,
            version=spec.version,
            title=spec.title,
            description=spec.description,
            instructions=spec.instructions,
            lifespan=lambda _server: self.running(),
            on_list_tools=self._list_tools,
            on_call_tool=self._call_tool,
            on_list_resources=self._list_resources,
            on_read_resource=self._read_resource,
            on_subscriptions_listen=self.list_changed.listen,
        )
        self.server.middleware.append(self.list_changed.track)
        self.resource: str | None = None  # the public /mcp URL, once served over HTTP
        self.authenticator: Authenticator | None = None  # checks HTTP callers while the spec has auth

    def protect(self, resource: str) -> None:
        """Serving over HTTP at `resource`: callers are checked as the spec's `auth:` says (now and after reloads)."""
        self.resource = resource
        self.authenticator = _authenticator(self.loaded.spec.auth, resource)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[dict[str, Any]]:
        """Keeps the store open while any transport (or caller) uses the connector."""
        async with self._lock:
            if self._users == 0:
                await self.store.open()
            self._users += 1
        try:
            yield {}
        finally:
            async with self._lock:
                self._users -= 1
                if self._users == 0:
                    self.list_changed.close()
                    for store in [*self._retired, self.store]:
                        await store.close()
                    self._retired.clear()

    async def swap(self, loaded: LoadedSpec) -> None:
        """Serves a new version of the spec: calls in flight finish on the old tools, the next ones see the new.

        Storage changes are applied additively, as at start-up; on StorageError nothing changes.
        """
        widgets = load_widgets(loaded)
        tools = build_tools(loaded.spec, widgets)
        old = self.loaded
        authenticator = self.authenticator
        if self.resource is not None and loaded.spec.auth != old.spec.auth:
            authenticator = _authenticator(loaded.spec.auth, self.resource)  # a missing bearer token refuses the edit
        if (loaded.spec.storage, loaded.base_dir) != (old.spec.storage, old.base_dir):
            store = open_store(loaded.spec.storage, loaded.base_dir, loaded.spec.models)
            await store.open()
            self._retired.append(self.store)
            self.store = store
        elif loaded.spec.models != old.spec.models:
            await self.store.migrate(loaded.spec.models)
        self.loaded, self.tools, self.widgets, self.authenticator = loaded, tools, widgets, authenticator
        await self.list_changed.announce()

    async def _list_tools(
        self, ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        loaded, tools = self.loaded, self.tools
        client = ctx.session.client_params.client_info if ctx.session.client_params else None
        if client is not None and client.name == ledger.CHATGPT:
            await self._record_listing(loaded, tools, client.version, ctx.session.protocol_version)
        return types.ListToolsResult(tools=[d.tool for d in tools.values()])

    async def _record_listing(self, loaded: LoadedSpec, tools: dict[str, ToolDef], version: str, protocol: str) -> None:
        """Remembers what ChatGPT now holds, for `mcpgen diff --since-chatgpt` and the stale-call guard."""
        view = client_view(loaded.spec, tools, all_resources(self.widgets))
        try:
            await anyio.to_thread.run_sync(ledger.record_listing, loaded, view, version, protocol)
        except OSError as exc:
            log.warning("could not record ChatGPT's tool listing: %s", exc)

    async def _list_resources(
        self, ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListResourcesResult:
        return types.ListResourcesResult(resources=all_resources(self.widgets))

    async def _read_resource(
        self, ctx: ServerRequestContext[Any], params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        found = read(self.widgets, params.uri)
        if found is None:
            raise MCPError(code=INVALID_PARAMS, message=f"Unknown resource {params.uri}")
        return found

    async def _call_tool(
        self, ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        identity = LOCAL
        if self.authenticator is not None and ctx.request is not None:  # the HTTP guard has checked the token
            identity = getattr(ctx.request.state, IDENTITY, ANONYMOUS)
        return await self.call(params.name, params.arguments, identity)

    async def call(
        self, name: str, arguments: dict[str, Any] | None, identity: Identity = LOCAL
    ) -> types.CallToolResult:
        """Runs one tool in one transaction; every failure comes back as an isError result."""
        tools = self.tools  # one consistent view for the whole call, even if a reload swaps them
        definition = tools.get(name)
        if definition is None:
            return await self._unknown(name, tools)
        refused = refusal(advertised(definition.tool), identity)
        if refused is not None and self.authenticator is not None:
            return self.authenticator.refused(name, *refused, identity)
        try:
            args = arguments or {}
            wrong = argument_problems(definition.validator, args)
            if wrong:
                return error(f"Invalid arguments for {name}:\n" + "\n".join(f"- {line}" for line in wrong))
            async with self.store.transaction() as tx:
                result = await definition.action.run(definition.bound, tx, args)
            text = _text(definition, args, result)
        except ToolCallError as exc:
            return error(str(exc))
        except Exception:
            reference = uuid.uuid4().hex[:8]
            log.exception("tool %s failed (ref %s)", name, reference)
            return error(f"{name} failed because of an internal error (ref {reference}); it was logged.")
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=text)],
            structured_content=result,
        )

    async def _unknown(self, name: str, tools: dict[str, ToolDef]) -> types.CallToolResult:
        """A call to a tool the spec lacks: a stale client's (renamed or removed tool), or a plain mistake."""
        loaded = self.loaded
        try:
            view = client_view(loaded.spec, tools, all_resources(self.widgets))
            stale = await anyio.to_thread.run_sync(ledger.stale_call, loaded, name, view)
        except (OSError, ValueError) as exc:
            log.warning("could not read the Refresh ledger: %s", exc)
            stale = None
        if stale:
            log.warning("a client called %s, which it saw before the spec changed: it needs a Refresh", name)
            return error(stale)
        return error(f"Unknown tool '{name}'. Available tools: {', '.join(tools)}.")


def _authenticator(auth: AuthSpec, resource: str) -> Authenticator | None:
    return Authenticator(auth, resource) if auth.type != "none" else None


def _text(definition: ToolDef, args: dict[str, Any], result: dict[str, Any]) -> str:
    if definition.template is None:
        return definition.action.summary(definition.bound, args, result)
    try:
        return definition.template.render(result=result, args=args, tool=definition.bound.name)
    except Exception:
        log.exception("the response template of %s failed; using the default text", definition.bound.name)
        return definition.action.summary(definition.bound, args, result) + "\n" + json.dumps(result)


def error(text: str) -> types.CallToolResult:
    """A tool error the model can read and act on."""
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)], is_error=True)


__all__ = ["Connector", "__version__", "error"]
