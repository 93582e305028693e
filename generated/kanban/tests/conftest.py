"""Fixtures: the server on a temporary SQLite file, and the anyio backend for async tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mcp.server import Server as SDKServer

from kanban_mcp.connector import CONNECTOR, open_store
from kanban_mcp.runtime.server import Server


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def server(tmp_path: Path) -> SDKServer[Any]:
    return Server(CONNECTOR, open_store(str(tmp_path / "test.db"))).mcp
