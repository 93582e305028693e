"""The ceiling: a bare Starlette route at /mcp doing the Kanban SQLite work, with no MCP machinery in front.

It parses the JSON-RPC body and answers `initialize`, notifications, `ping` and `tools/list` minimally (no
sessions, no SSE, no pydantic, no argument validation), and `tools/call` of `list_tasks` (filtered by status,
a page at a time) and `create_task` with the statements mcpgen runs on the table of specs/kanban.yaml's `task`
model, in a transaction on the event loop. Results have the SDK's shape: the JSON as text and as
structuredContent. The practical limit of a Python server on this machine: every ratio in bench/ is to it.
Run: python bench/ceiling.py --port 8003 --database /tmp/ceiling.db
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

COLUMNS = ("id", "title", "notes", "status", "assignee", "priority", "due", "created_at", "updated_at")
NAMES = ", ".join(f'"{name}"' for name in COLUMNS)
SCHEMA = """
CREATE TABLE IF NOT EXISTS "task" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT, "title" TEXT, "notes" TEXT, "status" TEXT DEFAULT 'todo',
    "assignee" TEXT, "priority" TEXT DEFAULT 'medium', "due" TEXT, "created_at" TEXT, "updated_at" TEXT
)
"""
SELECT = f'SELECT {NAMES} FROM "task" WHERE "status" = ? ORDER BY "id" LIMIT ? OFFSET ?'
INSERT = (
    'INSERT INTO "task" ("title", "status", "assignee", "priority", "created_at", "updated_at")'
    f" VALUES (?, ?, ?, ?, ?, ?) RETURNING {NAMES}"
)
TOOLS = {
    "tools": [
        {"name": "list_tasks", "inputSchema": {"type": "object"}},
        {"name": "create_task", "inputSchema": {"type": "object", "required": ["title"]}},
    ]
}


class Board:
    """One SQLite connection in WAL mode; each call is one short transaction on the event loop's thread."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(SCHEMA)

    def list_tasks(self, args: dict[str, Any]) -> dict[str, Any]:
        """A page of one column's tasks and the cursor of the next page."""
        size, offset = int(args.get("limit", 20)), int(args.get("cursor") or 0)
        self.db.execute("BEGIN")
        rows = self.db.execute(SELECT, (args.get("status", "todo"), size + 1, offset)).fetchall()
        self.db.execute("COMMIT")
        items = [dict(zip(COLUMNS, row, strict=True)) for row in rows[:size]]
        return {"items": items, "next_cursor": str(offset + size) if len(rows) > size else None}

    def create_task(self, args: dict[str, Any]) -> dict[str, Any]:
        """The new task as stored."""
        stamp = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        values = (args["title"], args.get("status", "todo"), args.get("assignee"), args.get("priority", "medium"))
        self.db.execute("BEGIN IMMEDIATE")
        row = self.db.execute(INSERT, (*values, stamp, stamp)).fetchone()
        self.db.execute("COMMIT")
        return dict(zip(COLUMNS, row, strict=True))


def build(path: str) -> Starlette:
    """The app: one POST route that answers JSON-RPC as plain JSON."""
    board = Board(path)
    tools = {"list_tasks": board.list_tasks, "create_task": board.create_task}

    def answer(ident: Any, result: dict[str, Any]) -> JSONResponse:
        return JSONResponse({"jsonrpc": "2.0", "id": ident, "result": result})

    async def mcp(request: Request) -> Response:
        message = json.loads(await request.body())
        if "id" not in message:  # a notification
            return Response(status_code=202)
        ident, method, params = message["id"], message.get("method"), message.get("params") or {}
        if method == "tools/call":
            try:
                structured = tools[params["name"]](params.get("arguments") or {})
            except (KeyError, ValueError, sqlite3.Error) as exc:
                return answer(ident, {"content": [{"type": "text", "text": repr(exc)}], "isError": True})
            content = [{"type": "text", "text": json.dumps(structured)}]
            return answer(ident, {"content": content, "isError": False, "structuredContent": structured})
        if method == "initialize":
            info = {"name": "kanban-ceiling", "version": "1.0.0"}
            version = params.get("protocolVersion")
            return answer(ident, {"protocolVersion": version, "capabilities": {"tools": {}}, "serverInfo": info})
        if method == "tools/list":
            return answer(ident, TOOLS)
        if method == "ping":
            return answer(ident, {})
        return JSONResponse({"jsonrpc": "2.0", "id": ident, "error": {"code": -32601, "message": "Method not found"}})

    return Starlette(routes=[Route("/mcp", mcp, methods=["POST"])])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8003)
    parser.add_argument("--database", default="data/ceiling.db")
    options = parser.parse_args()
    config = uvicorn.Config(
        build(options.database), port=options.port, http="h11", loop="asyncio", access_log=False, log_level="warning"
    )
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
