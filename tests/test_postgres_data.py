"""Real data on PostgreSQL: owners, operators, keysets, references, unique keys, full-text search and migrations."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import psycopg
import pytest

from mcpgen.errors import StorageError
from mcpgen.runtime.errors import ConstraintError, ToolError
from mcpgen.runtime.filters import matches
from mcpgen.runtime.model import OWNER, Field, Model
from mcpgen.runtime.storage.base import Query, TextQuery, words
from mcpgen.runtime.storage.memory import MemoryStore
from mcpgen.runtime.storage.postgres import PostgresStore
from tests.conftest import POSTGRES_URL, SCHEMA_PREFIX

pytestmark = pytest.mark.anyio
LOGGER = "mcpgen.runtime.storage.postgres_schema"
ID = Field("id")
STATUS = ("todo", "doing", "done")


def model(name: str, display: str = "id", /, **options: Any) -> Model:
    """A Model named `name` from keyword fields (Field values) and model options (unique, owner, search, ...)."""
    fields = {key: value for key, value in options.items() if isinstance(value, Field)}
    rest = {key: value for key, value in options.items() if not isinstance(value, Field)}
    return Model(name, {"id": ID, **fields}, display, **rest)


CUSTOMER = model("customer", "name", name=Field("string", required=True), email=Field("string", unique=True))
TASK = model(
    "task",
    "title",
    title=Field("string", required=True),
    notes=Field("text"),
    status=Field("enum", values=STATUS),
    points=Field("integer"),
    due=Field("date"),
    done=Field("boolean"),
    customer=Field("ref", ref="customer", on_delete="cascade"),
    reviewer=Field("ref", ref="customer", on_delete="set_null"),
    search=("title", "notes"),
)
INVOICE = model("invoice", total=Field("number"), customer=Field("ref", ref="customer"))  # restrict by default
NOTE = model("note", "title", title=Field("string", unique=True), body=Field("text"), owner="subject", search=("body",))


@pytest.fixture
def schema() -> str:
    return SCHEMA_PREFIX + uuid.uuid4().hex[:12]  # conftest drops the run's schemas when it ends


@asynccontextmanager
async def opened(schema: str, *models: Model) -> AsyncIterator[PostgresStore]:
    store = PostgresStore(POSTGRES_URL, schema, {spec.name: spec for spec in models})
    await store.open()
    try:
        yield store
    finally:
        await store.close()


async def reopened(schema: str, *models: Model) -> None:
    async with opened(schema, *models):
        pass


def logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The changes the store logged since the last call."""
    found = [record.getMessage() for record in caplog.records if record.name == LOGGER]
    caplog.clear()
    return found


@pytest.fixture
def caplog_info(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger=LOGGER)
    return caplog


