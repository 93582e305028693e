"""`mcpgen generate`: a standalone project that serves a spec without mcpgen.

The runtime is copied byte for byte into the package (`<package>/runtime/`); templates/ renders only what is
specific to the spec: the connector as constants, the entry point, packaging, docs and the project's own tests.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from mcpgen.codegen.context import context, package_name, runtime_files
from mcpgen.codegen.files import write
from mcpgen.codegen.formatting import formatted
from mcpgen.codegen.literals import py
from mcpgen.errors import GenerateError
from mcpgen.spec import LoadedSpec
from mcpgen.spec.compile import compile_spec


def templates_dir() -> Path:
    """templates/ inside the installed package (a wheel) or at the top of a checkout."""
    for folder in (Path(__file__).parent.parent / "templates", Path(__file__).parent.parent.parent / "templates"):
        if folder.is_dir():
            return folder
    raise GenerateError("mcpgen's templates/ folder is missing from this installation")


def default_output(loaded: LoadedSpec) -> Path:
    """generated/<name>/."""
    return Path("generated") / loaded.spec.name


def generate(loaded: LoadedSpec, out: Path, *, force: bool = False) -> list[Path]:
    """Writes the project for `loaded` into `out` and returns the files written, relative to it."""
    return write(render(loaded), out, force=force)


def render(loaded: LoadedSpec) -> dict[Path, str]:
    """Every file of the project, by relative path: rendered ones formatted as `ruff format` leaves them."""
    connector = compile_spec(loaded)
    variables = context(loaded, connector)
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    environment.filters["py"] = py
    package = variables["package"]
    names = {
        "pyproject.toml": "pyproject.toml.jinja",
        "README.md": "README.md.jinja",
        "Makefile": "Makefile.jinja",
        "Dockerfile": "Dockerfile.jinja",
        ".dockerignore": "dockerignore.jinja",
        ".gitignore": "gitignore.jinja",
        f"{package}/__init__.py": "package/__init__.py.jinja",
        f"{package}/__main__.py": "package/__main__.py.jinja",
        f"{package}/connector.py": "package/connector.py.jinja",
        "tests/__init__.py": None,
        "tests/conftest.py": "tests/conftest.py.jinja",
        "tests/test_tools.py": "tests/test_tools.py.jinja",
        "tests/test_errors.py": "tests/test_errors.py.jinja",
    }
    if variables["trip"]:
        names["tests/test_round_trip.py"] = "tests/test_round_trip.py.jinja"
    files = {
        Path(path): environment.get_template(template).render(variables) if template else ""
        for path, template in names.items()
    }
    postgres = loaded.spec.storage.backend == "postgres"
    runtime = {Path(package, "runtime", relative): text for relative, text in runtime_files(postgres).items()}
    files = formatted(files, beside=runtime) | runtime
    files[Path(package, "tools.json")] = variables["tools_json"] + "\n"
    if connector.resources:
        files[Path(package, "resources.json")] = variables["resources_json"] + "\n"
    for name, text in variables["handler_files"].items():
        files[Path(package, name)] = text  # the developer's module, as it is
    for relative, html in variables["widget_texts"].items():
        files[Path(package, relative)] = html  # the widget's own file, as it is
    return files


__all__ = ["GenerateError", "default_output", "generate", "package_name", "render", "templates_dir"]
