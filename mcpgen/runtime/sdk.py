"""The connector on the official SDK's low-level Server: for stdio and in-memory clients, and as the reference."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from mcp import types
from mcp.server import NotificationOptions, ServerRequestContext
from mcp.server import Server as SDKServer
from mcp.server.models import InitializationOptions
from mcp.shared.exceptions import MCPError

from .auth import ANONYMOUS, LOCAL, Identity
from .tool import Connector

if TYPE_CHECKING:
    from .server import Server


class _Server(SDKServer[Any]):
    """Advertises tools.listChanged in the handshake era (the SDK has no flag for it)."""

    def create_initialization_options(
        self,
        notification_options: NotificationOptions | None = None,
        experimental_capabilities: dict[str, dict[str, Any]] | None = None,
        extensions: dict[str, dict[str, Any]] | None = None,
    ) -> InitializationOptions:
        """The SDK's options with tools_changed on."""
        options = notification_options or NotificationOptions(tools_changed=True)
        return super().create_initialization_options(options, experimental_capabilities, extensions)


class _Listings:
    """The SDK's models of a connector's lists, made once per connector (a reload makes a new connector)."""

    def __init__(self) -> None:
        self._for: Connector | None = None
        self.tools: list[types.Tool] = []
        self.resources: list[types.Resource] = []

    def of(self, connector: Connector) -> _Listings:
        if connector is not self._for:
            self.tools = [types.Tool.model_validate(tool.definition) for tool in connector.tools.values()]
            self.resources = [types.Resource.model_validate(r.definition) for r in connector.resources.values()]
            self._for = connector
        return self


def sdk_server(server: Server, listen: Any = None) -> SDKServer[Any]:
    """A low-level SDK server whose handlers are `server`'s; `listen` serves 2026-07-28 subscriptions."""
    listings = _Listings()
    connector = server.connector

    @asynccontextmanager
    async def lifespan(_: SDKServer[Any]) -> AsyncIterator[dict[str, Any]]:
        async with server.running():
            yield {}

    async def list_tools(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        current = server.connector
        client = ctx.session.client_params.client_info if ctx.session.client_params else None
        await server.listed((client.name, client.version) if client else None, ctx.session.protocol_version)
        return types.ListToolsResult(tools=listings.of(current).tools)

    async def call_tool(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> types.CallToolResult:
        identity: Identity = LOCAL
        if server.authenticator is not None and ctx.request is not None:  # the HTTP guard has checked the token
            user = ctx.request.scope.get("user")
            identity = user if isinstance(user, Identity) else ANONYMOUS
        info = ctx.session.client_params.client_info if ctx.session.client_params else None
        client = (info.name, info.version) if info else None
        outcome = await server.call(
            params.name, params.arguments, identity, client=client, protocol=str(ctx.session.protocol_version or "")
        )
        return types.CallToolResult.model_validate(outcome.as_json())

    async def list_resources(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListResourcesResult:
        return types.ListResourcesResult(resources=listings.of(server.connector).resources)

    async def read_resource(
        ctx: ServerRequestContext[Any], params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        resource = server.connector.resources.get(params.uri)
        if resource is None:
            raise MCPError(code=types.INVALID_PARAMS, message=f"Unknown resource {params.uri}")
        return types.ReadResourceResult(contents=[types.TextResourceContents.model_validate(resource.contents())])

    return _Server(
        connector.name,
        version=connector.version,
        title=connector.title,
        description=connector.description,
        instructions=connector.instructions,
        lifespan=lifespan,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        on_list_resources=list_resources,
        on_read_resource=read_resource,
        on_subscriptions_listen=listen,
    )
