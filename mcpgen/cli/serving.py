"""The verbs that run a spec: serve (HTTP or stdio), preview (its widgets in a local host page), call (one tool)."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import anyio

from mcpgen import __version__
from mcpgen.cli.common import count


def add(verbs: Any) -> None:
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

    preview = verbs.add_parser("preview", help="serve a local page that hosts the spec's widgets as ChatGPT does")
    preview.add_argument("spec", type=Path)
    preview.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    preview.add_argument("--port", type=int, default=8001, help="port to listen on (default 8001)")
    preview.set_defaults(run=_preview)

    call = verbs.add_parser("call", help="run one tool against the spec's storage and print the result")
    call.add_argument("spec", type=Path)
    call.add_argument("tool")
    call.add_argument("arguments", nargs="?", default="{}", help="the arguments as a JSON object")
    call.set_defaults(run=_call)


def _serve(options: argparse.Namespace) -> int:
    from mcpgen.server import Connector
    from mcpgen.spec import load_spec
    from mcpgen.transports import public_host, public_mcp_url, serve_http, serve_stdio

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
    connector.protect(public_mcp_url(public_url) if public_url else f"http://{options.host}:{options.port}/mcp")
    print(_banner(connector, options), file=sys.stderr, flush=True)
    serve_http(connector, options.host, options.port, hosts, reload=options.reload, allow_origins=options.allow_origin)
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
    tools = count(connector.tools, "tool")
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
