"""The verbs that run a spec: serve (HTTP or stdio), dev (serve with a console), preview (widgets), call (one tool)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import anyio

from mcpgen import __version__
from mcpgen.cli.common import count


def add(verbs: Any) -> None:
    """serve, dev, preview and call."""
    from mcpgen.runtime.options import add_arguments

    serve = verbs.add_parser("serve", help="serve a spec as an MCP server")
    serve.add_argument("spec", type=Path)
    add_arguments(serve, port=8000, public_url=os.environ.get("MCPGEN_PUBLIC_URL"))
    serve.add_argument("--reload", action="store_true", help="watch the spec and serve each valid edit at once")
    serve.add_argument(  # also after the verb; SUPPRESS keeps `mcpgen --debug serve` working
        "--debug", action="store_true", default=argparse.SUPPRESS, help="log each call's arguments too"
    )
    serve.set_defaults(run=_serve, console=False)

    dev = verbs.add_parser(
        "dev", help="serve a spec with reload and a console at /_dev: its tools as ChatGPT sees them, lint, diff, calls"
    )
    dev.add_argument("spec", type=Path)
    add_arguments(dev, port=8000, public_url=os.environ.get("MCPGEN_PUBLIC_URL"))
    dev.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="log each call's arguments too")
    dev.set_defaults(run=_dev, reload=True, console=True)

    preview = verbs.add_parser("preview", help="serve a local page that hosts the spec's widgets as ChatGPT does")
    preview.add_argument("spec", type=Path)
    preview.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    preview.add_argument("--port", type=int, default=8001, help="port to listen on (default 8001)")
    preview.set_defaults(run=_preview)

    call = verbs.add_parser("call", help="run one tool against the spec's storage and print the result")
    call.add_argument("spec", type=Path)
    call.add_argument("tool")
    call.add_argument("arguments", nargs="?", default="{}", help="the arguments as a JSON object")
    call.add_argument(
        "--as", dest="subject", metavar="SUBJECT", help="call as this signed-in user (whose records it sees)"
    )
    call.add_argument(
        "--yes", action="store_true", help="make the storage changes an edited spec asks of an existing database"
    )
    call.set_defaults(run=_call)


def _serve(options: argparse.Namespace) -> int:
    from mcpgen.dev.live import LiveServer
    from mcpgen.runtime.cli import serve
    from mcpgen.spec import load_spec

    server = LiveServer(load_spec(options.spec))
    options.public_url = options.public_url or server.loaded.spec.public_url
    background = None
    if options.reload:
        from mcpgen.dev.reload import watch

        background = lambda: watch(server)  # noqa: E731
    around = None
    if options.console:
        from mcpgen.dev.console import around as console

        around = console(server)
    serve(
        server,
        options,
        lambda: _banner(server, options),
        background=background,
        session_key="MCPGEN_SESSION_KEY",
        around=around,
    )
    return 0


def _dev(options: argparse.Namespace) -> int:
    """`mcpgen serve --reload` with the console at /_dev (over HTTP: the console is a web page)."""
    from mcpgen.errors import UsageError

    if options.transport != "http":
        raise UsageError("mcpgen dev serves over HTTP, for its console at /_dev; use mcpgen serve for stdio")
    return _serve(options)


def _banner(server: Any, options: argparse.Namespace) -> str:
    from mcpgen.runtime.cli import local_url
    from mcpgen.runtime.http import public_mcp_url

    spec = server.loaded.spec
    tunnel = options.allowed_host[0] if options.allowed_host else "<your-tunnel-host>"
    paste = public_mcp_url(options.public_url) if options.public_url else f"https://{tunnel}/mcp"
    tools = count(server.connector.tools, "tool")
    lines = [
        f"mcpgen {__version__}: serving {spec.name} {spec.version} ({tools}) at {local_url(options)}/mcp",
        "",
        "To use it in ChatGPT (developer mode on): Settings → Connectors → Create, and fill in",
        f"  Name:        {spec.title or spec.name}",
        f"  Description: {spec.description}",
        f"  URL:         {paste}",
    ]
    if not options.allowed_host and not options.public_url:
        lines += [
            "ChatGPT needs a public HTTPS URL: run a tunnel such as  ngrok http " + str(options.port),
            f"and restart with  {_again(options)} --public-url https://<the tunnel's host>",
            "(requests for hosts not listed are refused: DNS-rebinding protection stays on).",
        ]
    if options.reload:
        lines.append(f"Watching {options.spec}: each valid edit is served at once; a broken one is reported.")
    if options.console:
        lines.append(f"Dev console (this machine only): {local_url(options)}/_dev/")
    lines.append("After changing tools or descriptions, press Refresh in the connector's settings.")
    return "\n".join(lines)


def _again(options: argparse.Namespace) -> str:
    """The command as this one was given (its verb, port and reload kept), to restart it with more options."""
    command = f"mcpgen {'dev' if options.console else 'serve'} {options.spec}"
    if options.host != "127.0.0.1":
        command += f" --host {options.host}"
    if options.port != 8000:
        command += f" --port {options.port}"
    return command + (" --reload" if options.reload and not options.console else "")


def _refuse_changes(changes: list[str]) -> None:
    """A running server may share the database: `call` changes it only when asked to (--yes)."""
    from mcpgen.errors import StorageError

    listed = "\n".join(f"  {change}" for change in changes)
    raise StorageError(
        f"the spec asks for storage changes to an existing database, which a running server may share:\n{listed}\n"
        "Nothing was changed. Run again with --yes to make them (or start mcpgen serve, which makes them)."
    )


def _preview(options: argparse.Namespace) -> int:
    import uvicorn

    from mcpgen.dev.live import LiveServer
    from mcpgen.dev.preview import preview_app, widget_tools
    from mcpgen.spec import load_spec

    server = LiveServer(load_spec(options.spec))
    tools = widget_tools(server)
    if not tools:
        print(f"mcpgen: {options.spec} has no tool with a widget to preview", file=sys.stderr)
        return 1
    base = f"http://{options.host}:{options.port}/"
    print(f"Previewing {', '.join(tools)} at {base} (another tool: {base}?tool=NAME)", file=sys.stderr, flush=True)
    uvicorn.run(preview_app(server), host=options.host, port=options.port, log_level="warning")
    return 0


def _call(options: argparse.Namespace) -> int:
    from mcpgen.dev.live import LiveServer
    from mcpgen.errors import UsageError
    from mcpgen.runtime.auth import LOCAL, Identity
    from mcpgen.spec import load_spec

    try:
        arguments = json.loads(options.arguments)
    except json.JSONDecodeError as exc:
        raise UsageError(f"the arguments are not JSON: {exc}") from None
    if not isinstance(arguments, dict):
        raise UsageError("the arguments must be a JSON object")
    server = LiveServer(load_spec(options.spec))
    if not options.yes:
        server.confirm = _refuse_changes

    async def run() -> Any:
        async with server.running():
            identity = LOCAL if options.subject is None else Identity(subject=options.subject, local=True)
            return await server.call(options.tool, arguments, identity, client=("mcpgen call", __version__))

    outcome = anyio.run(run)
    print(json.dumps(outcome.as_json(), indent=2, ensure_ascii=False))
    return 1 if outcome.error else 0
