"""Queries on every backend: each filter operator on each type it applies to, keyset cursors that hold while
records come and go, full-text ranking, and renames that keep every row."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcpgen.actions.base import OPS_FOR
from mcpgen.dev.live import LiveServer
from mcpgen.runtime.filters import OPS, matches
from mcpgen.runtime.storage.base import Query, Store
from mcpgen.spec import parse_spec
from mcpgen.spec.compile import compile_models
from mcpgen.spec.model import ModelSpec
from mcpgen.storage import BACKENDS, open_store
from tests.conftest import connect, storage_for

pytestmark = pytest.mark.anyio

# One optional field of every type a filter applies to, and the values records draw from (few, so they repeat).
TYPES: dict[str, tuple[dict[str, Any], st.SearchStrategy[Any]]] = {
    "string": ({"type": "string"}, st.sampled_from(["", "a", "B", "ab", "é"])),
    "text": ({"type": "text"}, st.sampled_from(["", "x", "y"])),
    "enum": ({"type": "enum", "values": ["low", "mid", "high"]}, st.sampled_from(["low", "mid", "high"])),
    "integer": ({"type": "integer"}, st.integers(-3, 3)),
    "number": ({"type": "number"}, st.sampled_from([-1.5, 0.0, 0.25, 2.0])),
    "boolean": ({"type": "boolean"}, st.booleans()),
    "date": ({"type": "date"}, st.sampled_from(["2026-01-01", "2026-01-02", "2025-12-31"])),
    "datetime": (
        {"type": "datetime"},
        st.sampled_from(["2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.001Z", "2025-06-30T12:00:00.000Z"]),
    ),
}
MODELS = compile_models({"thing": ModelSpec.model_validate({"fields": {"id": {"type": "id"}} | {
    kind: field for kind, (field, _) in TYPES.items()
}})})  # fmt: skip


def applies(op: str, kind: str) -> bool:
    return kind in OPS_FOR[op] if op in OPS_FOR else True


@st.composite
def condition(draw: st.DrawFn) -> tuple[str, str, Any]:
    kind = draw(st.sampled_from(list(TYPES)))
    op = draw(st.sampled_from([op for op in OPS if applies(op, kind)]))
    values = TYPES[kind][1]
    if op == "in":
        return kind, op, tuple(draw(st.lists(values, max_size=3)))
    if op == "empty":
        return kind, op, draw(st.booleans())
    return kind, op, draw(values)


records = st.lists(
    st.fixed_dictionaries({}, optional={kind: st.one_of(st.none(), values) for kind, (_, values) in TYPES.items()}),
    max_size=12,
)


@pytest.fixture(params=sorted(BACKENDS))
async def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Store]:
    opened = open_store(storage_for(request.param), tmp_path_factory.mktemp("queries"), MODELS)
    await opened.open()
    yield opened
    await opened.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=records, where=st.lists(condition(), min_size=1, max_size=3))
async def test_every_operator_on_every_type_it_applies_to_matches_its_definition(
    store: Store, rows: list[dict[str, Any]], where: list[tuple[str, str, Any]]
) -> None:
    async with store.transaction() as tx:
        for old in await tx.select("thing", Query()):
            await tx.delete("thing", old["id"])
        stored = [await tx.insert("thing", row) for row in rows]
        expected = [r["id"] for r in stored if matches(MODELS["thing"], r, tuple(where))]
        found = [r["id"] for r in await tx.select("thing", Query(where=tuple(where)))]
        counted = (await tx.count("thing", tuple(where), None))[None]
    assert found == expected, where
    assert counted == len(expected)


def test_operators_apply_to_the_types_that_order_or_compare() -> None:
    assert [kind for kind in TYPES if applies("lt", kind)] == ["integer", "number", "date", "datetime"]
    assert not applies("in", "text")
    assert not applies("not", "text")
    assert applies("empty", "text")


# --- tools: cursors, ranking, renames (a real MCP client session on each backend) ---

SHELF = {
    "mcpgen": 1,
    "name": "shelf",
    "description": "Books on a shelf.",
    "models": {
        "book": {
            "display": "title",
            "fields": {
                "id": {"type": "id"},
                "title": {"type": "string", "required": True},
                "blurb": {"type": "text"},
                "due": {"type": "date"},
                "shelf": {"type": "enum", "values": ["new", "classic", "archive"]},
            },
        }
    },
    "tools": {
        "add_book": {"action": "create", "model": "book", "description": "Use this to add a book."},
        "remove_book": {"action": "delete", "model": "book", "description": "Use this to remove a book."},
        "list_books": {
            "action": "list",
            "model": "book",
            "description": "Use this to list books.",
            "filters": ["shelf", {"field": "due", "ops": ["lt", "empty"]}],
            "order_by": ["due", "shelf", "title"],
        },
        "search_books": {
            "action": "search",
            "model": "book",
            "description": "Use this to find books.",
            "fields": ["title", "blurb"],
            "limit": {"default": 2, "max": 10},
        },
    },
}


def shelf(backend: str, folder: Path, spec: dict[str, Any] = SHELF) -> LiveServer:
    storage = storage_for(backend, str(folder / "shelf.db")).model_dump(by_alias=True, exclude_none=True)
    return LiveServer(parse_spec(yaml.safe_dump({**spec, "storage": storage}), str(folder / "shelf.yaml")))


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def call(client: Any, tool: str, **arguments: Any) -> Any:
    """The structured result of a call that succeeds (arguments that are None are left out)."""
    result = await client.call_tool(tool, {name: value for name, value in arguments.items() if value is not None})
    assert not result.is_error, result.content[0].text
    return result.structured_content


@pytest.mark.parametrize(
    "order", [{}, {"order_by": "due", "order": "desc"}, {"order_by": "shelf"}, {"order_by": "title"}]
)
async def test_records_added_or_deleted_between_pages_are_neither_skipped_nor_repeated(
    backend: str, tmp_path: Path, order: dict[str, str]
) -> None:
    server = shelf(backend, tmp_path)
    days = [None, "2026-03-01", "2026-01-15", None, "2026-02-01"]
    shelves = ["new", None, "archive", "classic"]
    async with server.running(), connect(server.mcp) as client:
        for n in range(24):
            await call(client, "add_book", title=f"b{n:02}", due=days[n % 5], shelf=shelves[n % 4])
        seen: list[int] = []
        page = await call(client, "list_books", limit=5, **order)
        removed, added = set(), set()
        while True:
            seen += [book["id"] for book in page["items"]]
            if page["next_cursor"] is None:
                break
            # Between pages: delete one record already shown and one not yet shown, add two.
            unseen = sorted(set(range(1, 25)) - set(seen) - removed)
            for victim in {seen[0], *unseen[:1]} - removed:
                await call(client, "remove_book", id=victim)
                removed.add(victim)
            for _ in range(2):
                added.add((await call(client, "add_book", title=f"new{len(added)}", due=days[len(added) % 5]))["id"])
            page = await call(client, "list_books", limit=5, cursor=page["next_cursor"], **order)
        assert len(seen) == len(set(seen)), "a record was repeated"
        everyone = set(range(1, 25))
        assert everyone - removed <= set(seen), "a record that was there all along was skipped"


async def test_a_cursor_is_refused_with_other_filters_or_order(backend: str, tmp_path: Path) -> None:
    server = shelf(backend, tmp_path)
    async with server.running(), connect(server.mcp) as client:
        for n in range(3):
            await call(client, "add_book", title=f"b{n}", shelf="new")
        cursor = (await call(client, "list_books", limit=1))["next_cursor"]
        for other in ({"shelf": "new"}, {"order_by": "title"}, {"due_empty": True}):
            result = await client.call_tool("list_books", {"limit": 1, "cursor": cursor, **other})
            assert result.is_error
            assert result.content[0].text.startswith("This cursor belongs to a call with other arguments")
        assert (await call(client, "list_books", limit=2, cursor=cursor))["items"][0][
            "title"
        ] == "b1"  # limit may change
        searched = (await call(client, "search_books", query="b0 b1 b2", limit=1))["next_cursor"]
        refused = await client.call_tool("search_books", {"query": "b0", "cursor": searched})
        assert refused.is_error
        forged = await client.call_tool("list_books", {"cursor": "eyJxIjoiYWJjIn0"})
        assert forged.is_error
        assert "cursor" in forged.content[0].text


CORPUS = [
    ("Printer jams", "The office printer jams on every page"),  # 1: one word, in the title
    ("Weekly report", "Send the printer report and the toner order"),  # 2: printer and toner, in the blurb
    ("Toner and printer", "Order toner for the printer"),  # 3: both words, in the title and the blurb
    ("Lunch", "Nothing to do with it"),  # 4: neither
    ("Kitchen", "A printer in the kitchen"),  # 5: one word, in the blurb
]


async def test_search_ranks_more_words_and_title_matches_first(backend: str, tmp_path: Path) -> None:
    server = shelf(backend, tmp_path)
    async with server.running(), connect(server.mcp) as client:
        for title, blurb in CORPUS:
            await call(client, "add_book", title=title, blurb=blurb)
        first = await call(client, "search_books", query="PRINTER toner", limit=10)
        ranked = [book["id"] for book in first["items"]]
        assert ranked[0] == 3  # both words, in the title
        assert 4 not in ranked
        assert set(ranked) == {1, 2, 3, 5}
        assert ranked.index(1) < ranked.index(5)  # a title match before a blurb match of the same word
        only = await call(client, "search_books", query="print", limit=10)  # a prefix, any case
        assert {book["id"] for book in only["items"]} == {1, 2, 3, 5}
        paged = await call(client, "search_books", query="printer toner")  # limit 2: two pages
        rest = await call(client, "search_books", query="printer toner", cursor=paged["next_cursor"])
        assert [b["id"] for b in paged["items"] + rest["items"]] == ranked[:4]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])  # (memory keeps nothing across a restart)
async def test_renamed_from_keeps_every_row_and_says_what_it_changed(
    backend: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = shelf(backend, tmp_path)
    async with server.running(), connect(server.mcp) as client:
        for n in range(5):
            await call(client, "add_book", title=f"b{n}", blurb=f"about {n}", due="2026-01-0" + str(n + 1))
    spec: dict[str, Any] = yaml.safe_load(yaml.safe_dump(SHELF))
    book = spec["models"].pop("book")
    book["renamed_from"] = "book"
    book["fields"]["summary"] = {**book["fields"].pop("blurb"), "renamed_from": "blurb"}
    spec["models"]["volume"] = book
    for tool in spec["tools"].values():
        tool["model"] = "volume"
    spec["tools"]["search_books"]["fields"] = ["title", "summary"]
    renamed = shelf(backend, tmp_path, spec)
    if backend == "postgres":  # the same schema as before
        renamed = LiveServer(
            parse_spec(
                yaml.safe_dump({**spec, "storage": server.loaded.spec.storage.model_dump(by_alias=True)}),
                str(tmp_path / "shelf.yaml"),
            )
        )
    with caplog.at_level(logging.INFO):
        async with renamed.running(), connect(renamed.mcp) as client:
            rows = (await call(client, "list_books", limit=10))["items"]
            assert [(r["title"], r["summary"]) for r in rows] == [(f"b{n}", f"about {n}") for n in range(5)]
            assert [r["title"] for r in (await call(client, "search_books", query="about", limit=10))["items"]]
    said = caplog.text
    assert "renamed table book to volume" in said
    assert "renamed column volume.blurb to summary" in said


async def test_filter_parameters_narrow_as_their_names_say(backend: str, tmp_path: Path) -> None:
    server = shelf(backend, tmp_path)
    today = dt.date(2026, 2, 1).isoformat()
    async with server.running(), connect(server.mcp) as client:
        for title, due in [("late", "2026-01-01"), ("soon", "2026-03-01"), ("whenever", None)]:
            await call(client, "add_book", title=title, due=due)
        titles = lambda page: [book["title"] for book in page["items"]]  # noqa: E731
        assert titles(await call(client, "list_books", due_lt=today)) == ["late"]
        assert titles(await call(client, "list_books", due_empty=True)) == ["whenever"]
        assert titles(await call(client, "list_books", due_empty=False, order_by="due", order="desc")) == [
            "soon",
            "late",
        ]


async def test_texts_keep_names_as_stored_and_show_values_as_json(tmp_path: Path) -> None:
    spec: dict[str, Any] = yaml.safe_load(yaml.safe_dump(SHELF))
    spec["models"]["book"]["fields"] |= {"signed": {"type": "boolean"}, "price": {"type": "number"}}
    spec["tools"] |= {
        "get_book": {"action": "get", "model": "book", "description": "Use this to read a book."},
        "change_book": {"action": "update", "model": "book", "description": "Use this to change a book."},
    }
    server = shelf("memory", tmp_path, spec)
    async with server.running(), connect(server.mcp) as client:
        await call(client, "add_book", title="Login fails on Device 2", due="2026-01-01")
        got = await client.call_tool("get_book", {"id": 1})
        assert got.content[0].text == 'Book 1 "Login fails on Device 2".'
        changed = await client.call_tool("change_book", {"id": 1, "signed": True, "price": 2.5, "due": None})
        assert changed.content[0].text == (
            'Updated book 1 "Login fails on Device 2": signed → true, price → 2.5, due cleared.'
        )


async def test_a_board_says_when_a_column_holds_more_than_it_shows(tmp_path: Path) -> None:
    spec: dict[str, Any] = yaml.safe_load(yaml.safe_dump(SHELF))
    spec["tools"]["show_shelves"] = {
        "action": "board",
        "model": "book",
        "description": "Use this to see the shelves.",
        "group_by": "shelf",
        "limit": {"default": 2, "max": 2},
    }
    server = shelf("sqlite", tmp_path, spec)
    async with server.running(), connect(server.mcp) as client:
        for n in range(3):
            await call(client, "add_book", title=f"b{n}", shelf="new")
        await call(client, "add_book", title="old", shelf="classic")
        result = await client.call_tool("show_shelves", {})
        columns = result.structured_content["columns"]
        assert [(c["id"], len(c["books"]), c["more"]) for c in columns] == [
            ("new", 2, True),
            ("classic", 1, False),
            ("archive", 0, False),
        ]
        assert result.content[0].text == "The board by shelf: New: 2 (more not shown), Classic: 1, Archive: 0."
