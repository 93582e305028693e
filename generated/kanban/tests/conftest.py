"""Fixtures: the server on a temporary SQLite file, and the anyio backend for async tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mcp.server import Server

from kanban_mcp import create_server


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def server(tmp_path: Path) -> Server[Any]:
    return create_server(tmp_path / "test.db")
