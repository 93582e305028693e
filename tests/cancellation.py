"""Cancelling a call at each of its suspension points, exactly as a Task is cancelled there."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any


async def cancelled_at(coro: Coroutine[Any, Any, Any], point: int) -> bool:
    """Drives `coro` as a Task would, and cancels it at its `point`-th suspension (1 is the first).

    True when it finished before that point (there are fewer), False when the cancellation ended it.
    """
    value: Any = None
    error: BaseException | None = None
    suspensions = 0
    while True:
        try:
            future = coro.throw(error) if error is not None else coro.send(value)
        except StopIteration:
            return suspensions < point
        except asyncio.CancelledError:
            return False
        value, error = None, None
        suspensions += 1
        if future is None:  # a bare yield: let the loop run once
            await asyncio.sleep(0)
        else:
            future._asyncio_future_blocking = False  # what Task.__step does before waiting on it
            await asyncio.wait([future])
            if future.cancelled():
                error = asyncio.CancelledError()
            elif future.exception() is not None:
                error = future.exception()
            else:
                value = future.result()
        if suspensions == point:
            error = asyncio.CancelledError()  # task.cancel(): raised where the coroutine is suspended
