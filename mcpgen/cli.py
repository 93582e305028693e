"""The `mcpgen` command: its verbs, and the one place errors become exit codes."""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import anyio

from mcpgen import __version__
from mcpgen.errors import SpecError
from mcpgen.storage.base import StorageError


def main(argv: Sequence[str] | None = None) -> int:
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
        return 1
    except StorageError as exc:
        print(f"mcpgen: storage: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
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

    _add_serve(verbs)

    preview = verbs.add_parser("preview", help="serve a local page that hosts the spec's widgets as ChatGPT does")
    preview.add_argument("spec", type=Path)
    preview.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    preview.add_argument("--port", type=int, default=8001, help="port to listen on (default 8001)")
    preview.set_defaults(run=_preview)

    generate = verbs.add_parser("generate", help="write a standalone project that serves the spec without mcpgen")
    generate.add_argument("spec", type=Path)
    generate.add_argument("-o", "--output", type=Path, help="the project folder (default generated/<name>/)")
    generate.add_argument("--force", action="store_true", help="write even where files mcpgen did not write exist")
    generate.set_defaults(run=_generate)

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
    diff.set_defaults(run=_diff)

    call = verbs.add_parser("call", help="run one tool against the spec's storage and print the result")
    call.add_argument("spec", type=Path)
    call.add_argument("tool")
    call.add_argument("arguments", nargs="?", default="{}", help="the arguments as a JSON object")
    call.set_defaults(run=_call)
    return parser


def _add_serve(verbs: Any) -> None:
    serve = verbs.add_parser("serve", help="serve a spec as an MCP server")
    serve.add_argument("spec", type=Path)
    serve.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--transport", choices=["http", "stdio"], default="http")
    serve.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="HOST",
        help="a further Host header to accept, e.g. your tunnel's abc123.ngrok-free.app",
    )
    serve.add_argument(
        "--public-url",
        default=os.environ.get("MCPGEN_PUBLIC_URL"),
        metavar="URL",
        help="the public HTTPS URL (a tunnel's) to accept and give ChatGPT; default $MCPGEN_PUBLIC_URL or the spec's",
    )
    serve.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a further browser origin allowed by CORS (MCP Inspector's web UI always is)",
    )
    serve.add_argument("--reload", action="store_true", help="watch the spec and serve each valid edit at once")
    serve.set_defaults(run=_serve)


def _print_problems(exc: SpecError, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"valid": False, "problems": [p.as_json() for p in exc.problems]}, indent=2))
        return
    for problem in exc.problems:
        print(problem)
    count = len(exc.problems)
    sys.stdout.flush()
    print(f"{count} problem{'s' if count != 1 else ''} found.", file=sys.stderr)


def _validate(options: argparse.Namespace) -> int:
    from mcpgen.spec import load_spec

    spec = load_spec(options.spec).spec
    if options.json:
        print(json.dumps({"valid": True, "problems": []}, indent=2))
    else:
        print(f"{options.spec}: valid ({_count(spec.models, 'model')}, {_count(spec.tools, 'tool')})")
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
        print(f"{options.spec}: clean ({_count(loaded.spec.tools, 'tool')}, {_count(RULES, 'rule')})")
    else:
        for finding in findings:
            print(finding)
        sys.stdout.flush()
        warnings = len(findings) - errors
        print(f"{_count(range(errors), 'error')}, {_count(range(warnings), 'warning')}.", file=sys.stderr)
    return 1 if errors else 0


def _count(things: Any, noun: str) -> str:
    return f"{len(things)} {noun}{'s' if len(things) != 1 else ''}"


def _schema(options: argparse.Namespace) -> int:
    from mcpgen.spec.schema import spec_json_schema

    print(json.dumps(spec_json_schema(), indent=2))
    return 0


