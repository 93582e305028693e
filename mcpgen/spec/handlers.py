"""Python handlers: `module:function` names a function in a module beside the spec, loaded afresh each time."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mcpgen.errors import McpgenError
from mcpgen.spec.files import outside

HANDLER = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):([A-Za-z_][A-Za-z0-9_]*)$")


class HandlerError(McpgenError):
    """A handler cannot be loaded; the message says why, and the hint what to write."""

    topic = "handler"

    def __init__(
        self, message: str, hint: str = "write `def function(arguments, context) -> dict` in that module"
    ) -> None:
        super().__init__(message)
        self.hint = hint


def module_file(base_dir: Path, handler: str) -> Path:
    """The file of `module:function`: module.py beside the spec."""
    return base_dir / f"{handler.partition(':')[0]}.py"


def load_handler(base_dir: Path, handler: str) -> Callable[..., Any]:
    """The function `module:function` names, from a fresh run of its module (so an edit is picked up)."""
    found = HANDLER.match(handler)
    if found is None:
        raise HandlerError(f"'{handler}' is not module:function, e.g. support_tools:escalate")
    module_name, function = found[1], found[2]
    path = module_file(base_dir, handler)
    if (refused := outside(base_dir, path.name)) is not None:  # a link that leads elsewhere is never run
        raise HandlerError(refused, hint="")
    if not path.is_file():
        raise HandlerError(f"no file {path.name} beside the spec")
    name = f"mcpgen_handlers.{module_name}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look their module up here
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[name]
        raise HandlerError(f"{path.name} does not load: {type(exc).__name__}: {exc}") from exc
    found_function = getattr(module, function, None)
    if not callable(found_function):
        public = [key for key, value in vars(module).items() if callable(value) and not key.startswith("_")]
        from mcpgen.errors import did_you_mean  # noqa: PLC0415

        raise HandlerError(f"{path.name} has no function {function}; {did_you_mean(function, public)}".rstrip("; "))
    function_: Callable[..., Any] = found_function
    return function_
