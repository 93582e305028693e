"""`python`: a function of the developer's, given the checked arguments and a context, in one transaction."""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from ..errors import ToolError
from ..storage.base import Store, Transaction
from .base import Action, Caller, Result


@dataclass(frozen=True)
class Context:
    """What a handler works with: the transaction on the connector's storage, the caller, and a logger.

    `raise context.error("...")` ends the call with a tool error the model reads.
    """

    tx: Transaction
    subject: str | None
    owner: str
    log: logging.Logger

    @staticmethod
    def error(message: str) -> ToolError:
        """A tool error to raise: the model reads `message`."""
        return ToolError(message)


@dataclass(frozen=True)
class Handler(Action):
    """`function(arguments, context)`, sync or async, returns a dict: the tool's structured result."""

    function: Callable[[dict[str, Any], Context], Any]
    read_only: bool = False
    kind: ClassVar[str] = "python"
    declared: ClassVar[bool] = True

    async def call(self, store: Store, args: dict[str, Any], caller: Caller) -> Result:
        """The function's result, its writes committed with it (or none of them, when it raises)."""
        log = logging.getLogger(f"handler.{self.function.__module__}.{self.function.__name__}")
        async with store.transaction(write=not self.read_only, owner=caller.owner) as tx:
            result = self.function(dict(args), Context(tx, caller.subject, caller.owner, log))
            if inspect.isawaitable(result):
                result = await result
        if not isinstance(result, dict):
            name = self.function.__name__
            raise TypeError(f"the handler {name} returned {type(result).__name__}, not a dict")
        return result

    def summary(self, args: dict[str, Any], result: Result) -> str:
        """`text` or `message` when the result has one, else the result as JSON."""
        for key in ("text", "message"):
            if isinstance(result.get(key), str):
                return str(result[key])
        return json.dumps(result, ensure_ascii=False, default=str)
