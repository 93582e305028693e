"""The command-line options every server takes (kept light: `mcpgen validate` builds its parser too)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser, *, port: int, public_url: str | None) -> None:
    """--host, --port, --transport, --allowed-host, --public-url, --allow-origin and --log-format."""
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=port, help=f"port to listen on (default {port})")
    parser.add_argument("--transport", choices=["http", "stdio"], default="http")
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="HOST",
        help="a further Host header to accept, e.g. your tunnel's abc123.ngrok-free.app",
    )
    parser.add_argument(
        "--public-url",
        default=public_url,
        metavar="URL",
        help="the public HTTPS URL (a tunnel's) to accept and to give ChatGPT",
    )
    parser.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a further browser origin allowed by CORS (MCP Inspector's web UI always is)",
    )
    parser.add_argument(
        "--log-format",
        choices=["text", "json"],
        default="text",
        help="log lines as text (default) or as one JSON object a line; each tool call gets one",
    )
