"""Logging: a line for every tool call, as text or as JSON (`--log-format json`), and how a server sets it up.

A call's line names the tool, its outcome (ok, tool error, refused, or internal error with its ref), how long it
took, the client and the protocol version; never argument values or tokens, unless logging is at DEBUG level.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from .server import Outcome

log = logging.getLogger(__name__)
TEXT = "%(levelname)s %(name)s: %(message)s"


def configure(log_format: str = "text", *, debug: bool = False) -> None:
    """Sends every log record (uvicorn's too) to stderr, as `TEXT` lines or as one JSON object a line."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.INFO)


class JsonFormatter(logging.Formatter):
    """`{"time", "level", "logger", "message", …}`: a call's fields as members of their own."""

    def format(self, record: logging.LogRecord) -> str:
        """One line of JSON."""
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry |= getattr(record, "call", {})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def called(
    tool: str,
    outcome: Outcome,
    seconds: float,
    *,
    client: tuple[str, str] | None,
    protocol: str,
    arguments: dict[str, Any] | None,
) -> None:
    """Logs one call: `call create_task: ok in 2.1 ms (client ChatGPT 1.0, protocol 2025-06-18)`."""
    if not log.isEnabledFor(logging.INFO):
        return
    name = " ".join(part for part in client or () if part) or "unknown"
    fields: dict[str, Any] = {
        "event": "call",
        "tool": tool,
        "outcome": outcome.status,
        "ms": round(seconds * 1000, 2),
        "client": name,
        "protocol": protocol or "unknown",
    }
    said = outcome.status
    if outcome.ref is not None:
        fields["ref"] = outcome.ref
        said += f" (ref {outcome.ref})"
    shown = ""
    if log.isEnabledFor(logging.DEBUG):
        try:
            shown = " with " + orjson.dumps(arguments or {}, default=str).decode()
            fields["arguments"] = arguments or {}
        except orjson.JSONEncodeError:  # refused arguments: a lone surrogate, or nested past what JSON encoders go
            fields["arguments"] = "(not shown: not encodable as JSON)"
            shown = f" with arguments {fields['arguments']}"
    log.info(
        "call %s: %s in %.1f ms (client %s, protocol %s)%s",
        tool,
        said,
        fields["ms"],
        name,
        fields["protocol"],
        shown,
        extra={"call": fields},
    )
