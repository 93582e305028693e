"""Validating real data: refs and what deleting their record does, unique keys, renames, owned records."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mcpgen.errors import SpecError
from mcpgen.lint.base import Context
from mcpgen.spec import LoadedSpec, parse_spec

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "specs_bad"
HEADER = "mcpgen: 1\nname: helpdesk\ndescription: Track customers and their tickets.\n"  # lines 1 to 3
HELPDESK = """\
mcpgen: 1
name: helpdesk
description: Track customers and their tickets.
auth: {type: oauth, issuer: https://auth.example.com}
models:
  customer:
    display: name
    renamed_from: client
    fields:
      id: {type: id}
      name: {type: string, required: true, renamed_from: full_name}
      email: {type: string, unique: true}
      notes: {type: text, unique: true}
  ticket:
    display: subject
    owner: subject
    unique: [[customer, subject]]
    fields:
      id: {type: id}
      customer: {type: ref, model: customer, on_delete: cascade, required: true}
      parent: {type: ref, model: ticket, on_delete: cascade}
      assignee: {type: ref, model: customer, on_delete: set_null}
      subject: {type: string, required: true}
      status: {type: enum, values: [open, closed], default: open}
      due: {type: date}
tools:
  list_tickets:
    action: list
    model: ticket
    description: List tickets.
    filters: [status, {field: due, ops: [lt, gte, empty]}, {field: customer, ops: [eq, in]}]
    order_by: [due]
    expand: [customer]
    parameters: {due_gte: Only tickets due on or after this day.}
  get_ticket:
    action: get
    model: ticket
    description: Get a ticket.
    security: [noauth]
    noauth_why: Tickets are shown on the help desk's public page.
  create_customer:
    action: create
    model: customer
    description: Add a customer.
    fields: [name, email]
"""


def problems(text: str) -> list[str]:
    """Every problem of a spec, as users read them."""
    with pytest.raises(SpecError) as raised:
        parse_spec(text, "spec.yaml", {})
    return [str(problem) for problem in raised.value.problems]


def models(body: str) -> str:
    """A spec with these models (written from the margin; the first is on line 5) and no tools."""
    return HEADER + "models:\n" + textwrap.indent(textwrap.dedent(body), "  ") + "tools: {}\n"


def mcpgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Runs `python -m mcpgen ARGS` as users do."""
    command = [sys.executable, "-m", "mcpgen", *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=30, check=False)


# --- through the command ---


def test_validate_accepts_a_spec_that_uses_every_new_key(tmp_path: Path) -> None:
    (tmp_path / "helpdesk.yaml").write_text(HELPDESK)
    result = mcpgen("validate", "helpdesk.yaml", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "helpdesk.yaml: valid (2 models, 3 tools)\n", "")


def test_validate_lists_every_ref_mistake_at_its_line_then_exits_1() -> None:
    result = mcpgen("validate", "ref_fields.yaml", cwd=BAD)
    assert result.returncode == 1
    assert result.stdout.splitlines() == (BAD / "ref_fields.txt").read_text().splitlines()
    assert result.stderr == "8 problems found.\n"


# --- refs ---


def test_model_and_on_delete_apply_only_to_ref_fields() -> None:
    spec = models(
        """\
        customer:
          fields:
            id: {type: id}
            name: {type: string, on_delete: cascade}
        """
    )
    assert problems(spec) == [
        "spec.yaml:8:28: models.customer.fields.name.on_delete: 'on_delete' does not apply to string fields"
        " ('on_delete' is for ref fields)"
    ]


def test_a_ref_needs_the_model_it_points_to() -> None:
    spec = models(
        """\
        customer:
          fields:
            id: {type: id}
        ticket:
          fields:
            id: {type: id}
            customer: {type: ref}
        """
    )
    assert problems(spec) == [
        "spec.yaml:11:17: models.ticket.fields.customer: a ref field needs model: the model it points to"
        " (e.g. model: customer)"
    ]


def test_a_ref_to_an_unknown_model_suggests_the_closest() -> None:
    spec = models(
        """\
        customer:
          fields:
            id: {type: id}
            boss: {type: ref, model: custome}
        """
    )
    assert problems(spec) == [
        "spec.yaml:8:32: models.customer.fields.boss.model: unknown model 'custome' (did you mean 'customer'?)"
    ]


def test_a_ref_to_a_model_without_id_is_a_problem_at_the_ref_too() -> None:
    spec = models(
        """\
        tag:
          fields:
            name: {type: string}
        ticket:
          fields:
            id: {type: id}
            tag: {type: ref, model: tag}
        """
    )
    assert problems(spec) == [
        "spec.yaml:7:7: models.tag.fields: model 'tag' has no id field (add one: id: {type: id})",
        "spec.yaml:11:31: models.ticket.fields.tag.model: model 'tag' has no id field to point to"
        " (add one to it: id: {type: id})",
    ]


def test_set_null_on_a_required_ref_is_a_problem() -> None:
    spec = models(
        """\
        customer:
          fields:
            id: {type: id}
            boss: {type: ref, model: customer, required: true, on_delete: set_null}
        """
    )
    assert problems(spec) == [
        "spec.yaml:8:69: models.customer.fields.boss.on_delete: set_null would empty a required field"
        " (make the field optional, or use on_delete: restrict or cascade)"
    ]


def test_a_ref_takes_no_default() -> None:
    spec = models(
        """\
        customer:
          fields:
            id: {type: id}
            boss: {type: ref, model: customer, default: 1}
        """
    )
    assert problems(spec) == [
        "spec.yaml:8:42: models.customer.fields.boss.default: 'default' does not apply to ref fields"
        " (the ids of the records it points to are not known in advance)"
    ]


# --- cascading deletes ---


def cascade(a_to_b: str, b_to_a: str) -> str:
    return models(
        f"""\
        a:
          fields:
            id: {{type: id}}
            b: {{type: ref, model: b, on_delete: {a_to_b}}}
        b:
          fields:
            id: {{type: id}}
            a: {{type: ref, model: a, on_delete: {b_to_a}}}
        """
    )


def test_a_cycle_of_cascades_through_two_models_is_reported_once_where_it_closes() -> None:
    assert problems(cascade("cascade", "cascade")) == [
        "spec.yaml:12:43: models.b.fields.a.on_delete: cascading deletes go round in a circle: b.a → a.b → b"
        " (deleting one of these records would delete the others; use restrict or set_null on one field)"
    ]


@pytest.mark.parametrize("other", ["restrict", "set_null"])
def test_one_ref_that_does_not_cascade_breaks_the_cycle(other: str) -> None:
    parse_spec(cascade("cascade", other), "spec.yaml", {})


def test_the_cascade_cycle_check_names_a_longer_chain_in_full() -> None:
    [problem] = problems((BAD / "cascade_cycle.yaml").read_text())
    assert "reply.ticket → ticket.customer → customer.pinned → reply" in problem


def test_a_model_whose_records_cascade_to_their_children_is_fine() -> None:
    spec = models(
        """\
        task:
          fields:
            id: {type: id}
            parent: {type: ref, model: task, on_delete: cascade}
        """
    )
    parse_spec(spec, "spec.yaml", {})


# --- unique ---


@pytest.mark.parametrize(
    ("field", "hint"),
    [
        ("id: {type: id, unique: true}", "ids are unique already"),
        ("on: {type: boolean, unique: true}", "at most two records could have a value: true and false"),
        ("at: {type: datetime, auto: created, unique: true}", "the server sets their value"),
    ],
    ids=["id", "boolean", "auto"],
)
def test_unique_is_refused_where_values_cannot_differ(field: str, hint: str) -> None:
    fields = [field] if field.startswith("id:") else ["id: {type: id}", field]
    [problem] = problems(models("switch:\n  fields:\n" + "".join(f"    {line}\n" for line in fields)))
    assert ".unique: 'unique' does not apply to " in problem
    assert f"({hint}" in problem


def test_unique_text_is_fine() -> None:
    spec = models(
        """\
        note:
          fields:
            id: {type: id}
            body: {type: text, unique: true}
        """
    )
    parse_spec(spec, "spec.yaml", {})


def test_a_unique_field_takes_no_default() -> None:
    spec = models(
        """\
        customer:
          fields:
            id: {type: id}
            email: {type: string, unique: true, default: a@example.com}
        """
    )
    assert problems(spec) == [
        "spec.yaml:8:43: models.customer.fields.email.default: a unique field cannot have a default"
        " (every record created without a value would get the same one, and clash)"
    ]


def keys(unique: str) -> str:
    return models(
        f"""\
        customer:
          unique: {unique}
          fields:
            id: {{type: id}}
            name: {{type: string}}
            email: {{type: string}}
        """
    )


def test_a_compound_key_of_one_field_points_to_unique_true() -> None:
    assert problems(keys("[[email]]")) == [
        "spec.yaml:6:14: models.customer.unique[0]: a compound key needs two or more fields"
        " (for one field, use unique: true on 'email')"
    ]


def test_a_compound_key_names_known_fields() -> None:
    assert problems(keys("[[name, emial]]")) == [
        "spec.yaml:6:21: models.customer.unique[0][1]: unknown field 'emial' (did you mean 'email'?)"
    ]


def test_a_compound_key_lists_each_field_once() -> None:
    assert problems(keys("[[name, email, name]]")) == [
        "spec.yaml:6:28: models.customer.unique[0][2]: 'name' is already in this key (list it once)"
    ]


def test_a_compound_key_listed_twice_in_any_order_is_a_problem() -> None:
    assert problems(keys("[[name, email], [email, name]]")) == [
        "spec.yaml:6:29: models.customer.unique[1]: the same key as unique[0]"
        " (list each key once; the order of its fields does not matter)"
    ]


# --- renames and reserved names ---


def test_renamed_from_names_a_former_name_only() -> None:
    found = problems((BAD / "renamed_and_reserved.yaml").read_text())
    renames = [problem.split(": ", 2)[1:] for problem in found if ".renamed_from:" in problem]
    assert renames == [
        ["models.customer.renamed_from", "'customer' is the model's own name"
         " (renamed_from is the name it had before; remove it if it had no other)"],
        ["models.customer.fields.name.renamed_from", "'name' is the field's own name"
         " (renamed_from is the name it had before; remove it if it had no other)"],
        ["models.customer.fields.email.renamed_from", "field 'name' still exists"
         " (renamed_from names a field that is gone; remove 'name' or this renamed_from)"],
        ["models.customer.fields.fax.renamed_from", "field 'phone' is already renamed from 'mobile'"
         " (only one field can take over 'mobile')"],
        ["models.ticket.renamed_from", "model 'customer' still exists"
         " (renamed_from names a model that is gone; remove 'customer' or this renamed_from)"],
    ]  # fmt: skip


@pytest.mark.parametrize("name", ["mcpgen_owner", "mcpgen_notes"])
def test_field_names_starting_with_mcpgen_are_reserved(name: str) -> None:
    spec = models(
        f"""\
        note:
          fields:
            id: {{type: id}}
            {name}: {{type: text}}
        """
    )
    assert problems(spec) == [
        f"spec.yaml:8:7: models.note.fields.{name}: '{name}' is a reserved name"
        " (names starting with mcpgen_ are kept for mcpgen's own columns, such as mcpgen_owner)"
    ]


# --- records that belong to the signed-in user ---


def owned(auth: str, security: str = "") -> str:
    """A spec whose notes belong to the signed-in user, and a tool to get one (`security` is on line 15)."""
    text = f"""\
        auth: {auth}
        models:
          note:
            owner: subject
            fields:
              id: {{type: id}}
        tools:
          get_note:
            action: get
            model: note
            description: Get a note.
        """
    return HEADER + textwrap.dedent(text) + security


def test_a_noauth_tool_on_owned_records_needs_a_reason() -> None:
    spec = owned("{type: oauth, issuer: https://auth.example.com}", "    security: [noauth]\n")
    assert problems(spec) == [
        "spec.yaml:15:15: tools.get_note.security: tool 'get_note' on model 'note', whose records belong to the"
        " signed-in user, can be called without signing in"
        " (remove noauth, or say why in noauth_why: callers without a token all share one owner)"
    ]


def test_a_blank_reason_is_no_reason() -> None:
    spec = owned("{type: oauth, issuer: https://a.example}", "    security: [noauth]\n    noauth_why: ' '\n")
    assert [problem.split(": ")[1] for problem in problems(spec)] == ["tools.get_note.security"]


def test_a_noauth_tool_that_says_why_is_fine() -> None:
    spec = owned("{type: oauth, issuer: https://a.example}", "    security: [noauth]\n    noauth_why: A demo.\n")
    parse_spec(spec, "spec.yaml", {})


def test_owned_records_without_oauth_belong_to_the_one_local_owner() -> None:
    parse_spec(owned("{type: bearer, token_env: NOTES_TOKEN}", ""), "spec.yaml", {})


def test_noauth_why_applies_only_to_noauth_tools() -> None:
    spec = owned("{type: oauth, issuer: https://a.example}", "    noauth_why: Harmless.\n")
    assert problems(spec) == [
        "spec.yaml:15:5: tools.get_note.noauth_why: noauth_why applies to tools with security: [noauth, ...]"
        " (remove it, or add noauth)"
    ]


# --- tools whose fields are broken ---


def test_a_comparison_filter_on_a_broken_field_adds_no_second_problem() -> None:
    text = """\
        models:
          ticket:
            fields:
              id: {type: id}
              due: {type: dat}
        tools:
          list_tickets:
            action: list
            model: ticket
            description: List tickets.
            filters: [{field: due, ops: [lt, empty]}, due]
        """
    spec = HEADER + textwrap.dedent(text)
    assert problems(spec) == [
        "spec.yaml:8:19: models.ticket.fields.due.type: unknown field type 'dat' (did you mean 'date'?)"
    ]


# --- where lint points for a parameter ---


@pytest.fixture(scope="module")
def helpdesk() -> tuple[LoadedSpec, Context]:
    loaded = parse_spec(HELPDESK, "helpdesk.yaml", {})
    return loaded, Context(loaded, {})


@pytest.mark.parametrize(
    ("parameter", "path", "position"),
    [
        ("due_lt", ("tools", "list_tickets", "filters", 1, "ops", 0), (31, 42)),
        ("due_empty", ("tools", "list_tickets", "filters", 1, "ops", 2), (31, 51)),
        ("customer_in", ("tools", "list_tickets", "filters", 2, "ops", 1), (31, 88)),
        ("customer", ("models", "ticket", "fields", "customer"), (20, 7)),
        ("due_gte", ("tools", "list_tickets", "parameters", "due_gte"), (34, 27)),
    ],
    ids=["lt", "empty", "in", "eq is the field", "a written description wins"],
)
def test_a_filter_parameter_is_located_at_its_operator(
    helpdesk: tuple[LoadedSpec, Context], parameter: str, path: tuple[str | int, ...], position: tuple[int, int]
) -> None:
    loaded, context = helpdesk
    where, key = context.parameter_source("list_tickets", parameter)
    assert where == path
    assert loaded.positions.at(where, key=key) == position
