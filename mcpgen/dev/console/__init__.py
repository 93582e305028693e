"""`mcpgen dev`'s local console: the tools as a client sees them, their lint and diffs, calls, the live call log."""

from mcpgen.dev.console.app import around

__all__ = ["around"]
