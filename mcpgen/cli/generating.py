"""The verbs that write files: `mcpgen init` (a starter spec) and `generate` (a standalone project)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mcpgen.cli.common import count


def add(verbs: Any) -> None:
    """The verbs init and generate."""
    init = verbs.add_parser("init", help="write a commented starter spec that validates and lints clean")
    init.add_argument("name", nargs="?", default="my_connector", help="the connector's name (default my_connector)")
    init.add_argument("-o", "--output", type=Path, help="the spec file to write (default NAME.yaml)")
    init.add_argument("--force", action="store_true", help="overwrite the spec file if it exists")
    init.set_defaults(run=_init)

    generate = verbs.add_parser("generate", help="write a standalone project that serves the spec without mcpgen")
    generate.add_argument("spec", type=Path)
    generate.add_argument("-o", "--output", type=Path, help="the project folder (default generated/<name>/)")
    generate.add_argument("--force", action="store_true", help="write even where files mcpgen did not write exist")
    generate.set_defaults(run=_generate)


def _init(options: argparse.Namespace) -> int:
    from mcpgen.starter import write_starter

    spec = options.output or Path(f"{options.name}.yaml")
    write_starter(options.name, spec, force=options.force)
    print(f"{spec}: a starter spec for {options.name} (one model, six tools). Next:")
    print(f"  mcpgen validate {spec}  # every problem, with its line")
    print(f"  mcpgen lint {spec}      # what to improve in what the model reads")
    print(f"  mcpgen dev {spec}       # serves it at http://127.0.0.1:8000/mcp, edits live, a console at /_dev/")
    return 0


def _generate(options: argparse.Namespace) -> int:
    from mcpgen.codegen import default_output, generate, package_name
    from mcpgen.spec import load_spec

    loaded = load_spec(options.spec)
    out = options.output or default_output(loaded)
    written = generate(loaded, out, force=options.force)
    package = package_name(loaded.spec)
    print(f"{out}: wrote {count(written, 'file')}; run it with  cd {out} && make serve  (or python -m {package})")
    return 0
