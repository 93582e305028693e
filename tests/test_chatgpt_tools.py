"""ChatGPT's search and fetch (deep research, company knowledge): exactly its shapes, through a real client."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp import Client, types

from mcpgen.dev.live import LiveServer
from tests.conftest import connect

pytestmark = pytest.mark.anyio


def tool(listed: types.ListToolsResult, name: str) -> types.Tool:
    return next(t for t in listed.tools if t.name == name)


def text(result: types.CallToolResult) -> str:
    assert isinstance(result.content[0], types.TextContent)
    return result.content[0].text


async def seeded(client: Client) -> list[int]:
    ids = []
    for title, notes in [("Write the release notes", "for 2.0"), ("Fix the login page", "release blocker")]:
        created = await client.call_tool("create_task", {"title": title, "notes": notes})
        ids.append((created.structured_content or {})["id"])
    return ids


async def test_search_and_fetch_advertise_chatgpts_input_shapes_and_are_read_only(server: LiveServer) -> None:
    async with connect(server.mcp) as client:
        listed = await client.list_tools()
    search, fetch = tool(listed, "search"), tool(listed, "fetch")
    assert search.input_schema["required"] == ["query"]
    assert set(search.input_schema["properties"]) == {"query"}
    assert search.input_schema["properties"]["query"]["type"] == "string"
    assert fetch.input_schema["required"] == ["id"]
    assert set(fetch.input_schema["properties"]) == {"id"}
    assert fetch.input_schema["properties"]["id"]["type"] == "string"
    for advertised in (search, fetch):
        assert advertised.annotations is not None
        assert advertised.annotations.read_only_hint is True


async def test_search_returns_ids_titles_and_urls_as_structured_content_and_the_same_json_as_text(
    server: LiveServer,
) -> None:
    async with connect(server.mcp) as client:
        first, second = await seeded(client)
        result = await client.call_tool("search", {"query": "release"})
    assert not result.is_error
    assert result.structured_content == {
        "results": [
            {"id": str(first), "title": "Write the release notes", "url": f"http://127.0.0.1:8000/tasks/{first}"},
            {"id": str(second), "title": "Fix the login page", "url": f"http://127.0.0.1:8000/tasks/{second}"},
        ],
        "more": False,
    }
    assert json.loads(text(result)) == result.structured_content


async def test_search_says_when_it_left_matches_out(server: LiveServer) -> None:
    async with connect(server.mcp) as client:
        for number in range(11):  # the Kanban search's limit is 10
            await client.call_tool("create_task", {"title": f"Release step {number}"})
        result = await client.call_tool("search", {"query": "release"})
    assert not result.is_error
    assert result.structured_content is not None
    assert (len(result.structured_content["results"]), result.structured_content["more"]) == (10, True)
    assert json.loads(text(result))["more"] is True


async def test_fetch_returns_the_whole_document_with_its_url_and_metadata(server: LiveServer) -> None:
    async with connect(server.mcp) as client:
        first, _ = await seeded(client)
        result = await client.call_tool("fetch", {"id": str(first)})
    document: dict[str, Any] = result.structured_content or {}
    assert set(document) == {"id", "title", "text", "url", "metadata"}
    assert (document["id"], document["title"]) == (str(first), "Write the release notes")
    assert document["text"].splitlines() == [
        "title: Write the release notes",
        "status: todo",
        "priority: medium",
        "notes: for 2.0",
    ]
    assert document["url"] == f"http://127.0.0.1:8000/tasks/{first}"
    assert set(document["metadata"]) == {"id", "created_at", "updated_at"}
    assert json.loads(text(result)) == document


@pytest.mark.parametrize("wrong", ["99", "abc", " ", "-1", "²", "1.0"])
async def test_fetch_of_an_unknown_id_is_a_readable_error(server: LiveServer, wrong: str) -> None:
    async with connect(server.mcp) as client:
        result = await client.call_tool("fetch", {"id": wrong})
    assert result.is_error
    assert text(result) == f"No task with id '{wrong}'."


async def test_search_with_only_spaces_asks_for_words(server: LiveServer) -> None:
    async with connect(server.mcp) as client:
        result = await client.call_tool("search", {"query": "   "})
    assert result.is_error
    assert text(result) == "query: give at least one word to search for."


async def test_fetch_of_an_id_wrapped_in_odd_whitespace_is_answered_not_crashed_on(server: LiveServer) -> None:
    async with connect(server.mcp) as client:
        await seeded(client)
        result = await client.call_tool("fetch", {"id": "\x1c1\x1c"})
    assert not result.is_error, text(result)
    assert (result.structured_content or {})["id"] == "1"
