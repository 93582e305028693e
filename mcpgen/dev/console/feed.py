"""The console's live feed: every call the server logs and every edit of the spec, to each open console page."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any

CALLS = "mcpgen.runtime.logs"  # the logger of the line every call writes (runtime/logs.py)


class Feed:
    """Keeps the latest calls and hands every event to each page's queue, on the server's loop."""

    def __init__(self, keep: int = 200) -> None:
        self.calls: deque[dict[str, Any]] = deque(maxlen=keep)
        self._queues: set[asyncio.Queue[dict[str, Any]]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None

    def subscribe(self) -> asyncio.Queue[dict[str, Any]]:
        """A queue that hears every event from now on (drop it with `unsubscribe`)."""
        self._loop = asyncio.get_running_loop()
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=1000)
        self._queues.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        """Stops telling that queue."""
        self._queues.discard(queue)

    def publish(self, event: dict[str, Any]) -> None:
        """Tells every page, from any thread; a page too slow to take 1,000 events misses the rest."""
        if event["type"] == "call":
            self.calls.append(event["call"])
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._deliver, event)

    def _deliver(self, event: dict[str, Any]) -> None:
        for queue in self._queues:
            if not queue.full():
                queue.put_nowait(event)


class CallTap(logging.Handler):
    """Publishes the fields of each call's log line (never argument values unless logging is at DEBUG level)."""

    def __init__(self, feed: Feed) -> None:
        super().__init__(logging.INFO)
        self.feed = feed

    def emit(self, record: logging.LogRecord) -> None:
        """A call's line becomes a `call` event, with when it was written."""
        fields = getattr(record, "call", None)
        if isinstance(fields, dict):
            self.feed.publish({"type": "call", "call": {**fields, "time": record.created}})
