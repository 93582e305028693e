"""Generated projects in tests: written to a folder, imported in this process, served beside mcpgen's own."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

from mcpgen.codegen import generate
from mcpgen.spec import LoadedSpec


def package_of(loaded: LoadedSpec) -> str:
    return loaded.spec.name.replace("-", "_") + "_mcp"


def import_generated(loaded: LoadedSpec, folder: Path) -> ModuleType:
    """Generates the project into `folder` and imports its server module (forgetting any earlier one of that name)."""
    generate(loaded, folder, force=True)
    package = package_of(loaded)
    for name in [name for name in sys.modules if name == package or name.startswith(package + ".")]:
        del sys.modules[name]
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(f"{package}.server")
    finally:
        sys.path.remove(str(folder))
