"""The errors of a running connector: one root for what stops it starting, and the tool error the model reads."""

from __future__ import annotations


class McpgenError(Exception):
    """Something cannot be done as configured; the message says why and what to do (the CLI's exit code 1)."""

    topic = ""  # what the CLI names before the message: "storage", "auth", ...
    exit_code = 1

    def __str__(self) -> str:
        """The message, after its topic: `storage: PostgreSQL at ...`."""
        message = super().__str__()
        return f"{self.topic}: {message}" if self.topic else message


class UsageError(McpgenError):
    """An option or setting that cannot be used as given."""

    exit_code = 2


class StorageError(McpgenError):
    """The store cannot be opened as the models ask (unreachable, or an incompatible change); the text says why."""

    topic = "storage"


class AuthError(McpgenError):
    """Callers cannot be checked as configured (e.g. the bearer token's variable is not set)."""

    topic = "auth"


class ToolError(Exception):
    """A failure the model should read and act on: bad arguments, not found, conflict."""


class ConstraintError(ToolError):
    """A write the database refused because it breaks a unique key or a reference (checked first, so rarely seen)."""
