"""One conformance suite for every storage backend in the registry: they must behave the same."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcpgen.runtime.storage.base import Query, Store, TextQuery, words
from mcpgen.spec.compile import compile_models
from mcpgen.spec.model import ModelSpec
from mcpgen.storage import BACKENDS, open_store
from tests.conftest import storage_for

pytestmark = pytest.mark.anyio

MODELS = compile_models(
    {
        "book": ModelSpec.model_validate(
            {
                "fields": {
                    "key": {"type": "id"},
                    "title": {"type": "string", "required": True},
                    "blurb": {"type": "text"},
                    "pages": {"type": "integer"},
                    "price": {"type": "number"},
                    "in_print": {"type": "boolean"},
                    "published": {"type": "date"},
                    "shelf": {"type": "enum", "values": ["new", "classic", "archive"]},
                }
            }
        ),
        "event": ModelSpec.model_validate(
            {"fields": {"id": {"type": "id"}, "at": {"type": "datetime"}, "kind": {"type": "string"}}}
        ),
        # A number column before the id and an integer: SQLite 3.40's RETURNING hands these back as REAL.
        "reading": ModelSpec.model_validate(
            {"fields": {"value": {"type": "number"}, "id": {"type": "id"}, "count": {"type": "integer"}}}
        ),
    }
)
MODELS["book"] = dataclasses.replace(MODELS["book"], search=("title", "blurb"))  # what search tools would index


@pytest.fixture(params=sorted(BACKENDS))
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    opened = open_store(storage_for(request.param), tmp_path, MODELS)
    await opened.open()
    yield opened
    await opened.close()


async def add(store: Store, model: str, **values: Any) -> dict[str, Any]:
    async with store.transaction() as tx:
        return await tx.insert(model, values)


async def titles(store: Store, query: Query) -> list[str]:
    async with store.transaction() as tx:
        return [r["title"] for r in await tx.select("book", query)]


async def test_insert_returns_the_whole_record_with_a_new_id(store: Store) -> None:
    first = await add(store, "book", title="Dune", pages=412, price=9.5, in_print=True)
    second = await add(store, "book", title="Emma")
    assert first == {
        "key": 1, "title": "Dune", "blurb": None, "pages": 412, "price": 9.5, "in_print": True,
        "published": None, "shelf": None,
    }  # fmt: skip
    assert second["key"] == 2
    async with store.transaction() as tx:
        assert await tx.get("book", 1) == first
        assert await tx.get("book", 99) is None


async def test_ids_and_integers_come_back_as_integers_whatever_precedes_them(store: Store) -> None:
    written = await add(store, "reading", value=1.5, count=3)
    empty = await add(store, "reading")
    assert [type(written["id"]), type(written["count"]), type(empty["id"])] == [int, int, int]
    async with store.transaction() as tx:
        changed = await tx.update("reading", 1, {"count": 4})
    assert changed == {"value": 1.5, "id": 1, "count": 4}
    assert type(changed["count"]) is int


async def test_update_changes_only_the_given_fields(store: Store) -> None:
    await add(store, "book", title="Dune", pages=412)
    async with store.transaction() as tx:
        updated = await tx.update("book", 1, {"pages": 500, "in_print": False})
        assert updated is not None
        assert (updated["title"], updated["pages"], updated["in_print"]) == ("Dune", 500, False)
        assert await tx.update("book", 2, {"pages": 1}) is None


async def test_deleted_ids_are_never_reused(store: Store) -> None:
    await add(store, "book", title="A")
    await add(store, "book", title="B")
    async with store.transaction() as tx:
        assert await tx.delete("book", 2) is True
        assert await tx.delete("book", 2) is False
    assert (await add(store, "book", title="C"))["key"] == 3


async def test_filters_match_exactly_including_booleans_and_null(store: Store) -> None:
    await add(store, "book", title="A", in_print=True, pages=1)
    await add(store, "book", title="B", in_print=False, pages=0)
    await add(store, "book", title="C")
    assert await titles(store, Query(where=(("in_print", "eq", True),))) == ["A"]
    assert await titles(store, Query(where=(("in_print", "eq", False),))) == ["B"]
    assert await titles(store, Query(where=(("in_print", "eq", None),))) == ["C"]
    assert await titles(store, Query(where=(("pages", "eq", 0),))) == ["B"]
    assert await titles(store, Query(where=(("title", "eq", "a"),))) == []


async def test_order_uses_enum_order_puts_nulls_last_and_breaks_ties_by_id(store: Store) -> None:
    for title, shelf, pages in [("A", "archive", 3), ("B", None, 1), ("C", "new", 3), ("D", "classic", None)]:
        await add(store, "book", title=title, shelf=shelf, pages=pages)
    assert await titles(store, Query(order=(("shelf", False),))) == ["C", "D", "A", "B"]
    assert await titles(store, Query(order=(("shelf", True),))) == ["A", "D", "C", "B"]
    assert await titles(store, Query(order=(("pages", False),))) == ["B", "A", "C", "D"]
    assert await titles(store, Query(order=(("pages", True),))) == ["A", "C", "B", "D"]
    assert await titles(store, Query(order=(("pages", True), ("title", True)))) == ["C", "A", "B", "D"]
    assert await titles(store, Query()) == ["A", "B", "C", "D"]


async def test_limit_and_keyset_page_through(store: Store) -> None:
    for title in "ABCDE":
        await add(store, "book", title=title)
    assert await titles(store, Query(limit=2)) == ["A", "B"]
    assert await titles(store, Query(limit=2, after=(2,))) == ["C", "D"]
    assert await titles(store, Query(limit=2, after=(4,))) == ["E"]
    assert await titles(store, Query(after=(9,))) == []


async def test_search_ranks_by_words_and_field_order_whatever_the_case(store: Store) -> None:
    await add(store, "book", title="Notes", blurb="An ÉCOLE story about the sea")
    await add(store, "book", title="The sea", blurb="Waves")
    await add(store, "book", title="Sea and école", blurb="The sea again")
    await add(store, "book", title="Unrelated", blurb="Nothing")
    await add(store, "book", title="Passwords", blurb="PASSWORDS kept safe")
    query = TextQuery(fields=("title", "blurb"), terms=words("sea école"))
    async with store.transaction() as tx:
        found = [r["title"] for r in await tx.search("book", query)]
        assert found[0] == "Sea and école"  # both words, in the title and the blurb
        assert sorted(found[1:]) == ["Notes", "The sea"]
        assert [
            r["title"] for r in await tx.search("book", TextQuery(("title",), words("SEA"), limit=1, offset=1))
        ] == ["Sea and école"]
        assert await tx.search("book", TextQuery(("title",), words("zebra"))) == []
        # A word finds the words it begins, in any case; not the other way round (no stemming).
        assert [r["title"] for r in await tx.search("book", TextQuery(("title",), words("pass")))] == ["Passwords"]
        assert [r["title"] for r in await tx.search("book", TextQuery(("blurb",), words("passwords")))] == ["Passwords"]
        assert await tx.search("book", TextQuery(("title",), words("passwordsx"))) == []
        assert await tx.search("book", TextQuery(("title",), words("--"))) == []


async def test_count_in_all_and_by_group(store: Store) -> None:
    for shelf in ["new", "new", "archive", None]:
        await add(store, "book", title="x", shelf=shelf, in_print=shelf == "new")
    async with store.transaction() as tx:
        assert await tx.count("book", (), None) == {None: 4}
        assert await tx.count("book", (), "shelf") == {"new": 2, "archive": 1, None: 1}
        assert await tx.count("book", (("in_print", "eq", True),), "shelf") == {"new": 2}
        assert await tx.count("book", (), "in_print") == {True: 2, False: 2}
        assert await tx.count("event", (), "kind") == {}


async def test_a_transaction_that_raises_writes_nothing(store: Store) -> None:
    await add(store, "book", title="Kept")

    async def fail_half_way() -> None:
        async with store.transaction() as tx:
            await tx.insert("book", {"title": "Lost"})
            await tx.update("book", 1, {"title": "Changed"})
            await tx.delete("book", 1)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await fail_half_way()
    assert await titles(store, Query()) == ["Kept"]
    # ids are never reused; one a failed transaction took may be skipped (PostgreSQL's sequences do that)
    assert (await add(store, "book", title="Next"))["key"] in {2, 3}


async def test_models_are_separate_tables(store: Store) -> None:
    event = await add(store, "event", at="2026-11-24T10:00:00.000Z", kind="deploy")
    assert event == {"id": 1, "at": "2026-11-24T10:00:00.000Z", "kind": "deploy"}
    assert await titles(store, Query()) == []


operations = st.lists(
    st.one_of(
        st.tuples(st.just("insert"), st.sampled_from(["a", "b", "c"]), st.integers(0, 3)),
        st.tuples(st.just("update"), st.integers(1, 8), st.integers(0, 3)),
        st.tuples(st.just("delete"), st.integers(1, 8), st.just(0)),
    ),
    max_size=25,
)


@pytest.mark.parametrize("backend", sorted(BACKENDS))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations)
async def test_any_sequence_of_writes_matches_a_plain_dict(backend: str, tmp_path_factory: Any, steps: Any) -> None:
    folder = tmp_path_factory.mktemp("store")
    store = open_store(storage_for(backend, "s.db"), folder, MODELS)
    await store.open()
    expected: dict[int, dict[str, Any]] = {}
    next_key = 1
    try:
        for kind, target, number in steps:
            async with store.transaction() as tx:
                if kind == "insert":
                    await tx.insert("book", {"title": target, "pages": number})
                    expected[next_key] = {"title": target, "pages": number}
                    next_key += 1
                elif kind == "update":
                    changed = await tx.update("book", target, {"pages": number})
                    assert (changed is not None) == (target in expected)
                    if target in expected:
                        expected[target]["pages"] = number
                else:
                    assert await tx.delete("book", target) == (target in expected)
                    expected.pop(target, None)
        async with store.transaction() as tx:
            rows = await tx.select("book", Query(order=(("pages", True),)))
        want = sorted(expected.items(), key=lambda item: (-item[1]["pages"], item[0]))
        assert [(r["key"], r["title"], r["pages"]) for r in rows] == [(k, v["title"], v["pages"]) for k, v in want]
    finally:
        await store.close()
