"""The comparator: the Kanban tools the benchmark calls, written by hand on the official SDK's MCPServer.

What a careful engineer would write without mcpgen: typed tool functions (the SDK derives the schemas),
pydantic results (structuredContent), one SQLite file in WAL mode, each call one transaction in a worker
thread. Run: python bench/handwritten_kanban.py --port 8002 --database /tmp/hand.db
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal, TypeVar

import anyio.to_thread
import uvicorn
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import BaseModel, Field

Status = Literal["todo", "in_progress", "done"]
Priority = Literal["low", "medium", "high"]
T = TypeVar("T")
READ = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
WRITE = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False)
SCHEMA = """
CREATE TABLE IF NOT EXISTS task (
    id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, notes TEXT, status TEXT NOT NULL,
    assignee TEXT, priority TEXT NOT NULL, due TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
)
"""


class Task(BaseModel):
    id: int
    title: str
    notes: str | None
    status: Status
    assignee: str | None
    priority: Priority
    due: str | None
    created_at: str
    updated_at: str


class TaskPage(BaseModel):
    items: list[Task]
    next_cursor: str | None


class StatusCount(BaseModel):
    status: str
    count: int


class Summary(BaseModel):
    total: int
    groups: list[StatusCount]


class Database:
    """One SQLite connection; each unit of work runs in a worker thread inside one transaction."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(SCHEMA)
        self.lock = threading.Lock()

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        def transaction() -> T:
            with self.lock:
                self.db.execute("BEGIN IMMEDIATE")
                try:
                    result = work(self.db)
                except BaseException:
                    self.db.execute("ROLLBACK")
                    raise
                self.db.execute("COMMIT")
                return result

        return await anyio.to_thread.run_sync(transaction)


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def build(database: str) -> MCPServer[Any]:
    db: Database | None = None

    @asynccontextmanager
    async def lifespan(server: MCPServer[Any]) -> AsyncIterator[None]:
        nonlocal db
        db = Database(database)
        yield
        db.db.close()

    def store() -> Database:
        assert db is not None
        return db

    mcp = MCPServer("kanban", title="Kanban board", version="1.0.0", lifespan=lifespan)

    @mcp.tool(title="Create task", annotations=WRITE)
    async def create_task(
        *,
        title: Annotated[str, Field(min_length=1, max_length=200, description="A short summary of the work.")],
        notes: str | None = None,
        status: Status = "todo",
        assignee: str | None = None,
        priority: Priority = "medium",
        due: Annotated[str | None, Field(description="Due date, YYYY-MM-DD.")] = None,
    ) -> Task:
        """Use this when the user wants to add a task to the board."""
        stamp = now()

        def insert(db: sqlite3.Connection) -> Task:
            row = db.execute(
                "INSERT INTO task (title, notes, status, assignee, priority, due, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
                (title, notes, status, assignee, priority, due, stamp, stamp),
            ).fetchone()
            return Task(**dict(row))

        return await store().run(insert)

    @mcp.tool(title="Get task", annotations=READ)
    async def get_task(id: int) -> Task:
        """Use this when you need every detail of one task, by its id."""

        def select(db: sqlite3.Connection) -> Task:
            row = db.execute("SELECT * FROM task WHERE id = ?", (id,)).fetchone()
            if row is None:
                raise ToolError(f"No task with id '{id}'.")
            return Task(**dict(row))

        return await store().run(select)

    @mcp.tool(title="Move task", annotations=WRITE)
    async def move_task(id: int, status: Status) -> Task:
        """Use this when a task moves to another column of the board."""
        stamp = now()

        def update(db: sqlite3.Connection) -> Task:
            row = db.execute(
                "UPDATE task SET status = ?, updated_at = ? WHERE id = ? RETURNING *", (status, stamp, id)
            ).fetchone()
            if row is None:
                raise ToolError(f"No task with id '{id}'.")
            return Task(**dict(row))

        return await store().run(update)

    @mcp.tool(title="List tasks", annotations=READ)
    async def list_tasks(
        status: Status | None = None,
        assignee: str | None = None,
        limit: Annotated[int, Field(ge=1, le=100)] = 20,
        cursor: str | None = None,
    ) -> TaskPage:
        """Use this when the user wants to see tasks, optionally only those in one column or of one person."""
        offset = int(cursor or 0)

        def select(db: sqlite3.Connection) -> TaskPage:
            where, values = [], []
            for name, value in (("status", status), ("assignee", assignee)):
                if value is not None:
                    where.append(f"{name} = ?")
                    values.append(value)
            sql = "SELECT * FROM task" + (" WHERE " + " AND ".join(where) if where else "")
            rows = db.execute(sql + " ORDER BY id LIMIT ? OFFSET ?", (*values, limit + 1, offset)).fetchall()
            more = len(rows) > limit
            return TaskPage(
                items=[Task(**dict(row)) for row in rows[:limit]], next_cursor=str(offset + limit) if more else None
            )

        return await store().run(select)

    @mcp.tool(title="Board summary", annotations=READ)
    async def board_summary() -> Summary:
        """Use this when the user asks how the board looks overall: how many tasks are in each column."""

        def count(db: sqlite3.Connection) -> Summary:
            rows = dict(db.execute("SELECT status, COUNT(*) FROM task GROUP BY status").fetchall())
            groups = [StatusCount(status=name, count=rows.get(name, 0)) for name in ("todo", "in_progress", "done")]
            return Summary(total=sum(rows.values()), groups=groups)

        return await store().run(count)

    return mcp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8002)
    parser.add_argument("--database", default="data/handwritten.db")
    options = parser.parse_args()
    app = build(options.database).streamable_http_app(streamable_http_path="/mcp")
    # The ceiling's uvicorn settings: pure-Python h11 and asyncio, no access log.
    uvicorn.run(app, port=options.port, http="h11", loop="asyncio", access_log=False, log_level="warning")


if __name__ == "__main__":
    main()
