"""The verbs of the Refresh loop: tools (the exact client view), lock (record it), diff (what changed since)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from mcpgen.cli.common import count


def add(verbs: Any) -> None:
    """tools, lock and diff."""
    tools = verbs.add_parser("tools", help="print the tool list a client receives, with its token cost")
    tools.add_argument("spec", type=Path)
    tools.add_argument("--json", action="store_true", help="print the lists exactly as sent, as JSON")
    tools.set_defaults(run=_tools)

    lock = verbs.add_parser("lock", help="record the client view as what ChatGPT saw at the last Refresh")
    lock.add_argument("spec", type=Path)
    lock.set_defaults(run=_lock)

    diff = verbs.add_parser("diff", help="what changed since the last lock (or ChatGPT's last listing)")
    diff.add_argument("spec", type=Path)
    diff.add_argument("--since-chatgpt", action="store_true", help="compare with what ChatGPT last listed")
    diff.add_argument("--json", action="store_true", help="print the changes as JSON")
    diff.set_defaults(run=_diff, problems_exit=2)  # 1 says what changed; 2, that nothing could be compared


def _view(spec_file: Path) -> tuple[Any, dict[str, Any]]:
    from mcpgen.dev.view import client_view
    from mcpgen.spec import load_spec
    from mcpgen.spec.compile import compile_spec

    loaded = load_spec(spec_file)
    return loaded, client_view(compile_spec(loaded))


def _tools(options: argparse.Namespace) -> int:
    from mcpgen.dev.view import compact, confirmation, estimate_tokens, parameter_type, sign_in

    loaded, view = _view(options.spec)
    tokens = {tool["name"]: estimate_tokens(tool) for tool in view["tools"]}
    total = estimate_tokens({"tools": view["tools"]})
    if options.json:
        print(compact({**view, "tokens": {"tools": tokens, "total": total}}))
        return 0
    for tool in view["tools"]:
        flags = " ".join(f"[{flag}]" for flag in (confirmation(tool), sign_in(tool)) if flag)
        print(f"{tool['name']}  ({tool.get('title', '')})  {flags}  ≈{tokens[tool['name']]} tokens")
        print(f"  {tool.get('description', '')}")
        schema = tool["inputSchema"]
        for name, parameter in schema.get("properties", {}).items():
            required = "required" if name in schema.get("required", []) else "optional"
            described = parameter.get("description", "(undocumented)")
            print(f"  - {name} ({parameter_type(parameter)}, {required}): {described}")
        print()
    spec = loaded.spec
    print(
        f"{spec.name} {spec.version}: {count(view['tools'], 'tool')}, {count(view['resources'], 'resource')}, "
        f"≈{total} tokens in the model's context (about 4 characters a token)"
    )
    return 0


def _lock(options: argparse.Namespace) -> int:
    from mcpgen.dev.ledger import write_lock

    loaded, view = _view(options.spec)
    path = write_lock(loaded, view)
    print(f"{path}: recorded {count(view['tools'], 'tool')} as the view at the last Refresh")
    return 0


def _diff(options: argparse.Namespace) -> int:
    from mcpgen.dev import ledger
    from mcpgen.dev.diff import KINDS, compare

    loaded, view = _view(options.spec)
    if options.since_chatgpt:
        listing = ledger.read_listing(loaded)
        if listing is None:
            print(
                f"mcpgen: ChatGPT has not listed the tools yet (nothing in {ledger.listing_place(loaded)})",
                file=sys.stderr,
            )
            return 2
        baseline, against = listing["view"], f"what ChatGPT listed at {listing.get('recorded_at', '?')}"
    else:
        locked = ledger.read_lock(loaded)
        if locked is None:
            path = ledger.lock_path(loaded)
            print(f"mcpgen: no lock file at {path}: run `mcpgen lock {options.spec}` after a Refresh", file=sys.stderr)
            return 2
        baseline, against = locked, str(ledger.lock_path(loaded))
    changes = compare(baseline, view)
    if options.json:
        print(json.dumps({"against": against, "changes": [c.as_json() for c in changes]}, indent=2, ensure_ascii=False))
        return 1 if changes else 0
    if not changes:
        print(f"No changes since {against}: ChatGPT's copy of the tools is current.")
        return 0
    print(f"Changes since {against}:")
    for change in changes:
        print(f"  {change}")
    counts = ", ".join(f"{sum(c.kind == kind for c in changes)} {kind}" for kind in KINDS)
    print(f"{count(changes, 'change')}: {counts}.")
    then = "" if options.since_chatgpt else f", then run `mcpgen lock {options.spec}`"
    print(f"To show them to ChatGPT, {ledger.refresh_step(loaded)}{then}.")
    return 1
