"""The verbs that check a spec: validate, lint, schema."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from mcpgen.cli.common import count


def add(verbs: Any) -> None:
    """validate, lint and schema."""
    validate = verbs.add_parser("validate", help="check a spec and list every problem")
    validate.add_argument("spec", type=Path)
    validate.add_argument("--json", action="store_true", help="print the result as JSON")
    validate.set_defaults(run=_validate)

    lint = verbs.add_parser("lint", help="check the tools' metadata against ChatGPT's guidance")
    lint.add_argument("spec", type=Path)
    lint.add_argument("--json", action="store_true", help="print the findings as a JSON list")
    lint.set_defaults(run=_lint)

    schema = verbs.add_parser("schema", help="print the JSON Schema of the spec format")
    schema.set_defaults(run=_schema)


def _validate(options: argparse.Namespace) -> int:
    from mcpgen.spec import load_spec

    spec = load_spec(options.spec).spec
    if options.json:
        print(json.dumps({"valid": True, "problems": []}, indent=2))
    else:
        print(f"{options.spec}: valid ({count(spec.models, 'model')}, {count(spec.tools, 'tool')})")
    return 0


def _lint(options: argparse.Namespace) -> int:
    from mcpgen.lint import RULES, lint
    from mcpgen.spec import load_spec

    loaded = load_spec(options.spec)
    findings = lint(loaded)
    errors = sum(finding.severity == "error" for finding in findings)
    if options.json:
        print(json.dumps([finding.as_json() for finding in findings], indent=2, ensure_ascii=False))
    elif not findings:
        print(f"{options.spec}: clean ({count(loaded.spec.tools, 'tool')}, {count(RULES, 'rule')})")
    else:
        for finding in findings:
            print(finding)
        sys.stdout.flush()
        warnings = len(findings) - errors
        print(f"{count(range(errors), 'error')}, {count(range(warnings), 'warning')}.", file=sys.stderr)
    return 1 if errors else 0


def _schema(options: argparse.Namespace) -> int:
    from mcpgen.spec.schema import spec_json_schema

    print(json.dumps(spec_json_schema(), indent=2))
    return 0
