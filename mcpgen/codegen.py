"""`mcpgen generate`: renders templates/ into a standalone project that serves a spec without mcpgen."""

from __future__ import annotations

import json
import keyword
import math
import re
import subprocess
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

from mcpgen.actions import ACTIONS
from mcpgen.actions.base import plural
from mcpgen.actions.board import card_fields
from mcpgen.actions.create import settable
from mcpgen.auth import all_scopes
from mcpgen.fields import display_field, id_field
from mcpgen.spec import LoadedSpec
from mcpgen.spec.model import LimitSpec, Spec
from mcpgen.tooldefs import build_tools, wire
from mcpgen.widgets import all_resources, load_widgets

MANIFEST = ".mcpgen-files"  # what the last `generate` wrote: the files it may overwrite or remove
KEPT = (".venv", "data", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache")  # made by running it
# Names the generated handlers module imports or defines: a tool's function must not shadow them.
_TAKEN = frozenset(
    {
        *("annotations", "json", "Any", "Args", "Result", "ToolError", "Transaction", "TEMPLATES"),
        *("document_id", "document_title", "label", "new_record", "normalise", "not_found", "now_text"),
        *("page_result", "page_summary", "page_window", "render_url", "search_terms", "column_title"),
    }
)


class GenerateError(Exception):
    """The project cannot be written where asked; the text says why and what to do."""


def templates_dir() -> Path:
    """templates/ inside the installed package (a wheel) or at the top of a checkout."""
    for folder in (Path(__file__).parent / "templates", Path(__file__).parent.parent / "templates"):
        if folder.is_dir():
            return folder
    raise GenerateError("mcpgen's templates/ folder is missing from this installation")


def default_output(loaded: LoadedSpec) -> Path:
    return Path("generated") / loaded.spec.name


def generate(loaded: LoadedSpec, out: Path, *, force: bool = False) -> list[Path]:
    """Writes the project for `loaded` into `out` and returns the files written, relative to it."""
    files = render(loaded)
    previous = _manifest(out)
    strangers = [path for path in _existing(out) if path not in previous and path not in files]
    if strangers and not force:
        shown = ", ".join(map(str, strangers[:5])) + (" …" if len(strangers) > 5 else "")
        raise GenerateError(f"{out} holds files mcpgen did not write ({shown}); pass --force to write there anyway")
    for stale in sorted(previous - files.keys()):
        (out / stale).unlink(missing_ok=True)
    for relative, text in files.items():
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
    (out / MANIFEST).write_text("".join(f"{path}\n" for path in sorted(map(str, files))), encoding="utf-8")
    return sorted(files)


def render(loaded: LoadedSpec) -> dict[Path, str]:
    """Every file of the project, by relative path, formatted as `ruff format` leaves it."""
    context = _context(loaded)
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    environment.filters["py"] = py
    environment.filters["markdown_cell"] = lambda text: str(text).replace("|", "\\|").replace("\n", " ")
    package = context["package"]
    names = {
        "pyproject.toml": "pyproject.toml.jinja",
        "README.md": "README.md.jinja",
        "Makefile": "Makefile.jinja",
        "Dockerfile": "Dockerfile.jinja",
        ".dockerignore": "dockerignore.jinja",
        ".gitignore": "gitignore.jinja",
        f"{package}/tools.json": "tools.json.jinja",
        f"{package}/__init__.py": "package/__init__.py.jinja",
        f"{package}/__main__.py": "package/__main__.py.jinja",
        f"{package}/server.py": "package/server.py.jinja",
        f"{package}/handlers.py": "package/handlers.py.jinja",
        f"{package}/models.py": "package/models.py.jinja",
        f"{package}/runtime.py": "package/runtime.py.jinja",
        f"{package}/store.py": "package/store_postgres.py.jinja" if context["postgres"] else "package/store.py.jinja",
        "tests/__init__.py": None,
        "tests/conftest.py": "tests/conftest.py.jinja",
        "tests/test_tools.py": "tests/test_tools.py.jinja",
        "tests/test_errors.py": "tests/test_errors.py.jinja",
    }
    if context["uses_templates"]:
        names[f"{package}/texts.py"] = "package/texts.py.jinja"
    if context["trip"]:
        names["tests/test_round_trip.py"] = "tests/test_round_trip.py.jinja"
    if context["auth"]:
        names[f"{package}/auth.py"] = "package/auth.py.jinja"
    if context["widgets"]:
        names[f"{package}/resources.json"] = "resources.json.jinja"
    files = {
        Path(path): environment.get_template(template).render(context) if template else ""
        for path, template in names.items()
    }
    for name, widget in context["widgets"].items():
        files[Path(package, "widgets", f"{name}.html")] = widget.html  # the widget's own file, as it is
    return _formatted(files)


def _context(loaded: LoadedSpec) -> dict[str, Any]:
    spec = loaded.spec
    package = spec.name.replace("-", "_") + "_mcp"
    models = [_model(spec, name) for name in spec.models]
    widgets = load_widgets(loaded)
    resources = [item.model_dump(mode="json", by_alias=True, exclude_none=True) for item in all_resources(widgets)]
    tools = _tools(spec, {model["name"]: model["constant"] for model in models})
    uses_templates = any(tool.response or tool.url or tool.text for tool in spec.tools.values())
    return {
        "spec": spec,
        "spec_file": loaded.file.name,
        "package": package,
        "distribution": spec.name + "-mcp",
        "database": {"sqlite": f"data/{spec.name}.db", "memory": ":memory:"}.get(spec.storage.backend),
        "models": [SimpleNamespace(**model) for model in models],
        "tools": [SimpleNamespace(**tool) for tool in tools],
        "responses": [(name, tool.response) for name, tool in spec.tools.items() if tool.response],
        "uses_templates": uses_templates,
        "tools_json": json.dumps(wire(build_tools(spec, widgets)), indent=2, ensure_ascii=False),
        "resources_json": json.dumps(resources, indent=2, ensure_ascii=False),
        "widget_files": {
            uri: f"widgets/{widget.name}.html"
            for widget in widgets.values()
            for uri in (widget.app_uri, widget.skybridge_uri)
        },
        "widgets": widgets,
        "auth": spec.auth if spec.auth.type != "none" else None,
        "postgres": spec.storage.backend == "postgres",
        "schema": spec.storage.schema_name or "public",
        "create_server_doc": _create_server_doc(spec),
        "scopes_supported": all_scopes(spec.tools, spec.auth),
        "trip": SimpleNamespace(**trip) if (trip := _round_trip(loaded, tools)) else None,
    }


def _create_server_doc(spec: Spec) -> str:
    where = (
        "the PostgreSQL database at the URL `database`, its tables in `schema`"
        if spec.storage.backend == "postgres"
        else 'the SQLite file `database` (":memory:" keeps nothing)'
    )
    doc = f"The server, keeping its records in {where}."
    if spec.auth.type != "none":
        doc += (
            "\n\n    Over HTTP, `authenticator` checks the caller's token; clients without HTTP in between (stdio, in"
            " memory) are local.\n    "
        )
    return doc


def _model(spec: Spec, name: str) -> dict[str, Any]:
    model = spec.models[name]
    fields = []
    for field_name, field in model.fields.items():
        options = [
            (key, value)
            for key, value in (
                ("required", field.required or None),
                ("default", field.default),
                ("values", tuple(field.values) if field.type == "enum" and field.values else None),
                ("auto", field.auto),
            )
            if value is not None
        ]
        fields.append(SimpleNamespace(name=field_name, type=field.type, options=options))
    constant = name.upper() if name.upper() != "MODELS" else "MODELS_MODEL"
    return {
        "name": name,
        "constant": constant,
        "id": id_field(model),
        "display": display_field(model),
        "fields": fields,
    }


def _tools(spec: Spec, constants: dict[str, str]) -> list[dict[str, Any]]:
    tools, functions = [], set()
    for name, tool in spec.tools.items():
        function = re.sub(r"\W", "_", name, flags=re.ASCII)
        if function[0].isdigit() or keyword.iskeyword(function) or function in _TAKEN:
            function = "tool_" + function
        unique, number = function, 2
        while unique in functions:
            unique, number = f"{function}_{number}", number + 1
        functions.add(unique)
        model = spec.models[tool.model]
        tools.append(
            {
                "name": name,
                "title": tool.title or name.replace("_", " ").capitalize(),
                "kind": tool.action,
                "function": unique,
                "const": unique.upper(),
                "doc": name,
                "model": constants[tool.model],
                "model_name": tool.model,
                "plural": plural(tool.model),
                "id": id_field(model),
                "filters": tuple(tool.filters or ()),
                "fields": tuple(tool.fields or ()),
                "settable": settable(tool, model),
                "updated": [field for field, spec_ in model.fields.items() if spec_.auto == "updated"],
                "group_by": tool.group_by,
                "limit_default": (tool.limit or LimitSpec()).default,
                "limit_max": (tool.limit or LimitSpec()).max,
                "cards": tuple(card_fields(tool, model)),
                "url": tool.url,
                "text": tool.text,
                "shown": tuple(tool.fields or [field for field in model.fields if field != id_field(model)]),
            }
        )
    return tools


def _round_trip(loaded: LoadedSpec, tools: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The tools and sample arguments of the generated round-trip test: create, then get, update, delete."""
    spec = loaded.spec
    built = build_tools(spec, load_widgets(loaded))
    for create in (tool for tool in tools if tool["kind"] == "create"):
        arguments = _sample_arguments(built[create["name"]].tool.input_schema)
        if arguments is None:
            continue
        same = [tool for tool in tools if tool["model_name"] == create["model_name"]]
        get = next((tool["name"] for tool in same if tool["kind"] == "get"), None)
        delete = next((tool["name"] for tool in same if tool["kind"] == "delete"), None)
        update, change = None, None
        for tool in (tool for tool in same if tool["kind"] == "update"):
            schema = built[tool["name"]].tool.input_schema
            change = _sample_arguments({**schema, "required": []}, skip=(tool["id"],), changed=True)
            if change:
                update = tool["name"]
                break
        return {
            "create": create["name"],
            "get": get,
            "update": update,
            "delete": delete,
            "change": change,
            "arguments": arguments,
            "id": create["id"],
            "model_name": create["model_name"],
        }
    return None


def _sample_arguments(
    schema: dict[str, Any], skip: tuple[str, ...] = (), *, changed: bool = False
) -> dict[str, Any] | None:
    """Arguments that fit `schema`: every property a sample can be found for; None if a required one has none."""
    arguments = {}
    for name, property_ in schema.get("properties", {}).items():
        if name in skip:
            continue
        value = _sample(property_, changed)
        if value is _NONE:
            if name in schema.get("required", []):
                return None
            continue
        arguments[name] = value
        if changed:
            break  # one change is enough
    return arguments


_NONE = object()


def _sample(schema: dict[str, Any], changed: bool) -> Any:
    if "enum" in schema:
        values = [value for value in schema["enum"] if value is not None]
        return values[-1 if changed else 0] if values else _NONE
    kind = schema.get("type")
    kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
    if kind == "integer":
        return int(min(max(7 if changed else 3, schema.get("minimum", -math.inf)), schema.get("maximum", math.inf)))
    if kind == "number":
        return float(min(max(2.5, schema.get("minimum", -math.inf)), schema.get("maximum", math.inf)))
    if kind == "boolean":
        return not changed
    if kind != "string":
        return _NONE
    if schema.get("format") == "date":
        return "2026-02-01" if changed else "2026-01-31"
    if schema.get("format") == "date-time":
        return "2026-02-01T10:00:00.000Z" if changed else "2026-01-31T09:30:00.000Z"
    low, high = schema.get("minLength", 0), schema.get("maxLength", 10**6)
    for word in ("Changed" if changed else "Sample", "sample", "a", "A", "0", "x"):
        text = (word * (low // len(word) + 1))[: max(low, len(word))][:high]
        if low <= len(text) and (not schema.get("pattern") or re.search(schema["pattern"], text)):
            return text
    return _NONE


def py(value: Any) -> str:
    """A Python literal for a value from the spec: safe for any string (quotes, backslashes, newlines, braces)."""
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py(k)}: {py(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        items = ", ".join(map(py, value))
        return f"[{items}]" if isinstance(value, list) else f"({items}{',' if len(value) == 1 else ''})"
    if value is None or isinstance(value, bool | int | float | str):
        return repr(value)
    raise TypeError(f"no Python literal for {type(value).__name__}")


def _formatted(files: dict[Path, str]) -> dict[Path, str]:
    """Runs ruff over the Python files (imports sorted, unused ones dropped, then formatted), as a person would."""
    ruff: str = find_ruff_bin()
    with tempfile.TemporaryDirectory(prefix="mcpgen-") as folder:
        root = Path(folder)
        for relative, text in files.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text(text, encoding="utf-8", newline="")
        for command in (
            [ruff, "check", "--fix", "--select", "I,F401", "--quiet", "--no-cache", "."],
            [ruff, "format", "--quiet", "--no-cache", "."],
        ):
            run = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
            if run.returncode != 0:
                raise GenerateError(f"ruff could not process the generated code:\n{run.stdout}{run.stderr}")
        return {relative: (root / relative).read_text(encoding="utf-8") for relative in files}


def _manifest(out: Path) -> set[Path]:
    try:
        return {Path(line) for line in (out / MANIFEST).read_text(encoding="utf-8").splitlines() if line}
    except FileNotFoundError:
        return set()


def _existing(out: Path) -> list[Path]:
    if not out.exists():
        return []
    if not out.is_dir():
        raise GenerateError(f"{out} is a file, not a folder")
    found = []
    for path in sorted(out.rglob("*")):
        relative = path.relative_to(out)
        if path.is_file() and relative != Path(MANIFEST) and not set(relative.parts) & set(KEPT):
            found.append(relative)
    return found


def check_templates() -> list[str]:
    """The action kinds without a handler template: each kind needs its generated twin."""
    return [kind for kind in ACTIONS if not (templates_dir() / "actions" / f"{kind}.py.jinja").exists()]


__all__ = ["GenerateError", "check_templates", "default_output", "generate", "render"]
