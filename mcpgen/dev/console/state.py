"""What the dev console shows of the spec being served: each tool as a client sees it, its lint, and the diffs."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from mcpgen.dev import ledger
from mcpgen.dev.diff import compare
from mcpgen.dev.live import LiveServer
from mcpgen.dev.view import client_view, confirmation, estimate_tokens, parameter_type, sign_in, widget
from mcpgen.lint import Finding, lint
from mcpgen.spec import LoadedSpec


def snapshot(server: LiveServer) -> dict[str, Any]:
    """The spec served now, the problems of its last edit, its tools with their findings, and what changed.

    It reads the lock file and ChatGPT's last listing (from PostgreSQL, on that backend): call it off the loop.
    """
    loaded, connector = server.loaded, server.connector  # swapped together, so they match
    view = client_view(connector)
    findings: dict[str | None, list[Finding]] = defaultdict(list)
    for finding in lint(loaded, dict(connector.tools)):
        findings[finding.tool if finding.tool in connector.tools else None].append(finding)
    spec = loaded.spec
    return {
        "spec": {
            "name": spec.name,
            "title": spec.title or spec.name,
            "version": spec.version,
            "description": spec.description,
            "instructions": view["instructions"],
            "file": str(loaded.file),
        },
        "problems": server.problems,
        "tools": [_tool(tool, findings[tool["name"]]) for tool in view["tools"]],
        "findings": [_finding(finding) for finding in findings[None]],
        "tokens": estimate_tokens({"tools": view["tools"]}),
        "diff": {"lock": since_lock(loaded, view), "chatgpt": since_chatgpt(loaded, view)},
    }


def since_lock(loaded: LoadedSpec, view: dict[str, Any]) -> dict[str, Any]:
    """The changes since the last `mcpgen lock` (the last Refresh), or why there is nothing to compare with."""
    path = ledger.lock_path(loaded)
    try:
        locked = ledger.read_lock(loaded)
    except (OSError, ValueError) as exc:
        return {"against": str(path), "problem": str(exc)}
    if locked is None:
        return {"against": str(path), "problem": f"no lock file at {path}: mark the tools as refreshed after a Refresh"}
    return {"against": str(path), "changes": [change.as_json() for change in compare(locked, view)]}


def since_chatgpt(loaded: LoadedSpec, view: dict[str, Any]) -> dict[str, Any]:
    """The changes since ChatGPT last listed the tools, or why there is nothing to compare with."""
    listing = ledger.read_listing(loaded)
    if listing is None:
        return {"against": None, "problem": f"ChatGPT has not listed the tools yet ({ledger.listing_place(loaded)})"}
    against = f"what ChatGPT listed at {listing.get('recorded_at', '?')}"
    return {"against": against, "changes": [change.as_json() for change in compare(listing["view"], view)]}


def _tool(tool: dict[str, Any], findings: list[Finding]) -> dict[str, Any]:
    schema = tool.get("inputSchema", {})
    required = set(schema.get("required", []))
    return {
        "name": tool["name"],
        "title": tool.get("title", ""),
        "description": tool.get("description", ""),
        "parameters": [
            {
                "name": name,
                "type": parameter_type(parameter),
                "required": name in required,
                "description": parameter.get("description", ""),
            }
            for name, parameter in schema.get("properties", {}).items()
        ],
        "annotations": tool.get("annotations", {}),
        "confirmation": confirmation(tool),
        "sign_in": sign_in(tool),
        "widget": widget(tool),
        "tokens": estimate_tokens(tool),
        "findings": [_finding(finding) for finding in findings],
        "definition": tool,
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {key: value for key, value in finding.as_json().items() if key != "file"}
