"""What the torture suite found (issue 14), each pinned here: text no terminal prints in a spec, arguments nested
past the stack, enums too long to compile, forged cursors. (Over HTTP: test_hardening_http.py.)"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from mcpgen.dev.live import LiveServer
from mcpgen.runtime.arguments import ArgumentCheck
from mcpgen.spec import load_spec
from mcpgen.spec.loader import _FastLoader, _Loader, _read
from tests.conftest import KANBAN, MODES, connect
from tests.scenarios import call, text
from tests.test_hardening_spec import mcpgen, notes

pytestmark = pytest.mark.anyio
INVALID = "Invalid cursor: pass the next_cursor of a previous result unchanged, or omit it."


def deep(levels: int) -> list[Any]:
    """`[[[...]]]`, `levels` lists deep."""
    value: list[Any] = []
    for _ in range(levels - 1):
        value = [value]
    return value


# --- a spec's text, printed on one located line ---


def test_a_lone_surrogate_in_a_spec_is_a_located_problem_not_a_traceback(tmp_path: Path) -> None:
    spec = notes(tmp_path)
    spec.write_text(spec.read_text().replace("description: Keep notes.", 'description: "Keep \\ud800 notes."'))
    done, _ = mcpgen("validate", str(spec))
    assert (done.returncode, done.stderr) == (1, "1 problem found.\n")
    assert done.stdout == (
        f"{spec}:3:14: description: not valid Unicode: a lone surrogate (a \\ud800-\\udfff escape not in a pair)"
        " (write the character itself, or its \\U0001xxxx escape)\n"
    )


def test_a_problem_quoting_line_breaks_stays_on_its_located_line(tmp_path: Path) -> None:
    spec = notes(tmp_path)
    spec.write_text(spec.read_text().replace("name: notes", 'name: "no\\r\\ntes\\u2028"'))
    done, _ = mcpgen("validate", str(spec))
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"{spec}:2:7: name: 'no\\r\\ntes\\u2028' is not a valid name"
        " (use lowercase letters, digits, '-' and '_', starting with a letter, e.g. 'no-tes')"
    ]


def test_a_problem_as_json_keeps_the_text_as_written(tmp_path: Path) -> None:
    spec = notes(tmp_path)
    spec.write_text(spec.read_text().replace("name: notes", 'name: "no\\ntes"'))
    done, _ = mcpgen("validate", "--json", str(spec))
    assert json.loads(done.stdout)["problems"][0]["message"] == "'no\ntes' is not a valid name"


# --- libyaml reads what PyYAML reads ---

TRICKY = [
    KANBAN.read_text(),
    "a: &x {b: 1, c: [yes, no, on, off, 1.5e3, 0x1F, 0o17, ~, null, 2026-12-03]}\nd:\n  <<: *x\n  b: 2\n",
    'text: |\n  line one\n\n  line two\nfolded: >-\n  one\n  two\nquoted: "tab\\there \\u00e9 \\U0001F600"\n',
    "single: 'it''s'\nplain: a b  # a comment\nkey with spaces: [1, {x: y}]\n? complex\n: value\n",
    "%YAML 1.1\n---\nlist:\n- - nested\n  - again\n- !!str 12\nempty:\n",
]
JSON_LIKE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


def shape(node: yaml.Node | None) -> Any:
    """A node tree as comparable data: each node's tag, position and value."""
    if node is None:
        return None
    where = (node.tag, node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)
    if isinstance(node, yaml.MappingNode):
        return (*where, [(shape(key), shape(value)) for key, value in node.value])
    if isinstance(node, yaml.SequenceNode):
        return (*where, [shape(item) for item in node.value])
    return (*where, node.value, node.style or None)  # libyaml says "" for plain, PyYAML None


@pytest.mark.parametrize("text", TRICKY, ids=["kanban", "anchors", "scalars", "keys", "directive"])
def test_libyaml_composes_what_pyyaml_composes(text: str) -> None:
    assert shape(_read(_FastLoader(text))) == shape(_read(_Loader(text)))


@settings(max_examples=200, deadline=None)
@given(data=JSON_LIKE, flow=st.booleans())
def test_libyaml_composes_any_dumped_document_as_pyyaml_does(data: Any, flow: bool) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    assert shape(_read(_FastLoader(text))) == shape(_read(_Loader(text)))


def test_a_tab_after_a_colon_reads_as_yaml_1_2_has_it_and_a_tab_that_indents_is_worded_as_before(
    tmp_path: Path,
) -> None:
    spec = notes(tmp_path)
    spec.write_text(spec.read_text().replace("description: Keep notes.", "description:\tKeep notes."))
    done, _ = mcpgen("validate", str(spec))
    assert done.stdout == f"{spec}: valid (1 model, 2 tools)\n"  # libyaml, as YAML 1.2: PyYAML alone refused it
    spec.write_text(spec.read_text().replace("  note:\n", "  note:\n\t\n"))
    done, _ = mcpgen("validate", str(spec))
    assert done.stdout == (
        f"{spec}:3:13: (spec): YAML syntax error: found character '\\t' that cannot start any token"
        " (indent with spaces: YAML does not allow tabs)\n"
    )


