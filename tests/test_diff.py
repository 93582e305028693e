"""`compare`: every kind of change between two client views, classified as ChatGPT experiences it."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mcpgen.dev.diff import Change, compare
from mcpgen.dev.view import client_view
from mcpgen.spec import load_spec, parse_spec
from mcpgen.spec.compile import compile_spec
from tests.conftest import KANBAN, copy_kanban, without_tool
from tests.strategies import specs
from tests.test_cli import mcpgen


def view_of(text: str) -> dict[str, Any]:
    loaded = parse_spec(text, str(KANBAN), env={})  # beside the Kanban spec: its widget files are there
    return client_view(compile_spec(loaded))


def kanban_view() -> dict[str, Any]:
    loaded = load_spec(KANBAN, env={})
    return client_view(compile_spec(loaded))


def edited(old: str, new: str) -> dict[str, Any]:
    text = KANBAN.read_text()
    assert old in text
    return view_of(text.replace(old, new))


def only(changes: list[Change], path: str) -> Change:
    found = [change for change in changes if change.path == path]
    assert len(found) == 1, [str(c) for c in changes]
    return found[0]


def test_a_renamed_tool_is_one_breaking_rename_not_a_removal_and_an_addition() -> None:
    changes = compare(kanban_view(), edited("\n  move_task:", "\n  shift_task:"))
    assert [str(c) for c in changes] == ["breaking     shift_task: renamed from move_task: calls to move_task fail"]


def test_a_new_required_parameter_is_breaking() -> None:
    field = "\n      estimate: {type: integer, required: true, description: Hours of work.}"
    changes = compare(kanban_view(), edited("\n      notes:", field + "\n      notes:"))
    assert only(changes, "create_task.inputSchema.properties.estimate").kind == "breaking"
    assert only(changes, "create_task.inputSchema.properties.estimate").message == "new required parameter"
    # the same field is only an optional filter-free addition to update_task, and a new output field
    assert only(changes, "update_task.inputSchema.properties.estimate").kind == "behavioural"
    assert only(changes, "get_task.outputSchema.properties.estimate").message == "field added"


def test_an_output_schema_change_names_the_field_and_the_keyword() -> None:
    longer = compare(kanban_view(), edited("max_length: 200", "max_length: 300"))
    change = only(longer, "get_task.outputSchema.properties.title.maxLength")
    assert (change.kind, change.message) == ("behavioural", "200 → 300")
    reworded = compare(kanban_view(), edited("A short summary of the work", "A summary of the work"))
    change = only(reworded, "get_task.outputSchema.properties.title.description")
    assert (change.kind, change.message) == ("cosmetic", "reworded")


def test_an_annotation_change_is_behavioural_and_says_what_it_changes() -> None:
    text = KANBAN.read_text()
    start = text.index("\n  delete_task:")
    override = "\n    annotations: {destructive: false, why: Deleted tasks go to a bin for 30 days.}"
    changes = compare(kanban_view(), view_of(text[:start] + _with(text[start:], override)))
    change = only(changes, "delete_task.annotations.destructiveHint")
    assert change.kind == "behavioural"
    assert change.message == "true → false (changes how ChatGPT words its confirmation)"
    assert len(changes) == 1


def _with(block: str, extra: str) -> str:
    """Adds `extra` lines right after the first line of a tool's block."""
    first, rest = block[1:].split("\n", 1)
    return "\n" + first + extra + "\n" + rest


def test_a_security_change_is_behavioural_and_named() -> None:
    oauth = "\nauth: {type: oauth, issuer: https://auth.example.com, scopes: [tasks.read]}\nmodels:"
    before = edited("\nmodels:", oauth)
    text = KANBAN.read_text().replace("\nmodels:", oauth, 1)
    start = text.index("\n  board_summary:")
    after = view_of(text[:start] + _with(text[start:], "\n    security: [noauth]"))
    change = only(compare(before, after), "board_summary._meta.securitySchemes")
    assert change.kind == "behavioural"
    assert change.message == "who may call it changed: ChatGPT asks users to sign in differently"
    assert (change.before, change.after) == ([{"type": "oauth2", "scopes": ["tasks.read"]}], [{"type": "noauth"}])


def test_a_wording_change_is_cosmetic() -> None:
    changes = compare(
        kanban_view(), edited("Use this only when the user explicitly", "Use this only if the user clearly")
    )
    assert [(c.kind, c.path) for c in changes] == [("cosmetic", "delete_task.description")]


