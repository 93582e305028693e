"""`mcpgen import openapi`: an OpenAPI document (a file or a URL) becomes a spec with one http tool per operation."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import yaml

from mcpgen.cli.common import count
from mcpgen.errors import UsageError


def add(verbs: Any) -> None:
    """Import (openapi)."""
    group = verbs.add_parser("import", help="make a spec from a description of an existing API")
    kinds = group.add_subparsers(required=True, metavar="KIND")
    openapi = kinds.add_parser("openapi", help="an OpenAPI 3.0 or 3.1 document (JSON or YAML, a file or a URL)")
    openapi.add_argument("document", help="the document's file or http(s) URL")
    openapi.add_argument("-o", "--output", type=Path, required=True, help="the spec file to write")
    openapi.add_argument(
        "--include", action="append", default=[], metavar="TAG_OR_PATH", help="only these tags or path prefixes (/x)"
    )
    openapi.add_argument(
        "--exclude", action="append", default=[], metavar="TAG_OR_PATH", help="leave out these tags or path prefixes"
    )
    openapi.add_argument("--name", help="the connector's name (default: from the document's title)")
    openapi.add_argument("--upstream", help="the upstream's name in the spec (default: from the name)")
    openapi.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    openapi.set_defaults(run=_openapi)


def _openapi(options: argparse.Namespace) -> int:
    from mcpgen.importing.openapi import import_openapi
    from mcpgen.spec import parse_spec

    if options.output.exists() and not options.force:
        raise UsageError(f"{options.output} already exists; pass --force to overwrite it, or choose another -o")
    document, url = _read(options.document)
    imported = import_openapi(
        document,
        include=options.include,
        exclude=options.exclude,
        name=options.name,
        upstream=options.upstream,
        source_url=url,
    )
    text = _yaml(imported.spec, options.document)
    parse_spec(text, str(options.output), env={})  # what is written validates: a SpecError here is a bug, said so
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(text, encoding="utf-8")
    tools = count(imported.spec["tools"], "tool")
    print(
        f"{options.output}: {tools} from {imported.selected} of the {imported.operations} operations of"
        f" {imported.title} (OpenAPI {imported.version})"
    )
    for note in dict.fromkeys(imported.notes):
        print(f"  note: {note}")
    print(
        f"Next:\n  mcpgen validate {options.output}\n  mcpgen lint {options.output}"
        f"      # what to improve in the descriptions the model reads\n  mcpgen serve {options.output} --reload"
    )
    return 0


def _read(source: str) -> tuple[Any, str | None]:
    """The parsed document, and its URL when it came from one."""
    from mcpgen.importing.errors import OpenAPIError

    url = source if source.startswith(("http://", "https://")) else None
    if url:
        import httpx2

        try:
            response = httpx2.get(url, follow_redirects=True, timeout=30)
            response.raise_for_status()
        except httpx2.HTTPError as exc:
            raise OpenAPIError(f"cannot read {url}: {exc}") from None
        text = response.text
    else:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise OpenAPIError(f"cannot read {source}: {exc}") from None
    try:
        return (json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)), url
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise OpenAPIError(f"{source} is neither JSON nor YAML: {exc}") from None


class _Dumper(yaml.SafeDumper):
    """Block style, and text of several lines as `|` blocks."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and not any(line != line.rstrip() for line in value.splitlines()) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _yaml(spec: dict[str, Any], source: str) -> str:
    header = f"# Made by `mcpgen import openapi {source}`: edit it freely (`mcpgen lint` says what to improve).\n"
    return header + yaml.dump(spec, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
