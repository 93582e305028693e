"""The MCP server: the tools of tools.json, their handlers, and the one place tool errors become results."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from mcp import types
from mcp.server import NotificationOptions, Server, ServerRequestContext
from mcp.server.models import InitializationOptions
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS

from kanban_mcp import handlers
from kanban_mcp.models import MODELS
from kanban_mcp.runtime import ToolError, argument_problems, validator
from kanban_mcp.store import Store

NAME = "kanban"
VERSION = "1.0.0"
TITLE = "Kanban board"
DESCRIPTION = "Track work on a Kanban board: create tasks, move them between To do, In progress and Done, assign and prioritise them, search them, and see how much is in each column."
INSTRUCTIONS = "This server keeps one shared Kanban board of tasks. A task's status is its column: todo, in_progress or done. To find a task by words, call search_tasks; to browse or filter, call list_tasks. Call board_summary for an overview before planning. Move a task between columns with move_task rather than update_task. Dates are YYYY-MM-DD. Never invent task ids: get them from list_tasks or search_tasks first."
TOOLS = [
    types.Tool.model_validate(tool)
    for tool in json.loads((Path(__file__).parent / "tools.json").read_text(encoding="utf-8"))
]
HANDLERS = {
    "list_tasks": handlers.list_tasks,
    "get_task": handlers.get_task,
    "create_task": handlers.create_task,
    "update_task": handlers.update_task,
    "move_task": handlers.move_task,
    "delete_task": handlers.delete_task,
    "search_tasks": handlers.search_tasks,
    "board_summary": handlers.board_summary,
    "search": handlers.search,
    "fetch": handlers.fetch,
    "show_board": handlers.show_board,
}
VALIDATORS = {tool.name: validator(tool.input_schema) for tool in TOOLS}
RESOURCES = [
    types.Resource.model_validate(resource)
    for resource in json.loads((Path(__file__).parent / "resources.json").read_text(encoding="utf-8"))
]
# Each widget is served twice, once per standard (MCP Apps and the Apps SDK): the URI names its file.
WIDGET_FILES = {
    "ui://widget/board-28dfcf7e6300.html": "widgets/board.html",
    "ui://widget/board-28dfcf7e6300.skybridge.html": "widgets/board.html",
}

log = logging.getLogger(__package__)


class _Server(Server[Any]):
    """Advertises tools.listChanged, as `mcpgen serve` does (the list never changes while running)."""

    def create_initialization_options(
        self,
        notification_options: NotificationOptions | None = None,
        experimental_capabilities: dict[str, dict[str, Any]] | None = None,
        extensions: dict[str, dict[str, Any]] | None = None,
    ) -> InitializationOptions:
        options = notification_options or NotificationOptions(tools_changed=True)
        return super().create_initialization_options(options, experimental_capabilities, extensions)


def create_server(database: Path | str) -> Server[Any]:
    """The server, keeping its records in the SQLite file `database` (":memory:" keeps nothing)."""
    store = Store(database, MODELS)

    @asynccontextmanager
    async def lifespan(server: Server[Any]) -> AsyncIterator[dict[str, Any]]:
        async with store.running():
            yield {}

    async def list_tools(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=TOOLS)

    async def call_tool(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> types.CallToolResult:
        return await call(store, params.name, params.arguments)

    async def list_resources(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListResourcesResult:
        return types.ListResourcesResult(resources=RESOURCES)

    async def read_resource(
        ctx: ServerRequestContext[Any], params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        return read_widget(params.uri)

    return _Server(
        NAME,
        version=VERSION,
        title=TITLE,
        description=DESCRIPTION,
        instructions=INSTRUCTIONS,
        lifespan=lifespan,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        on_list_resources=list_resources,
        on_read_resource=read_resource,
    )


async def call(store: Store, name: str, arguments: dict[str, Any] | None) -> types.CallToolResult:
    """Runs one tool in one transaction; every failure comes back as an isError result."""
    handler = HANDLERS.get(name)
    if handler is None:
        return error(f"Unknown tool '{name}'. Available tools: {', '.join(HANDLERS)}.")
    try:
        args = arguments or {}
        wrong = argument_problems(VALIDATORS[name], args)
        if wrong:
            return error(f"Invalid arguments for {name}:\n" + "\n".join(f"- {line}" for line in wrong))
        async with store.transaction() as tx:
            result, text = await handler(tx, args)
    except ToolError as exc:
        return error(str(exc))
    except Exception:
        reference = uuid.uuid4().hex[:8]
        log.exception("tool %s failed (ref %s)", name, reference)
        return error(f"{name} failed because of an internal error (ref {reference}); it was logged.")
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)], structured_content=result)


def read_widget(uri: str) -> types.ReadResourceResult:
    """A widget's HTML with the metadata of the standard its URI is for."""
    resource = next((resource for resource in RESOURCES if resource.uri == uri), None)
    if resource is None:
        raise MCPError(code=INVALID_PARAMS, message=f"Unknown resource {uri}")
    html = (Path(__file__).parent / WIDGET_FILES[uri]).read_text(encoding="utf-8")
    content = types.TextResourceContents(uri=uri, mime_type=resource.mime_type, text=html, meta=resource.meta)
    return types.ReadResourceResult(contents=[content])


def error(text: str) -> types.CallToolResult:
    """A tool error the model can read and act on."""
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)], is_error=True)
