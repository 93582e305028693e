"""`python`: a function of the developer's in a module beside the spec (the runtime's Handler)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mcpgen.actions.base import Finding
from mcpgen.actions.declared import DeclaredKind, Scope, returns_schema
from mcpgen.runtime.actions import Handler
from mcpgen.spec.handlers import HandlerError, load_handler
from mcpgen.spec.model import ToolSpec


class PythonKind(DeclaredKind):
    """`handler` (module:function), with typed `parameters`, `returns` and `read_only`."""

    summary = "Runs a Python function of the developer's, in a module beside the spec, in one transaction."
    docs = {
        "handler": "module:function: a function in module.py beside the spec; it gets (arguments, context)",
        "parameters": "the function's parameters, typed like fields",
        "returns": "the keys of the dict it returns, typed like fields (its outputSchema)",
        "read_only": "whether the function only reads (default: false, so ChatGPT asks before each call)",
    }
    own_keys = frozenset({"handler"})
    read_only_default = False

    @property
    def name(self) -> str:
        """`python`."""
        return Handler.kind

    def hints(self, tool: ToolSpec) -> dict[str, bool]:
        """A read is safe to repeat; a write may overwrite."""
        reads = self.reads(tool)
        return {"read_only": reads, "destructive": not reads, "idempotent": reads, "open_world": False}

    def own_check(self, name: str, tool: ToolSpec, scope: Scope) -> Iterator[Finding]:
        """The handler loads."""
        if not tool.handler:
            yield (), "a python tool needs its handler", "e.g. handler: support_tools:escalate"
            return
        if scope.base_dir is None:
            return  # text without a folder: the module cannot be looked for
        try:
            load_handler(scope.base_dir, tool.handler)
        except HandlerError as exc:
            yield ("handler",), str(exc).removeprefix("handler: "), exc.hint

    def compile(self, name: str, tool: ToolSpec, scope: Scope) -> Handler:
        """The runtime's Handler, its function loaded afresh."""
        assert tool.handler is not None
        assert scope.base_dir is not None
        return Handler(load_handler(scope.base_dir, tool.handler), read_only=self.reads(tool))

    def output_schema(self, tool: ToolSpec) -> dict[str, Any] | None:
        """The dict `returns` describes, if it does."""
        return returns_schema(tool.returns) if tool.returns else None
