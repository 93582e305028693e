"""`mcpgen generate`: a standalone project that serves the spec without mcpgen."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mcpgen.cli.common import count


def add(verbs: Any) -> None:
    """Generate."""
    generate = verbs.add_parser("generate", help="write a standalone project that serves the spec without mcpgen")
    generate.add_argument("spec", type=Path)
    generate.add_argument("-o", "--output", type=Path, help="the project folder (default generated/<name>/)")
    generate.add_argument("--force", action="store_true", help="write even where files mcpgen did not write exist")
    generate.set_defaults(run=_generate)


def _generate(options: argparse.Namespace) -> int:
    from mcpgen.codegen import default_output, generate, package_name
    from mcpgen.spec import load_spec

    loaded = load_spec(options.spec)
    out = options.output or default_output(loaded)
    written = generate(loaded, out, force=options.force)
    package = package_name(loaded.spec)
    print(f"{out}: wrote {count(written, 'file')}; run it with  cd {out} && make serve  (or python -m {package})")
    return 0