def test_a_reworded_field_is_cosmetic_everywhere_it_appears() -> None:
    changes = compare(kanban_view(), edited("Details, links and acceptance criteria.", "Details and links."))
    assert len(changes) > 1
    assert {c.kind for c in changes} == {"cosmetic"}


def test_narrowing_what_a_parameter_accepts_breaks_and_widening_does_not() -> None:
    before = kanban_view()
    narrower = edited("max_length: 200", "max_length: 100")
    assert only(compare(before, narrower), "create_task.inputSchema.properties.title.maxLength").kind == "breaking"
    wider = edited("max_length: 200", "max_length: 500")
    assert only(compare(before, wider), "create_task.inputSchema.properties.title.maxLength").kind == "behavioural"
    fewer = edited("values: [low, medium, high]", "values: [medium, high]")
    change = only(compare(before, fewer), "create_task.inputSchema.properties.priority.enum")
    assert (change.kind, change.message) == ("breaking", "values narrowed: no longer accepts low")
    more = edited("values: [low, medium, high]", "values: [low, medium, high, urgent]")
    assert only(compare(before, more), "create_task.inputSchema.properties.priority.enum").kind == "behavioural"


def test_removing_a_tool_is_breaking_and_adding_one_is_behavioural() -> None:
    without = view_of(without_tool(KANBAN.read_text(), "board_summary"))
    assert [(c.kind, c.path) for c in compare(kanban_view(), without)] == [("breaking", "board_summary")]
    assert [(c.kind, c.path) for c in compare(without, kanban_view())] == [("behavioural", "board_summary")]


def test_changed_instructions_are_cosmetic() -> None:
    changes = compare(kanban_view(), edited("Dates are YYYY-MM-DD.", "Dates are ISO 8601 dates."))
    assert [(c.kind, c.path) for c in changes] == [("cosmetic", "instructions")]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=specs(), data=st.data())
def test_for_any_spec_nothing_changed_means_no_changes_and_a_rename_is_found(spec: dict[str, Any], data: Any) -> None:
    view = view_of(yaml.safe_dump(spec))
    assert compare(view, copy.deepcopy(view)) == []
    assume(spec["tools"])
    old = data.draw(st.sampled_from(sorted(spec["tools"])))
    renamed = copy.deepcopy(spec)
    renamed["tools"] = {(f"{old}_v2" if name == old else name): tool for name, tool in spec["tools"].items()}
    changes = compare(view, view_of(yaml.safe_dump(renamed)))
    assert [(c.kind, c.path, c.before) for c in changes if c.kind != "cosmetic"] == [("breaking", f"{old}_v2", old)]
    assert [c.path for c in changes if c.kind == "cosmetic"] in (
        [],
        [f"{old}_v2.title"],
    )  # a title derived from the name


def test_diff_exits_1_for_changes_and_2_for_a_spec_it_cannot_read(tmp_path: Path) -> None:
    spec = copy_kanban(tmp_path)
    assert mcpgen("lock", str(spec)).returncode == 0
    assert mcpgen("diff", str(spec)).returncode == 0
    spec.write_text(spec.read_text().replace("Use this only when the user explicitly asks", "Use this when asked"))
    assert mcpgen("diff", str(spec)).returncode == 1
    spec.write_text(spec.read_text().replace("action: delete", "action: remove"))
    broken = mcpgen("diff", str(spec))
    assert broken.returncode == 2
    assert "unknown action 'remove'" in broken.stdout + broken.stderr


def test_sql_and_python_tools_are_compared_like_the_others() -> None:
    support = KANBAN.parent / "support.yaml"

    def view(text: str) -> dict[str, Any]:
        return client_view(compile_spec(parse_spec(text, str(support), env={})))

    text = support.read_text()
    overdue = "      overdue: {type: integer, required: true"
    assert overdue in text
    changes = compare(view(text), view(text.replace(overdue, overdue.replace("integer", "number"))))
    path = "count_overdue_tickets.outputSchema.properties.rows.items.properties.overdue.type"
    assert (only(changes, path).kind, only(changes, path).message) == ("behavioural", '"integer" → "number"')
    longer = "        max_length: 500\n        description: Why it cannot wait"
    assert longer in text
    changes = compare(view(text), view(text.replace(longer, longer.replace("500", "50"))))
    change = only(changes, "escalate_ticket.inputSchema.properties.reason.maxLength")
    assert (change.kind, change.message) == ("breaking", "longest text narrowed from 500 to 50")
