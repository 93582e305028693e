"""The kanban connector as data: its models and tools, served by the runtime in runtime/ (mcpgen's own).

tools.json is the exact tool list clients see; each tool here pairs its definition with what it does.
"""

from __future__ import annotations

import json
from pathlib import Path

from kanban_mcp.runtime.actions import (
    Board,
    ChatGPTSearch,
    Count,
    Create,
    Delete,
    Fetch,
    Get,
    List,
    Search,
    Update,
)
from kanban_mcp.runtime.auth import AuthSettings
from kanban_mcp.runtime.filters import Filter
from kanban_mcp.runtime.model import Field, Limit, Model
from kanban_mcp.runtime.resources import from_files
from kanban_mcp.runtime.storage.sqlite import SQLiteStore
from kanban_mcp.runtime.tool import Connector, Tool

HERE = Path(__file__).parent
# Where records live: as the spec wrote it; its ${VAR}s are read when the server starts. A relative path is
# relative to the folder the server starts in (under `make serve`, this project's).
DATABASE = "${KANBAN_DB:-data/kanban.db}"

TASK = Model(
    "task",
    {
        "id": Field("id"),
        "title": Field("string", required=True),
        "notes": Field("text"),
        "status": Field("enum", default="todo", values=("todo", "in_progress", "done")),
        "assignee": Field("string"),
        "priority": Field("enum", default="medium", values=("low", "medium", "high")),
        "due": Field("date"),
        "created_at": Field("datetime", auto="created"),
        "updated_at": Field("datetime", auto="updated"),
    },
    display="title",
    search=("title", "notes", "assignee"),
)
MODELS = {
    "task": TASK,
}

DEFINITIONS = {tool["name"]: tool for tool in json.loads((HERE / "tools.json").read_text(encoding="utf-8"))}
TOOLS = {
    "list_tasks": Tool(
        DEFINITIONS["list_tasks"],
        List(
            TASK,
            filters=(
                Filter("status"),
                Filter("status", "not"),
                Filter("assignee"),
                Filter("assignee", "empty"),
                Filter("priority"),
                Filter("due", "lt"),
                Filter("due", "gte"),
            ),
            order_by=("due", "priority", "created_at"),
        ),
    ),
    "get_task": Tool(DEFINITIONS["get_task"], Get(TASK)),
    "create_task": Tool(DEFINITIONS["create_task"], Create(TASK)),
    "update_task": Tool(DEFINITIONS["update_task"], Update(TASK)),
    "move_task": Tool(DEFINITIONS["move_task"], Update(TASK, fields=("status",))),
    "delete_task": Tool(DEFINITIONS["delete_task"], Delete(TASK)),
    "search_tasks": Tool(DEFINITIONS["search_tasks"], Search(TASK, fields=("title", "notes"), limit=Limit(10, 50))),
    "board_summary": Tool(
        DEFINITIONS["board_summary"], Count(TASK, filters=(Filter("assignee"), Filter("priority")), group_by="status")
    ),
    "search": Tool(
        DEFINITIONS["search"],
        ChatGPTSearch(
            TASK, url="http://127.0.0.1:8000/tasks/{{ id }}", fields=("title", "notes", "assignee"), limit=Limit(10, 50)
        ),
    ),
    "fetch": Tool(
        DEFINITIONS["fetch"],
        Fetch(
            TASK,
            url="http://127.0.0.1:8000/tasks/{{ id }}",
            fields=("title", "status", "assignee", "priority", "due", "notes"),
        ),
    ),
    "show_board": Tool(
        DEFINITIONS["show_board"],
        Board(TASK, group_by="status", fields=("assignee", "priority", "due"), filters=(Filter("assignee"),)),
    ),
}
# Each widget is served twice, once per standard (MCP Apps and the Apps SDK): its URIs name its file.
RESOURCES = from_files(
    json.loads((HERE / "resources.json").read_text(encoding="utf-8")),
    {
        "ui://widget/board-dadabdee2ebf.html": "widgets/board.html",
        "ui://widget/board-dadabdee2ebf.skybridge.html": "widgets/board.html",
    },
    HERE,
)

CONNECTOR = Connector(
    name="kanban",
    version="1.0.0",
    description="Track work on a Kanban board: create tasks, move them between To do, In progress and Done, assign and prioritise them, search them, and see how much is in each column.",
    title="Kanban board",
    instructions="This server keeps one shared Kanban board of tasks. A task's status is its column: todo, in_progress or done. To find a task by words, call search_tasks; to browse or filter, call list_tasks. Call board_summary for an overview before planning. Move a task between columns with move_task rather than update_task. Dates are YYYY-MM-DD. Never invent task ids: get them from list_tasks or search_tasks first.",
    models=MODELS,
    tools=TOOLS,
    resources=RESOURCES,
    auth=AuthSettings(),
)


def open_store(database: str) -> SQLiteStore:
    """The SQLite file at `database` (it and its folder are created on first run)."""
    return SQLiteStore(database, MODELS)
