"""The command-line options every server takes (kept light: `mcpgen validate` builds its parser too)."""

from __future__ import annotations

import argparse
import re

MAX_BODY = 4 * 1024 * 1024  # the default of --max-body
UNITS = {"": 1, "kb": 1024, "mb": 1024 * 1024}


def add_arguments(parser: argparse.ArgumentParser, *, port: int, public_url: str | None) -> None:
    """Where to listen, which hosts and origins to accept, how large a body may be, and how to log."""
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
        "--no-chatgpt-origins",
        dest="chatgpt_origins",
        action="store_false",
        help="refuse the browser origins of ChatGPT and the API Playground, which a public URL or an allowed host "
        "lets in",
    )
    parser.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a further browser origin to accept and allow by CORS (MCP Inspector's web UI always is)",
    )
    parser.add_argument(
        "--max-body",
        type=size,
        default=MAX_BODY,
        metavar="BYTES",
        help="the largest request body to accept, in bytes or with KB or MB (default 4MB); larger ones get 413",
    )
    parser.add_argument(
        "--log-format",
        choices=["text", "json"],
        default="text",
        help="log lines as text (default) or as one JSON object a line; each tool call gets one",
    )


def size(text: str) -> int:
    """A number of bytes: `1048576`, `512KB` or `4MB` (KB and MB are 1024 and 1024² bytes)."""
    found = re.fullmatch(r"\s*(\d+)\s*([kKmM][bB])?\s*", text)
    if found is None or int(found[1]) == 0:
        raise argparse.ArgumentTypeError(f"expected a number of bytes such as 1048576, 512KB or 4MB, got {text!r}")
    return int(found[1]) * UNITS[(found[2] or "").lower()]
