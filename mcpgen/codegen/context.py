"""What the templates are given: the compiled connector as Python source, and what the project is made of."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path
from typing import Any

from mcpgen.codegen.literals import UPSTREAM, constructed, py
from mcpgen.codegen.samples import round_trip
from mcpgen.runtime import actions as runtime_actions
from mcpgen.runtime.actions import Handler, Request
from mcpgen.runtime.env import VARIABLE
from mcpgen.runtime.model import Model
from mcpgen.runtime.tool import Connector
from mcpgen.runtime.upstream import Upstream
from mcpgen.spec import LoadedSpec
from mcpgen.spec.model import Spec
from mcpgen.spec.widgets import load_widgets
from mcpgen.storage import DEFAULT_PATH

# Names connector.py defines itself: a model's constant must not take one.
_TAKEN = frozenset({"CONNECTOR", "DATABASE", "DEFINITIONS", "HERE", "MODELS", "RESOURCES", "SCHEMA", "TOOLS"})
_STORES = {
    "sqlite": ("sqlite", "SQLiteStore", "the SQLite file"),
    "postgres": ("postgres", "PostgresStore", "the PostgreSQL database"),
    "memory": ("memory", "MemoryStore", ""),
}


def package_name(spec: Spec) -> str:
    """The generated package: `kanban` → `kanban_mcp`."""
    return spec.name.replace("-", "_") + "_mcp"


def context(loaded: LoadedSpec, connector: Connector) -> dict[str, Any]:
    """The variables of every template."""
    spec = loaded.spec
    constants = {name: _constant(name) for name in connector.models}
    upstreams = {
        action.upstream.name: action.upstream
        for tool in connector.tools.values()
        if isinstance(action := tool.action, Request)
    }
    constants |= {UPSTREAM + name: _constant(name) + "_API" for name in upstreams}
    handlers = {
        (action.function.__module__.rpartition(".")[2], action.function.__name__): action.function
        for tool in connector.tools.values()
        if isinstance(action := tool.action, Handler)
    }
    module, store, what = _STORES[spec.storage.backend]
    widgets = load_widgets(spec.widgets, loaded.base_dir)
    return {
        "spec": spec,
        "spec_file": loaded.file.name,
        "package": package_name(spec),
        "distribution": spec.name + "-mcp",
        "connector": connector,
        "models": [
            (
                constants[name],
                name,
                [(field, constructed(spec_, constants)) for field, spec_ in model.fields.items()],
                model_settings(model),
            )
            for name, model in connector.models.items()
        ],
        "model_constants": constants,
        "upstreams": [
            (constants[UPSTREAM + name], constructed(upstream, constants, positional=2), _variables(upstream))
            for name, upstream in upstreams.items()
        ],
        "handlers": sorted(handlers),
        "handler_files": {f"{module}.py": _source_file(function) for (module, _), function in handlers.items()},
        "mapped": any(isinstance(tool.action, Request) and tool.action.result for tool in connector.tools.values()),
        "tools": [(name, constructed(tool.action, constants), tool.response) for name, tool in connector.tools.items()],
        "action_classes": sorted(set(runtime_actions.__all__) - {"Action", "RecordAction"}),  # ruff drops the unused
        "rows": [
            (name, tool.definition.get("title", name), _first_sentence(tool.definition.get("description", "")))
            for name, tool in connector.tools.items()
        ],
        "auth": constructed(connector.auth, constants, positional=0),
        "auth_type": connector.auth.type,
        "store_module": module,
        "store_class": store,
        "database": (database := _database(loaded)),
        "database_variables": [match[1] for match in VARIABLE.finditer(database or "") if match[1]],
        "database_what": what,
        "schema": spec.storage.schema_name or "public",
        "widget_files": {uri: f"widgets/{widget.name}.html" for widget in widgets.values() for uri in widget.uris},
        "widget_texts": {f"widgets/{widget.name}.html": widget.html for widget in widgets.values()},
        "tools_json": json.dumps([tool.definition for tool in connector.tools.values()], indent=2, ensure_ascii=False),
        "resources_json": json.dumps(
            [resource.definition for resource in connector.resources.values()], indent=2, ensure_ascii=False
        ),
        "trip": round_trip(connector),
    }


def model_settings(model: Model) -> list[tuple[str, str]]:
    """The keyword arguments of a Model beyond its fields, as source: display, then those that are not defaults."""
    settings = [("display", py(model.display))]
    for key in ("unique", "owner", "search", "renamed_from"):
        value = getattr(model, key)
        if value not in ((), None):
            settings.append((key, py(value)))
    return settings


def _constant(model: str) -> str:
    constant = model.upper()
    return constant + "_MODEL" if constant in _TAKEN else constant


def _database(loaded: LoadedSpec) -> str | None:
    """--database's default as the spec wrote it, ${VAR}s kept so that they are read when the server starts.

    A PostgreSQL URL is only ever read from the environment (it may hold a password): $DATABASE_URL unless the
    spec names its own variable.
    """
    storage, written = loaded.spec.storage, loaded.positions.written
    if storage.backend == "postgres":
        url = written.get(("storage", "url"), "")
        return url if VARIABLE.search(url) else "${DATABASE_URL}"
    if storage.backend == "sqlite":
        return written.get(("storage", "path"), storage.path or DEFAULT_PATH)
    return None


def _variables(upstream: Upstream) -> list[str]:
    """The environment variables an upstream reads: those of its base URL, then its secret's."""
    found = [match[1] for match in VARIABLE.finditer(upstream.base_url) if match[1]]
    return found + [name for name in (upstream.bearer_env, upstream.env) if name]


def _source_file(function: Any) -> str:
    """The text of the module a handler is in, as it is."""
    return Path(inspect.getfile(function)).read_text(encoding="utf-8")


def _first_sentence(text: str) -> str:
    sentence = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    return sentence.replace("|", "\\|").replace("\n", " ")


def runtime_files(postgres: bool) -> dict[Path, str]:
    """The runtime's files, to copy byte for byte (PostgreSQL's modules only where used: they need psycopg)."""
    root = Path(__file__).resolve().parent.parent / "runtime"
    files = {}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parent == Path("storage") and relative.name.startswith("postgres") and not postgres:
            continue
        files[relative] = path.read_text(encoding="utf-8")
    return files
