"""Reading specs: the bad-spec corpus pins every message users read; good specs and generated ones load."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from mcpgen.errors import Problem, SpecError
from mcpgen.spec import LoadedSpec, parse_spec
from mcpgen.spec.loader import load_document
from tests.strategies import ACTION_KINDS, FIELD_TYPES, specs

HERE = Path(__file__).parent
BAD, GOOD = HERE / "specs_bad", HERE / "specs_good"
CASES = sorted(path.stem for path in BAD.glob("*.yaml"))
REWRITE = "MCPGEN_REWRITE_CORPUS"  # set to 1 to rewrite the expected messages on purpose, then review the diff
MINIMAL = (GOOD / "minimal.yaml").read_text()


def problems_of(text: str, file: str = "spec.yaml", env: dict[str, str] | None = None) -> list[Problem]:
    with pytest.raises(SpecError) as raised:
        parse_spec(text, file, env or {})
    return raised.value.problems


def parse(text: str, env: dict[str, str] | None = None) -> LoadedSpec:
    return parse_spec(text, "spec.yaml", env or {})


# --- the corpus ---


@pytest.mark.parametrize("case", CASES)
def test_bad_spec_reports_exactly_the_expected_problems(case: str) -> None:
    source, expected = BAD / f"{case}.yaml", BAD / f"{case}.txt"
    lines = [str(problem) for problem in problems_of(source.read_text(), source.name)]
    if os.environ.get(REWRITE):
        expected.write_text("".join(line + "\n" for line in lines))
    assert lines == expected.read_text().splitlines(), f"to accept the new messages: {REWRITE}=1 pytest {__file__}"


def test_every_corpus_case_has_its_expected_messages() -> None:
    texts = {path.stem for path in BAD.glob("*.txt")}
    assert texts == set(CASES)
    assert len(CASES) >= 30


def test_many_mistakes_are_all_reported_in_one_run_each_at_its_own_line() -> None:
    source = BAD / "many_mistakes.yaml"
    problems = problems_of(source.read_text(), source.name)
    assert len(problems) == 21
    assert len({problem.line for problem in problems}) == 21


@pytest.mark.parametrize("path", sorted(GOOD.glob("*.yaml")), ids=lambda path: path.stem)
def test_good_spec_loads(path: Path) -> None:
    loaded = parse_spec(path.read_text(), str(path), {})
    assert loaded.spec.models


# --- the loader ---


def test_positions_are_the_users_own_lines_and_columns() -> None:
    document = load_document("mcpgen: 1\nmodels:\n  task:\n    fields: {id: {type: id}}\n", "spec.yaml", {})
    positions = document.positions
    assert positions.at(("models", "task"), key=True) == (3, 3)
    assert positions.at(("models", "task", "fields")) == (4, 13)
    assert positions.at(("models", "task", "fields", "id", "type")) == (4, 25)
    assert positions.at(("models", "task", "nothing", "here")) == (4, 5)  # nearest located ancestor


def test_default_of_an_unset_variable_is_used() -> None:
    spec = parse(MINIMAL.replace("name: notes", "name: ${APP:-jotter}")).spec
    assert spec.name == "jotter"


def test_a_set_variable_wins_over_its_default() -> None:
    spec = parse(MINIMAL.replace("name: notes", "name: ${APP:-jotter}"), env={"APP": "memo"}).spec
    assert spec.name == "memo"


def test_an_empty_variable_falls_back_to_its_default() -> None:
    spec = parse(MINIMAL.replace("name: notes", "name: ${APP:-jotter}"), env={"APP": ""}).spec
    assert spec.name == "jotter"


def test_double_dollar_is_a_literal_dollar() -> None:
    spec = parse(MINIMAL.replace("Keep short notes.", "Costs $${PRICE}."), env={"PRICE": "5"}).spec
    assert spec.description == "Costs ${PRICE}."


def test_unset_variable_is_one_problem_at_its_value() -> None:
    [problem] = problems_of(MINIMAL.replace("name: notes", "name: ${APP}"))
    assert (problem.line, problem.column, problem.path) == (2, 7, "name")
    assert problem.message == "environment variable 'APP' is not set"


def test_yaml_reads_like_editors_do_only_true_and_false_are_booleans_and_dates_stay_text() -> None:
    data = load_document("a: yes\nb: off\nc: true\nd: 2026-01-31\ne: 2026-01-31T10:00:00Z\n", "f", {}).data
    assert data == {"a": "yes", "b": "off", "c": True, "d": "2026-01-31", "e": "2026-01-31T10:00:00Z"}


def test_keys_of_the_mapping_itself_override_merged_ones() -> None:
    data = load_document("base: &b {x: 1, y: 2}\nkid:\n  <<: *b\n  y: 3\n", "f", {}).data
    assert data["kid"] == {"x": 1, "y": 3}


def test_a_huge_alias_expansion_is_a_problem_not_a_hang() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]" for i in range(6)]
    problems = load_document("\n".join(lines) + "\n", "f", {}).problems
    assert [problem.message for problem in problems] == ["cannot read this value: aliases expand it past 100000 values"]


def test_a_character_yaml_forbids_is_a_syntax_problem_at_its_place() -> None:
    [problem] = problems_of("mcpgen: 1\nname: no\x07tes\n")
    assert (problem.line, problem.column) == (2, 9)
    assert problem.message == "YAML syntax error: the character U+0007 is not allowed"


# --- properties ---


QUIET = settings(max_examples=200, database=None, phases=[Phase.generate])


def dump(spec: dict[str, Any]) -> str:
    return yaml.safe_dump(spec, sort_keys=False, allow_unicode=True)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_every_generated_spec_is_valid(spec: dict[str, Any]) -> None:
    loaded = parse(dump(spec))
    assert list(loaded.spec.models) == list(spec["models"])
    assert list(loaded.spec.tools) == list(spec["tools"])


@pytest.mark.parametrize("kind", ACTION_KINDS)
def test_generated_specs_include_tools_of_every_action_kind(kind: str) -> None:
    find(specs(), lambda spec: any(tool["action"] == kind for tool in spec["tools"].values()), settings=QUIET)


@pytest.mark.parametrize("kind", FIELD_TYPES)
def test_generated_specs_include_fields_of_every_type(kind: str) -> None:
    def has(spec: dict[str, Any]) -> bool:
        return any(field["type"] == kind for model in spec["models"].values() for field in model["fields"].values())

    find(specs(), has, settings=QUIET)


@st.composite
def broken_specs(draw: st.DrawFn) -> dict[str, Any]:
    """A valid spec with one mistake: a required key dropped, a reference renamed, an unknown key, garbage."""
    spec = copy.deepcopy(draw(specs()))
    model = draw(st.sampled_from(sorted(spec["models"])))
    fields = spec["models"][model]["fields"]
    field = draw(st.sampled_from(sorted(fields)))
    tools = sorted(spec["tools"])
    tool = spec["tools"][draw(st.sampled_from(tools))] if tools else None
    strict = [spec, spec["models"][model], fields[field], *([tool] if tool else [])]
    mutation = draw(st.sampled_from(["drop", "rename_model", "rename_field", "unknown_key", "garbage"]))
    if mutation == "drop":
        where, key = draw(
            st.sampled_from(
                # models is optional, but not for tools that use one
                [(spec, key) for key in ("mcpgen", "name", "description", "tools", *(("models",) if tools else ()))]
                + [(spec["models"][model], "fields"), (fields[field], "type")]
                + [(tool, key) for key in ("action", "model", "description") if tool]
            )
        )
        del where[key]
    elif mutation == "rename_model" and tool:
        target = tool["model"]
        spec["models"][target + "_renamed"] = spec["models"].pop(target)
    elif mutation == "rename_field" and _references(spec):
        target_model, target_field = draw(st.sampled_from(_references(spec)))
        kept = spec["models"][target_model]["fields"]
        kept[target_field + "_renamed"] = kept.pop(target_field)
    elif mutation == "garbage":
        where, key, value = draw(
            st.sampled_from(
                [
                    (fields[field], "type", "garbage"),
                    (fields[field], "required", "yes please"),
                    (spec, "models", ["a", "list"]),
                    (spec, "name", "Not A Slug"),
                    (spec["models"][model], "fields", "id"),
                    *([(tool, "action", "explode"), (tool, "limit", {"max": "lots"})] if tool else []),
                ]
            )
        )
        where[key] = value
    else:
        draw(st.sampled_from(strict))[draw(st.sampled_from(["zzz", "colour", "requird", "tols"]))] = True
    return spec


def _references(spec: dict[str, Any]) -> list[tuple[str, str]]:
    """(model, field) pairs that some tool or display names, so renaming the field breaks the spec."""
    found = []
    for name, model in spec["models"].items():
        if "display" in model:
            found.append((name, model["display"]))
    for tool in spec["tools"].values():
        for key in ("filters", "order_by", "fields"):
            entries = tool.get(key, [])
            found += [(tool["model"], entry if isinstance(entry, str) else entry["field"]) for entry in entries]
        if "group_by" in tool:
            found.append((tool["model"], tool["group_by"]))
    return sorted(set(found))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_specs())
def test_a_broken_spec_is_a_spec_error_with_located_problems(spec: dict[str, Any]) -> None:
    text = dump(spec)
    problems = problems_of(text, "broken.yaml")
    assert problems
    for problem in problems:
        assert 1 <= problem.line <= text.count("\n") + 1
        assert problem.column >= 1
        assert problem.path or problem.message.startswith("missing required key"), problem
        assert problem.message


EDITS = st.lists(
    st.tuples(st.integers(0, 10**5), st.integers(0, 5), st.text(" \n\t:-[]{}#&*!|>'\"$%,?<=ab019", max_size=4)),
    min_size=1,
    max_size=4,
)


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(sorted([*GOOD.glob("*.yaml"), *BAD.glob("*.yaml")])), EDITS)
def test_any_edit_of_a_spec_text_gives_a_spec_or_located_problems(
    path: Path, edits: list[tuple[int, int, str]]
) -> None:
    text = path.read_text()
    for offset, cut, new in edits:
        at = offset % (len(text) + 1)
        text = text[:at] + new + text[at + cut :]
    problems: list[Problem] = []
    try:
        parse(text)
    except SpecError as error:  # anything else fails the test
        problems = error.problems
    assert all(problem.line >= 1 and problem.column >= 1 for problem in problems)
