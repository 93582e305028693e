"""Telling open streams that the tool list changed (hot reload), and that the server is stopping."""

from __future__ import annotations

import asyncio


class Changes:
    """Each stream takes a queue; `announce` puts True in every one, `close` puts False (the stream ends)."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[bool]] = set()
        self.closed = False

    def listen(self) -> asyncio.Queue[bool]:
        """A queue that hears every announcement from now on (drop it with `forget`)."""
        queue: asyncio.Queue[bool] = asyncio.Queue()
        if self.closed:
            queue.put_nowait(False)
        self._queues.add(queue)
        return queue

    def forget(self, queue: asyncio.Queue[bool]) -> None:
        """Stops telling that queue."""
        self._queues.discard(queue)

    def announce(self) -> None:
        """The tool list changed."""
        for queue in self._queues:
            queue.put_nowait(True)

    def open(self) -> None:
        """Serving (again): streams may listen."""
        self.closed = False

    def close(self) -> None:
        """The server is stopping: every stream ends."""
        self.closed = True
        for queue in self._queues:
            queue.put_nowait(False)
