"""`python -m kanban_mcp`: serves the connector over Streamable HTTP at /mcp (and /healthz), or stdio."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from kanban_mcp.connector import CONNECTOR, DATABASE, open_store
from kanban_mcp.runtime import cli


def main(argv: Sequence[str] | None = None) -> int:
    """Serves until interrupted; `--help` lists the options."""
    return cli.main(CONNECTOR, open_store, argv, prog="kanban_mcp", database=DATABASE, what="the SQLite file")


if __name__ == "__main__":
    sys.exit(main())