def catalog(sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(POSTGRES_URL, autocommit=True) as db:
        return db.execute(sql, list(params)).fetchall()


def indexes(schema: str, table: str) -> list[str]:
    found = catalog("SELECT indexname FROM pg_indexes WHERE schemaname = %s AND tablename = %s", schema, table)
    return sorted(name for (name,) in found)


async def add(store: PostgresStore, name: str, owner: str = "local", /, **values: Any) -> dict[str, Any]:
    async with store.transaction(owner=owner) as tx:
        return await tx.insert(name, values)


async def add_all(store: PostgresStore, name: str, *rows: dict[str, Any]) -> None:
    async with store.transaction() as tx:  # one transaction: all of them, or none
        for row in rows:
            await tx.insert(name, row)


async def titles(store: PostgresStore, name: str, query: Query | TextQuery, owner: str = "local") -> list[str]:
    async with store.transaction(owner=owner) as tx:
        found = await (tx.search(name, query) if isinstance(query, TextQuery) else tx.select(name, query))
    return [record["title"] for record in found]


def search(*terms: str, fields: tuple[str, ...] = ("title", "notes"), **options: Any) -> TextQuery:
    return TextQuery(fields, words(" ".join(terms)), **options)  # as the search actions make it


# Owners


async def test_two_owners_never_see_or_change_each_others_records(schema: str) -> None:
    async with opened(schema, NOTE) as store:
        mine = await add(store, "note", "alice", title="Plan", body="secret plans")
        theirs = await add(store, "note", "bob", title="Plan", body="other plans")  # a key is unique per owner
        async with store.transaction(owner="alice") as tx:
            assert await tx.get("note", theirs["id"]) is None
            assert await tx.select("note", Query()) == [mine]
            assert await tx.count("note", (), None) == {None: 1}
            assert await tx.count("note", (), "title") == {"Plan": 1}
            assert await tx.search("note", search("plans", fields=("body",))) == [mine]
            assert await tx.update("note", theirs["id"], {"body": "mine now"}) is None
            assert await tx.delete("note", theirs["id"]) is False
        async with store.transaction(owner="bob") as tx:
            assert await tx.select("note", Query()) == [theirs]
        async with store.transaction() as tx:  # the local owner is a third owner
            assert await tx.select("note", Query()) == []


async def test_the_owner_column_is_hidden_from_records(schema: str) -> None:
    async with opened(schema, NOTE) as store:
        record = await add(store, "note", "alice", title="Plan")
    assert record == {"id": 1, "title": "Plan", "body": None}
    assert catalog(f'SELECT {OWNER}, title FROM "{schema}".note') == [("alice", "Plan")]


# Operators and keysets

ROWS: list[dict[str, Any]] = [
    {"title": "a", "notes": "", "status": "todo", "points": 1, "due": "2025-01-01", "done": True},
    {"title": "b", "notes": "x", "status": "done", "points": 3, "due": None, "done": False},
    {"title": "c", "notes": None, "status": None, "points": None, "due": "2025-03-01", "done": None},
    {"title": "d", "notes": "y", "status": "doing", "points": 2, "due": "2025-02-01", "done": True},
    {"title": "e", "notes": "z", "status": "todo", "points": 3, "due": "2025-02-01", "done": False},
]
CONDITIONS: list[tuple[str, str, Any]] = [
    ("points", "eq", 3), ("points", "eq", None), ("done", "eq", True), ("done", "eq", False),
    ("points", "lt", 3), ("points", "lte", 2), ("points", "gt", 1), ("points", "gte", 3),
    ("due", "lt", "2025-02-01"), ("due", "gte", "2025-02-01"), ("title", "gt", "c"),
    ("status", "in", ("todo", "doing")), ("points", "in", ()), ("points", "in", (1, 2)),
    ("points", "not", 3), ("status", "not", "todo"), ("done", "not", True),
    ("notes", "empty", True), ("notes", "empty", False), ("points", "empty", True), ("due", "empty", False),
]  # fmt: skip


@asynccontextmanager
async def task_rows(schema: str) -> AsyncIterator[PostgresStore]:
    async with opened(schema, CUSTOMER, TASK) as store:
        for row in ROWS:
            await add(store, "task", **row)
        yield store


async def test_every_operator_selects_what_the_filters_match(schema: str) -> None:
    stored = [{"id": number, **row} for number, row in enumerate(ROWS, 1)]
    async with task_rows(schema) as store:
        for condition in CONDITIONS:
            expected = [row["title"] for row in stored if matches(TASK, row, [condition])]
            assert await titles(store, "task", Query(where=(condition,))) == expected, condition
            async with store.transaction() as tx:
                assert (await tx.count("task", (condition,), None))[None] == len(expected), condition


async def test_operators_combine_and_empty_text_counts_as_empty(schema: str) -> None:
    async with task_rows(schema) as store:
        assert await titles(store, "task", Query(where=(("notes", "empty", True),))) == ["a", "c"]
        assert await titles(store, "task", Query(where=(("points", "not", 3), ("done", "eq", True)))) == ["a", "d"]
        assert await titles(store, "task", Query(where=(("status", "not", "todo"),))) == ["b", "c", "d"]


ORDERS = [
    (("status", False),),
    (("status", True),),
    (("points", True), ("title", False)),
    (("due", False), ("status", True)),
    (("done", True),),
    (("notes", False),),
]


@pytest.mark.parametrize("order", ORDERS, ids=lambda order: "-".join(f"{n}{' desc' * d}" for n, d in order))
async def test_keyset_pages_walk_the_order_with_nulls_last(schema: str, order: tuple[tuple[str, bool], ...]) -> None:
    memory = MemoryStore({"customer": CUSTOMER, "task": TASK})  # the reference the databases must agree with
    async with task_rows(schema) as store:
        async with memory.transaction() as tx:
            for row in ROWS:
                await tx.insert("task", row)
            expected = [record["title"] for record in await tx.select("task", Query(order=order))]
        assert await titles(store, "task", Query(order=order)) == expected
        walked: list[str] = []
        after = None
        while True:
            async with store.transaction() as tx:
                page = await tx.select("task", Query(order=order, limit=2, after=after))
            if not page:
                break
            walked += [record["title"] for record in page]
            last = page[-1]
            after = (*(last[name] for name, _ in order), last["id"])
    assert walked == expected


async def test_enum_order_follows_the_spec_not_the_alphabet(schema: str) -> None:
    async with task_rows(schema) as store:
        assert await titles(store, "task", Query(order=(("status", False),))) == ["a", "e", "d", "b", "c"]
        assert await titles(store, "task", Query(order=(("status", True),))) == ["b", "d", "a", "e", "c"]
        after = Query(order=(("status", True),), after=("todo", 1))
        assert await titles(store, "task", after) == ["e", "c"]
        assert await titles(store, "task", Query(order=(("status", True),), after=(None, 2))) == ["c"]


# References


async def test_deleting_a_record_cascades_sets_null_or_is_refused_as_each_ref_asks(schema: str) -> None:
    async with opened(schema, CUSTOMER, TASK, INVOICE) as store:
        acme = await add(store, "customer", name="Acme")
        bob = await add(store, "customer", name="Bob")
        await add(store, "task", title="owned by acme", customer=acme["id"], reviewer=bob["id"])
        reviewed = await add(store, "task", title="reviewed by acme", customer=bob["id"], reviewer=acme["id"])
        bill = await add(store, "invoice", total=9.5, customer=acme["id"])
        with pytest.raises(
            ConstraintError, match=r"^The change was refused: invoice records still refer to customer 1\.$"
        ):
            async with store.transaction() as tx:
                await tx.delete("customer", acme["id"])
        async with store.transaction() as tx:
            assert await tx.get("customer", acme["id"]) == acme  # the refusal changed nothing
            await tx.delete("invoice", bill["id"])
            assert await tx.delete("customer", acme["id"]) is True
            assert await tx.select("task", Query()) == [{**reviewed, "reviewer": None}]


async def test_a_ref_to_no_record_is_refused(schema: str) -> None:
    async with opened(schema, CUSTOMER, TASK) as store:
        with pytest.raises(ConstraintError, match=r"^The change was refused: no customer has id 99\.$"):
            await add(store, "task", title="orphan", customer=99)
        task = await add(store, "task", title="fine")
        with pytest.raises(ConstraintError, match="no customer has id 7"):
            async with store.transaction() as tx:
                await tx.update("task", task["id"], {"reviewer": 7})


async def test_models_may_refer_to_each_other_in_a_cycle(schema: str) -> None:
    person = model("person", team=Field("ref", ref="team", on_delete="set_null"))
    team = model("team", lead=Field("ref", ref="person", on_delete="set_null"))
    async with opened(schema, person, team) as store:
        lead = await add(store, "person")
        crew = await add(store, "team", lead=lead["id"])
        async with store.transaction() as tx:
            await tx.update("person", lead["id"], {"team": crew["id"]})
            await tx.delete("team", crew["id"])
            assert await tx.get("person", lead["id"]) == {"id": lead["id"], "team": None}


# Unique keys


async def test_a_unique_field_refuses_a_second_record_with_its_value(schema: str) -> None:
    async with opened(schema, CUSTOMER) as store:
        first = await add(store, "customer", name="A", email="a@example.com")
        await add(store, "customer", name="B")
        await add(store, "customer", name="C")  # empty values never collide
        with pytest.raises(ConstraintError, match=r"^The change was refused: email must be unique in customer\.$"):
            await add_all(store, "customer", {"name": "lost with the refusal"}, {"name": "D", "email": "a@example.com"})
        other = await add(store, "customer", name="E", email="e@example.com")
        with pytest.raises(ConstraintError, match="email must be unique"):
            async with store.transaction() as tx:
                await tx.update("customer", other["id"], {"email": first["email"]})
        async with store.transaction() as tx:
            assert await tx.count("customer", (), None) == {None: 4}


async def test_text_with_nul_is_a_tool_error_the_model_can_act_on_and_nothing_is_stored(schema: str) -> None:
    nul = r"^PostgreSQL text cannot hold the NUL character \(\\u0000\): send the text without it\.$"
    async with opened(schema, CUSTOMER) as store:
        kept = await add(store, "customer", name="A")
        with pytest.raises(ToolError, match=nul):
            await add(store, "customer", name="nul \x00 in the middle")
        with pytest.raises(ToolError, match=nul):
            async with store.transaction() as tx:
                await tx.update("customer", kept["id"], {"email": "\x00"})
        with pytest.raises(ToolError, match=nul):
            await titles(store, "customer", Query(where=(("name", "eq", "\x00"),)))
        async with store.transaction() as tx:
            assert await tx.select("customer", Query()) == [kept]


async def test_a_compound_key_refuses_only_the_same_combination(schema: str) -> None:
    column = model("column", "title", board=Field("integer"), title=Field("string"), unique=(("board", "title"),))
    async with opened(schema, column) as store:
        await add(store, "column", board=1, title="Todo")
        await add(store, "column", board=2, title="Todo")
        await add(store, "column", board=1, title="Done")
        with pytest.raises(ConstraintError, match=r"board, title must be unique in column\.$"):
            await add(store, "column", board=1, title="Todo")


async def test_owners_have_keys_of_their_own(schema: str) -> None:
    async with opened(schema, NOTE) as store:
        await add(store, "note", "alice", title="Plan")
        await add(store, "note", "bob", title="Plan")
        with pytest.raises(ConstraintError, match="title must be unique in note"):
            await add(store, "note", "alice", title="Plan")


# Search

CORPUS: list[dict[str, Any]] = [
    {"title": "Rotate passwords", "notes": "every quarter"},  # 1: both words, in the title
    {"title": "Passwords", "notes": "the vault"},  # 2: one word, in the title
    {"title": "Lunch", "notes": "bring passwords"},  # 3: one word, in the notes
    {"title": "Unrelated", "notes": "nothing to see"},  # 4
    {"title": "ÉCOLE notes", "notes": "alice@example.com wrote notes.txt", "status": "done"},  # 5
]


@asynccontextmanager
async def corpus(schema: str) -> AsyncIterator[PostgresStore]:
    async with opened(schema, CUSTOMER, TASK) as store:
        for row in CORPUS:
            await add(store, "task", **row)
        yield store


async def test_search_puts_records_matching_more_words_first(schema: str) -> None:
    rows = [{"title": "Passwords"}, {"title": "Rotate"}, {"title": "Rotate the passwords"}, {"title": "Other"}]
    async with opened(schema, CUSTOMER, TASK) as store:
        for row in rows:
            await add(store, "task", **row)
        found = await titles(store, "task", search("passwords rotate"))
    assert found == ["Rotate the passwords", "Passwords", "Rotate"]


async def test_search_puts_a_title_match_before_a_notes_match(schema: str) -> None:
    rows = [{"title": "Lunch", "notes": "passwords"}, {"title": "Passwords", "notes": "lunch"}]
    async with opened(schema, CUSTOMER, TASK) as store:
        for row in rows:
            await add(store, "task", **row)
        assert await titles(store, "task", search("passwords")) == ["Passwords", "Lunch"]
        assert await titles(store, "task", search("lunch")) == ["Lunch", "Passwords"]
        assert await titles(store, "task", search("lunch", fields=("notes", "title"))) == ["Passwords", "Lunch"]


async def test_search_matches_prefixes_whatever_the_case(schema: str) -> None:
    async with corpus(schema) as store:
        assert await titles(store, "task", search("pass")) == ["Rotate passwords", "Passwords", "Lunch"]
        assert await titles(store, "task", search("PASSWORDS", fields=("notes",))) == ["Lunch"]
        assert await titles(store, "task", search("école")) == ["ÉCOLE notes"]
        assert await titles(store, "task", search("nope")) == []


async def test_search_finds_words_inside_addresses_and_file_names(schema: str) -> None:
    async with corpus(schema) as store:
        assert await titles(store, "task", search("example", fields=("notes",))) == ["ÉCOLE notes"]
        assert await titles(store, "task", search("txt")) == ["ÉCOLE notes"]


async def test_search_keeps_to_the_fields_conditions_and_page_it_is_given(schema: str) -> None:
    async with corpus(schema) as store:
        assert await titles(store, "task", search("vault", fields=("title",))) == []
        assert await titles(store, "task", search("notes", where=(("status", "eq", "done"),))) == ["ÉCOLE notes"]
        assert await titles(store, "task", search("notes", where=(("status", "empty", True),))) == []
        assert await titles(store, "task", search("pass", limit=1, offset=1)) == ["Passwords"]
        assert await titles(store, "task", search("pass", limit=None, offset=2)) == ["Lunch"]


async def test_search_without_words_finds_nothing(schema: str) -> None:
    async with corpus(schema) as store:
        assert await titles(store, "task", search("  ", "--", "'")) == []


async def test_search_sees_updates_at_once(schema: str) -> None:
    async with corpus(schema) as store:
        async with store.transaction() as tx:
            await tx.update("task", 4, {"notes": "passkeys"})
        assert "Unrelated" in await titles(store, "task", search("passk"))


# Migrations


async def test_opening_creates_everything_and_reopening_changes_nothing(
    schema: str, caplog_info: pytest.LogCaptureFixture
) -> None:
    await reopened(schema, CUSTOMER, TASK, INVOICE, NOTE)
    first = logged(caplog_info)
    assert "storage: created table task" in first
    assert "storage: made customer.email unique" in first
    assert "storage: made task.customer refer to customer (on delete cascade)" in first
    assert "storage: indexed task.title, task.notes for search" in first
    await reopened(schema, CUSTOMER, TASK, INVOICE, NOTE)
    assert logged(caplog_info) == []
    assert indexes(schema, "task") == sorted(
        [
            "task_pkey", "task__by__customer", "task__by__reviewer",
            "task__search__title", "task__search__notes",
        ]
    )  # fmt: skip
    assert indexes(schema, "note") == sorted(
        ["note_pkey", "note__unique__title", "note__by__mcpgen_owner", "note__search__body"]
    )


async def test_renamed_tables_and_columns_keep_every_row(schema: str, caplog_info: pytest.LogCaptureFixture) -> None:
    before = model(
        "note", "body", body=Field("text"), tag=Field("string", unique=True), who=Field("ref", ref="customer"),
        search=("body",),
    )  # fmt: skip
    after = model(
        "memo", "body", body=Field("text"), label=Field("string", unique=True, renamed_from="tag"),
        assignee=Field("ref", ref="customer", renamed_from="who"), renamed_from="note", search=("body",),
    )  # fmt: skip
    async with opened(schema, CUSTOMER, before) as store:
        ann = await add(store, "customer", name="Ann")
        rows = [await add(store, "note", body=f"remember {n}", tag=f"t{n}", who=ann["id"]) for n in range(3)]
    logged(caplog_info)
    async with opened(schema, CUSTOMER, after) as store:
        async with store.transaction() as tx:
            assert await tx.select("memo", Query()) == [
                {"id": r["id"], "body": r["body"], "label": r["tag"], "assignee": ann["id"]} for r in rows
            ]
            assert len(await tx.search("memo", TextQuery(("body",), ("remember",)))) == 3
        assert (await add(store, "memo", body="new"))["id"] == 4  # the identity goes on
        with pytest.raises(ConstraintError, match="label must be unique in memo"):
            await add(store, "memo", label="t1")
        with pytest.raises(ConstraintError, match="memo records still refer to customer 1"):
            async with store.transaction() as tx:
                await tx.delete("customer", ann["id"])
    # Indexes and foreign keys are renamed with their table and columns, not built again.
    assert logged(caplog_info) == [
        "storage: renamed table note to memo",
        "storage: renamed column memo.tag to label",
        "storage: renamed column memo.who to assignee",
    ]
    assert indexes(schema, "memo") == ["memo__by__assignee", "memo__search__body", "memo__unique__label", "note_pkey"]
    assert [name for (name,) in catalog(CONSTRAINTS, schema, "memo")] == ["memo__ref__assignee"]
    await reopened(schema, CUSTOMER, after)
    assert logged(caplog_info) == []


CONSTRAINTS = (
    "SELECT con.conname FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid"
    " JOIN pg_namespace ns ON ns.oid = c.relnamespace WHERE ns.nspname = %s AND c.relname = %s AND con.contype = 'f'"
)


async def test_a_renamed_searched_field_keeps_its_words(schema: str, caplog_info: pytest.LogCaptureFixture) -> None:
    before = model("task", "title", title=Field("string"), notes=Field("text"), search=("title", "notes"))
    after = model(
        "task", "title", title=Field("string"), details=Field("text", renamed_from="notes"), search=("title", "details")
    )
    async with opened(schema, before) as store:
        await add(store, "task", title="Lunch", notes="bring passwords")
    logged(caplog_info)
    async with opened(schema, after) as store:
        assert await titles(store, "task", search("passw", fields=("details",))) == ["Lunch"]
    assert logged(caplog_info) == ["storage: renamed column task.notes to details"]
    assert indexes(schema, "task") == ["task__search__details", "task__search__title", "task_pkey"]


async def test_a_rename_onto_an_existing_table_or_column_is_refused(schema: str) -> None:
    await reopened(schema, model("note", body=Field("text"), text=Field("text")), model("memo"))
    both = model("memo", renamed_from="note")
    with pytest.raises(StorageError, match="memo: renamed_from note, but both tables exist; drop one"):
        await reopened(schema, both)
    column = model("note", body=Field("text", renamed_from="text"), text=Field("text"))
    with pytest.raises(StorageError, match=r"note\.body: renamed_from text, but both columns exist; drop one"):
        await reopened(schema, column)


async def test_duplicates_refuse_a_new_unique_key_and_nothing_changes(schema: str) -> None:
    plain = model("customer", "name", name=Field("string"), email=Field("string"))
    async with opened(schema, plain) as store:
        for email in ["a@x", "a@x", "b@x", "b@x", "b@x", None, None, "c@x"]:
            await add(store, "customer", name="n", email=email)
    keyed = model("customer", "name", name=Field("string"), email=Field("string", unique=True), tag=Field("string"))
    with pytest.raises(StorageError) as refused:
        await reopened(schema, keyed)
    assert str(refused.value) == (
        "storage: incompatible schema change:\n"
        "customer: cannot make email unique: 'b@x' is in 3 records; 'a@x' is in 2 records; make them differ first"
    )
    assert "tag" not in [name for (name,) in catalog(COLUMNS, schema, "customer")]


COLUMNS = "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s"


async def test_duplicates_of_one_owner_refuse_a_key_and_those_of_two_do_not(schema: str) -> None:
    loose = model("note", "title", title=Field("string"), owner="subject")
    async with opened(schema, loose) as store:
        await add(store, "note", "alice", title="Plan")
        await add(store, "note", "bob", title="Plan")
    await reopened(schema, NOTE)
    async with opened(schema, loose) as store:
        await add(store, "note", "bob", title="Plan")  # the key is dropped: duplicates may come back
    with pytest.raises(StorageError, match="cannot make title unique: 'Plan' is in 2 records"):
        await reopened(schema, NOTE)


async def test_refs_to_missing_records_refuse_a_new_reference(schema: str) -> None:
    loose = model("task", customer=Field("integer"))
    async with opened(schema, CUSTOMER, loose) as store:
        await add(store, "customer", name="Ann")
        for customer in [1, 5, 6, None]:
            await add(store, "task", customer=customer)
    tied = model("task", customer=Field("ref", ref="customer"))
    with pytest.raises(StorageError) as refused:
        await reopened(schema, CUSTOMER, tied)
    assert str(refused.value).endswith(
        "task.customer: 2 records refer to customer records that do not exist; fix or clear them first"
    )
    assert catalog(CONSTRAINTS, schema, "task") == []


async def test_a_changed_on_delete_remakes_the_foreign_key(schema: str, caplog_info: pytest.LogCaptureFixture) -> None:
    strict = model("task", customer=Field("ref", ref="customer"))
    await reopened(schema, CUSTOMER, strict)
    logged(caplog_info)
    cascading = model("task", customer=Field("ref", ref="customer", on_delete="cascade"))
    async with opened(schema, CUSTOMER, cascading) as store:
        ann = await add(store, "customer", name="Ann")
        await add(store, "task", customer=ann["id"])
        async with store.transaction() as tx:
            await tx.delete("customer", ann["id"])
            assert await tx.select("task", Query()) == []
    assert logged(caplog_info) == ["storage: made task.customer refer to customer (on delete cascade)"]
    await reopened(schema, CUSTOMER, model("task", customer=Field("integer")))
    assert logged(caplog_info) == ["storage: dropped the reference task__ref__customer"]


async def test_a_model_that_gains_an_owner_gives_its_records_to_the_local_owner(
    schema: str, caplog_info: pytest.LogCaptureFixture
) -> None:
    async with opened(schema, CUSTOMER) as store:
        await add(store, "customer", name="Ann", email="ann@x")
    logged(caplog_info)
    owned = model("customer", "name", name=Field("string"), email=Field("string", unique=True), owner="subject")
    async with opened(schema, owned) as store:
        assert len(await titles_of(store, "local")) == 1
        assert await titles_of(store, "alice") == []
        await add(store, "customer", "alice", name="Ann", email="ann@x")  # the key is now per owner
    assert logged(caplog_info) == [
        "storage: gave customer an owner (its 1 records are the local owner's)",
        "storage: dropped the unique key customer__unique__email",
        "storage: made customer.email unique",
    ]


async def titles_of(store: PostgresStore, owner: str) -> list[dict[str, Any]]:
    async with store.transaction(owner=owner) as tx:
        return await tx.select("customer", Query())


async def test_keys_and_searches_the_spec_drops_are_dropped(schema: str, caplog_info: pytest.LogCaptureFixture) -> None:
    await reopened(schema, CUSTOMER, TASK)
    logged(caplog_info)
    plain = model("customer", "name", name=Field("string", required=True), email=Field("string"))
    fewer = model("task", title=Field("string"), notes=Field("text"), search=("title",))
    await reopened(schema, plain, fewer)
    assert logged(caplog_info) == [
        "storage: dropped the unique key customer__unique__email",
        "storage: stopped searching task.notes",
        "storage: dropped the reference task__ref__customer",
        "storage: dropped the reference task__ref__reviewer",
    ]
    columns = [name for (name,) in catalog(COLUMNS, schema, "task")]
    assert "mcpgen_fts_notes" not in columns
    assert "notes" in columns  # the data stays


async def test_long_index_names_are_shortened_and_stay_distinct(
    schema: str, caplog_info: pytest.LogCaptureFixture
) -> None:
    long = "a_field_name_long_enough_to_push_an_index_name_past_the_limit"
    wide = model(
        "widget",
        **{f"{long}_1": Field("string", unique=True), f"{long}_2": Field("string", unique=True)},
        unique=((f"{long}_1", f"{long}_2"),),
        search=(f"{long}_1",),
    )
    async with opened(schema, wide) as store:
        await add(store, "widget", **{f"{long}_1": "x", f"{long}_2": "y"})
        with pytest.raises(ConstraintError, match=f"{long}_2 must be unique in widget"):
            await add(store, "widget", **{f"{long}_1": "z", f"{long}_2": "y"})
    names = indexes(schema, "widget")
    assert len(names) == 5
    assert all(len(name.encode()) <= 63 for name in names)
    logged(caplog_info)
    await reopened(schema, wide)
    assert logged(caplog_info) == []


async def test_migrate_while_open_logs_and_serves_the_new_models(
    schema: str, caplog_info: pytest.LogCaptureFixture
) -> None:
    async with opened(schema, CUSTOMER) as store:
        await add(store, "customer", name="Ann")
        logged(caplog_info)
        wider = model("customer", "name", name=Field("string"), email=Field("string"), city=Field("string"))
        await store.migrate({"customer": wider})
        assert logged(caplog_info) == [
            "storage: added column customer.city",
            "storage: dropped the unique key customer__unique__email",
        ]
        assert (await add(store, "customer", name="Bo", city="Oslo"))["city"] == "Oslo"


async def test_replicas_opening_at_once_migrate_once(schema: str, caplog_info: pytest.LogCaptureFixture) -> None:
    stores = [PostgresStore(POSTGRES_URL, schema, {"customer": CUSTOMER, "task": TASK}) for _ in range(3)]
    try:
        async with anyio.create_task_group() as group:
            for store in stores:
                group.start_soon(store.open)
    finally:
        for store in stores:
            await store.close()
    changes = logged(caplog_info)
    assert changes.count("storage: created table task") == 1
    assert changes.count("storage: made customer.email unique") == 1
