"""`mcpgen init`: a commented starter spec that validates and lints clean, and the JSON Schema its modeline names."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jinja2

from mcpgen.codegen import templates_dir
from mcpgen.errors import UsageError
from mcpgen.spec.model import SLUG
from mcpgen.spec.schema import spec_json_schema

SCHEMA_FILE = "mcpgen.schema.json"


def write_starter(name: str, spec: Path, *, force: bool = False) -> list[Path]:
    """Writes the starter spec for connector `name` at `spec`, and the schema beside it; returns what it wrote."""
    if not re.match(SLUG, name):
        raise UsageError(
            f"'{name}' cannot name a connector: use lowercase letters, digits, _ and -, starting with a letter"
        )
    if spec.exists() and not force:
        raise UsageError(f"{spec} already exists; choose another name or -o, or pass --force to overwrite it")
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir() / "init"), undefined=jinja2.StrictUndefined, autoescape=False
    )
    text = environment.get_template("spec.yaml.jinja").render(
        name=name,
        title=name.replace("_", " ").replace("-", " ").capitalize(),
        env=re.sub(r"[^A-Z0-9]", "_", name.upper()) + "_DB",
        file=spec.name,
    )
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(text, encoding="utf-8")
    schema = spec.parent / SCHEMA_FILE
    schema.write_text(json.dumps(spec_json_schema(), indent=2) + "\n", encoding="utf-8")
    return [spec, schema]
