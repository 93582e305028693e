"""Tells connected clients that the tool list changed, in both protocol eras."""

from __future__ import annotations

import time
from typing import Any

from mcp.server import ServerRequestContext
from mcp.server.context import CallNext, HandlerResult
from mcp.server.session import ServerSession
from mcp.server.subscriptions import InMemorySubscriptionBus, ListenHandler, ToolsListChanged

MODERN = "2026-07-28"
IDLE = 1800.0  # the SDK ends HTTP sessions idle this long; forget them too


class ListChanged:
    """Handshake-era sessions get a pushed notification; 2026-era clients hear it on their listen streams."""

    def __init__(self) -> None:
        self.bus = InMemorySubscriptionBus()
        self.listen = ListenHandler(self.bus)
        # The SDK has no public list of sessions nor a "closed" hook: remember each by its
        # Mcp-Session-Id (one per process on stdio) with when it was last seen.
        self._sessions: dict[str, tuple[ServerSession, float]] = {}

    async def track(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        """Server middleware: remembers every handshake-era session that sends a request."""
        if ctx.protocol_version != MODERN:
            headers = ctx.request.headers if ctx.request is not None else None
            key = headers.get("mcp-session-id") if headers is not None else "local"
            if key:  # stateless HTTP has no session to push to
                self._sessions[key] = (ctx.session, time.monotonic())
        return await call_next(ctx)

    async def announce(self) -> None:
        """Tells every listening client that the tool list changed."""
        await self.bus.publish(ToolsListChanged())
        now = time.monotonic()
        for key, (session, seen) in list(self._sessions.items()):
            if now - seen > IDLE:
                del self._sessions[key]
            else:
                await session.send_tool_list_changed()  # dropped silently where there is no channel

    def close(self) -> None:
        """Ends open listen streams, so shutting down does not wait on them."""
        self.listen.close()
