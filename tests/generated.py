"""Generated projects in tests: written to a folder, imported in this process, served beside mcpgen's own."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from mcpgen.codegen import generate, package_name
from mcpgen.spec import LoadedSpec


def import_generated(loaded: LoadedSpec, folder: Path) -> ModuleType:
    """Generates the project into `folder` and imports its connector module (forgetting any earlier one so named)."""
    generate(loaded, folder, force=True)
    package = package_name(loaded.spec)
    for name in [name for name in sys.modules if name == package or name.startswith(package + ".")]:
        del sys.modules[name]
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(f"{package}.connector")
    finally:
        sys.path.remove(str(folder))


def runtime_of(connector: ModuleType, module: str) -> ModuleType:
    """A module of the generated project's own copy of the runtime: `runtime_of(connector, "server")`."""
    return importlib.import_module(f"{connector.__package__}.runtime.{module}")


def generated_server(connector: ModuleType, database: str, store: Any = None) -> Any:
    """The generated project's runtime Server on `store`, else on `open_store(database)`."""
    server = runtime_of(connector, "server").Server
    return server(connector.CONNECTOR, store if store is not None else connector.open_store(database))