def _serve(options: argparse.Namespace) -> int:
    from mcpgen.server import Connector
    from mcpgen.spec import load_spec
    from mcpgen.transports import public_host, serve_http, serve_stdio

    connector = Connector(load_spec(options.spec))
    if options.transport == "stdio":
        anyio.run(lambda: serve_stdio(connector, reload=options.reload))
        return 0
    public_url = options.public_url or connector.loaded.spec.public_url
    if public_url and not re.match(r"^https?://[^/\s]+", public_url):
        print(
            f"mcpgen: --public-url must be a URL such as https://abc123.ngrok-free.app: {public_url}", file=sys.stderr
        )
        return 2
    options.public_url = public_url
    hosts = [*options.allowed_host, *([public_host(public_url)] if public_url else [])]
    anyio.run(_check_storage, connector)
    print(_banner(connector, options), file=sys.stderr, flush=True)
    serve_http(
        connector,
        options.host,
        options.port,
        hosts,
        reload=options.reload,
        allow_origins=options.allow_origin,
        public_url=public_url,
    )
    return 0


async def _check_storage(connector: Any) -> None:
    """Opens the store once before serving, so a schema it cannot migrate stops start-up with its reason."""
    async with connector.running():
        pass


def _banner(connector: Any, options: argparse.Namespace) -> str:
    spec = connector.loaded.spec
    host = f"[{options.host}]" if ":" in options.host else options.host
    url = f"http://{host}:{options.port}/mcp"
    from mcpgen.transports import public_mcp_url

    tunnel = options.allowed_host[0] if options.allowed_host else "<your-tunnel-host>"
    paste = public_mcp_url(options.public_url) if options.public_url else f"https://{tunnel}/mcp"
    tools = _count(connector.tools, "tool")
    lines = [
        f"mcpgen {__version__}: serving {spec.name} {spec.version} ({tools}) at {url}",
        "",
        "To use it in ChatGPT (developer mode on): Settings → Connectors → Create, and fill in",
        f"  Name:        {spec.title or spec.name}",
        f"  Description: {spec.description}",
        f"  URL:         {paste}",
    ]
    if not options.allowed_host and not options.public_url:
        lines += [
            "ChatGPT needs a public HTTPS URL: run a tunnel such as  ngrok http " + str(options.port),
            f"and restart with  mcpgen serve {options.spec} --public-url https://<the tunnel's host>",
            "(requests for hosts not listed are refused: DNS-rebinding protection stays on).",
        ]
    if options.reload:
        lines.append(f"Watching {options.spec}: each valid edit is served at once; a broken one is reported.")
    lines.append("After changing tools or descriptions, press Refresh in the connector's settings.")
    return "\n".join(lines)


def _call(options: argparse.Namespace) -> int:
    from mcpgen.server import Connector
    from mcpgen.spec import load_spec

    try:
        arguments = json.loads(options.arguments)
    except json.JSONDecodeError as exc:
        print(f"mcpgen: the arguments are not JSON: {exc}", file=sys.stderr)
        return 2
    if not isinstance(arguments, dict):
        print("mcpgen: the arguments must be a JSON object", file=sys.stderr)
        return 2
    connector = Connector(load_spec(options.spec))

    async def run() -> Any:
        async with connector.running():
            return await connector.call(options.tool, arguments)

    result = anyio.run(run)
    print(json.dumps(result.model_dump(mode="json", by_alias=True, exclude_none=True), indent=2, ensure_ascii=False))
    return 1 if result.is_error else 0


def _view(spec_file: Path) -> tuple[Any, dict[str, Any]]:
    from mcpgen.spec import load_spec
    from mcpgen.tooldefs import build_tools
    from mcpgen.view import client_view
    from mcpgen.widgets import all_resources, load_widgets

    loaded = load_spec(spec_file)
    widgets = load_widgets(loaded)
    return loaded, client_view(loaded.spec, build_tools(loaded.spec, widgets), all_resources(widgets))


