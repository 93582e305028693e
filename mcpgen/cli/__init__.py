"""The `mcpgen` command: its verbs (one module per group), and the one place errors become exit codes."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence

from mcpgen import __version__
from mcpgen.cli import checks, generating, importing, refresh, serving
from mcpgen.errors import McpgenError, SpecError


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the verb `argv` names and returns the exit code: 0 done, 1 refused or failed, 2 misused."""
    parser = _parser()
    try:
        options = parser.parse_args(argv)
    except SystemExit as exit:  # argparse: usage errors exit 2, --help 0
        return int(exit.code or 0)
    logging.basicConfig(
        level=logging.DEBUG if options.debug else logging.INFO,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        result: int = options.run(options)
        return result
    except SpecError as exc:
        _print_problems(exc, as_json=getattr(options, "json", False))
        return int(getattr(options, "problems_exit", 1))
    except McpgenError as exc:  # storage, auth, usage, generate: the message says what to do
        print(f"mcpgen: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader left (`mcpgen tools SPEC | head`): quietly, as Python's docs advise
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:
        if options.debug:
            raise
        print(f"mcpgen: {type(exc).__name__}: {exc} (run with --debug for the traceback)", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mcpgen", description="Describe a ChatGPT connector in YAML; serve it.")
    parser.add_argument("--version", action="version", version=f"mcpgen {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    verbs = parser.add_subparsers(required=True, metavar="COMMAND")
    for group in (checks, serving, generating, importing, refresh):
        group.add(verbs)
    return parser


def _print_problems(exc: SpecError, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"valid": False, "problems": [p.as_json() for p in exc.problems]}, indent=2))
        return
    for problem in exc.problems:
        print(problem)
    count = len(exc.problems)
    sys.stdout.flush()
    print(f"{count} problem{'s' if count != 1 else ''} found.", file=sys.stderr)