# --- arguments nested past the stack ---


@pytest.mark.parametrize("mode", MODES)
async def test_arguments_nested_past_what_storage_holds_are_an_argument_error(tmp_path: Path, mode: str) -> None:
    server = LiveServer(load_spec(KANBAN, env={"KANBAN_DB": str(tmp_path / "k.db")}))
    async with connect(server.mcp, mode) as client:
        for name, arguments in [("title", {"title": deep(254)}), ("notes", {"title": "a", "notes": deep(254)})]:
            refused = await client.call_tool("create_task", arguments)
            assert refused.is_error
            assert text(refused) == (
                f"Invalid arguments for create_task:\n- {name}: nested deeper than 254 levels; send a flatter value"
            )
        shallow = await client.call_tool("create_task", {"title": deep(200)})
        assert text(shallow) == "Invalid arguments for create_task:\n- title: expected text, got " + (
            json.dumps(deep(200))[:79] + "…"
        )
        assert (await call(client, "list_tasks"))["items"] == []


# --- enums too long to compile ---

ENUM_OF = st.lists(st.text(max_size=4), unique=True, max_size=40)
ANY_VALUE = st.one_of(st.text(max_size=4), st.integers(), st.none(), st.booleans(), st.lists(st.text(max_size=2)))


@settings(max_examples=300, deadline=None)
@given(values=ENUM_OF, given_value=ANY_VALUE, nested=st.booleans())
def test_an_enum_long_or_short_accepts_what_jsonschema_does(values: list[str], given_value: Any, nested: bool) -> None:
    schema: dict[str, Any] = {"type": "object", "properties": {"status": {"enum": values}}}
    if nested:
        schema = {"type": "object", "properties": {"all": {"type": "array", "items": schema["properties"]["status"]}}}
        arguments = {"all": [given_value, *values[:1]]}
    else:
        arguments = {"status": given_value}
    assert ArgumentCheck(schema).fits(arguments) == Draft202012Validator(schema).is_valid(arguments)


def test_a_value_not_in_a_long_enum_is_worded_in_a_line() -> None:
    values = [f"value_{i}" for i in range(20_000)]
    check = ArgumentCheck({"type": "object", "properties": {"stage": {"type": "string", "enum": values}}})
    assert check.fits({"stage": "value_19999"})
    assert check.problems({"stage": "value_20000"}) == [
        'stage: "value_20000" is not allowed; use one of the 20,000 values, such as "value_0", "value_1", "value_2"'
    ]
    few = ArgumentCheck({"type": "object", "properties": {"stage": {"enum": values[:500]}}})
    assert few.problems({"stage": "valeu_499"}) == ['stage: "valeu_499" is not allowed; did you mean "value_499"?']


# --- forged cursors ---


def forged(cursor: str, **changes: Any) -> str:
    position = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    return base64.urlsafe_b64encode(json.dumps({**position, **changes}).encode()).decode().rstrip("=")


@pytest.mark.parametrize("mode", MODES)
async def test_a_forged_cursor_is_a_tool_error_never_an_internal_one(tmp_path: Path, mode: str) -> None:
    server = LiveServer(load_spec(KANBAN, env={"KANBAN_DB": str(tmp_path / "k.db")}))
    async with connect(server.mcp, mode) as client:
        for title in ("docs one", "docs two", "docs three"):
            await call(client, "create_task", title=title)
        ranked = (await call(client, "search_tasks", query="docs", limit=1))["next_cursor"]
        listed = (await call(client, "list_tasks", limit=1))["next_cursor"]
        cases = [
            ("search_tasks", {"query": "docs"}, forged(ranked, offset=11805916207174113034)),
            ("search_tasks", {"query": "docs"}, forged(ranked, offset=2**53)),
            ("search_tasks", {"query": "docs"}, forged(ranked, offset=-1)),
            ("search_tasks", {"query": "docs"}, forged(ranked, offset="1")),
            ("list_tasks", {}, forged(listed, after=[{"a": 1}])),
            ("list_tasks", {}, forged(listed, after=[2**63])),
            ("list_tasks", {}, forged(listed, after=["\ud800"])),
            ("list_tasks", {}, base64.urlsafe_b64encode(b'{"q": "x", "after": [1e999]}').decode()),
        ]
        for tool, arguments, cursor in cases:
            refused = await client.call_tool(tool, {**arguments, "limit": 1, "cursor": cursor})
            assert (refused.is_error, text(refused)) == (True, INVALID), (tool, cursor)
        wrong_type = await client.call_tool("search_tasks", {"query": "docs", "cursor": 5})
        assert text(wrong_type) == "Invalid arguments for search_tasks:\n- cursor: expected text, got 5"
        second = await call(client, "search_tasks", query="docs", limit=1, cursor=forged(ranked, offset=1))
        assert len(second["items"]) == 1  # a forged cursor that holds a sound position is just a position