def _tools(options: argparse.Namespace) -> int:
    from mcpgen.view import compact, estimate_tokens

    loaded, view = _view(options.spec)
    tokens = {tool["name"]: estimate_tokens(tool) for tool in view["tools"]}
    total = estimate_tokens({"tools": view["tools"]})
    if options.json:
        print(compact({**view, "tokens": {"tools": tokens, "total": total}}))
        return 0
    for tool in view["tools"]:
        print(f"{tool['name']}  ({tool.get('title', '')})  {_hints(tool)}  ≈{tokens[tool['name']]} tokens")
        print(f"  {tool.get('description', '')}")
        schema = tool["inputSchema"]
        for name, parameter in schema.get("properties", {}).items():
            required = "required" if name in schema.get("required", []) else "optional"
            print(f"  - {name} ({_type(parameter)}, {required}): {parameter.get('description', '(undocumented)')}")
        print()
    spec = loaded.spec
    print(
        f"{spec.name} {spec.version}: {_count(view['tools'], 'tool')}, {_count(view['resources'], 'resource')}, "
        f"≈{total} tokens in the model's context (about 4 characters a token)"
    )
    return 0


def _hints(tool: dict[str, Any]) -> str:
    hints = tool.get("annotations", {})
    if hints.get("readOnlyHint"):
        return "[read-only]"
    words = [
        "write",
        "destructive" if hints.get("destructiveHint", True) else "",
        "open world" if hints.get("openWorldHint", True) else "",
    ]
    return "[" + ", ".join(word for word in words if word) + ": asks for confirmation]"


def _type(parameter: dict[str, Any]) -> str:
    if "enum" in parameter:
        return "|".join(map(str, parameter["enum"]))
    kind = parameter.get("type", "any")
    shown = "|".join(kind) if isinstance(kind, list) else str(kind)
    return f"{shown}, {parameter['format']}" if "format" in parameter else shown


def _lock(options: argparse.Namespace) -> int:
    from mcpgen.ledger import write_lock

    loaded, view = _view(options.spec)
    path = write_lock(loaded, view)
    print(f"{path}: recorded {_count(view['tools'], 'tool')} as the view at the last Refresh")
    return 0


def _diff(options: argparse.Namespace) -> int:
    from mcpgen import ledger
    from mcpgen.diff import KINDS, compare

    loaded, view = _view(options.spec)
    if options.since_chatgpt:
        listing = ledger.read_listing(loaded)
        if listing is None:
            print(
                f"mcpgen: ChatGPT has not listed the tools yet (nothing in {ledger.chatgpt_path(loaded)})",
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
    print(f"{_count(changes, 'change')}: {counts}.")
    then = "" if options.since_chatgpt else f", then run `mcpgen lock {options.spec}`"
    print(f"To show them to ChatGPT, {ledger.refresh_step(loaded)}{then}.")
    return 1


def _generate(options: argparse.Namespace) -> int:
    from mcpgen.codegen import GenerateError, default_output, generate
    from mcpgen.spec import load_spec

    loaded = load_spec(options.spec)
    out = options.output or default_output(loaded)
    try:
        written = generate(loaded, out, force=options.force)
    except GenerateError as exc:
        print(f"mcpgen: {exc}", file=sys.stderr)
        return 1
    package = loaded.spec.name.replace("-", "_") + "_mcp"
    print(f"{out}: wrote {_count(written, 'file')}; run it with  cd {out} && make serve  (or python -m {package})")
    return 0


def _preview(options: argparse.Namespace) -> int:
    import uvicorn

    from mcpgen.preview import preview_app, widget_tools
    from mcpgen.server import Connector
    from mcpgen.spec import load_spec

    connector = Connector(load_spec(options.spec))
    tools = widget_tools(connector)
    if not tools:
        print(f"mcpgen: {options.spec} has no tool with a widget to preview", file=sys.stderr)
        return 1
    base = f"http://{options.host}:{options.port}/"
    print(f"Previewing {', '.join(tools)} at {base} (another tool: {base}?tool=NAME)", file=sys.stderr, flush=True)
    uvicorn.run(preview_app(connector), host=options.host, port=options.port, log_level="warning")
    return 0
