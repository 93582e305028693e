"""`mcpgen lint`: every registered rule flags its bad spec, ignores work, Kanban is clean, the CLI's output."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mcpgen.lint import RULES, Finding, Rule, lint
from mcpgen.lint.parameters import mentions
from mcpgen.runtime.tool import Tool
from mcpgen.spec import LoadedSpec, load_spec, parse_spec
from mcpgen.spec.compile import compile_spec
from tests.conftest import KANBAN, ROOT

CASES = ROOT / "tests" / "specs_lint"  # <rule-id>.yaml flags the rule; <rule-id>.txt pins what it prints
DOCS = ROOT / "docs" / "lint-rules.md"


def linted(name: str) -> list[Finding]:
    """Lints a case by its file name as the CLI would from that folder; <case>.meta.json adds tool _meta."""
    loaded = load_spec(name)
    tools = dict(compile_spec(loaded).tools)
    meta = Path(name).with_suffix(".meta.json")
    for tool, extra in (json.loads(meta.read_text()) if meta.exists() else {}).items():
        tools[tool] = with_meta(tools[tool], extra)
    return lint(loaded, tools)


def with_meta(built: Tool, meta: dict[str, object]) -> Tool:
    return Tool({**built.definition, "_meta": meta}, built.action, built.response)


@pytest.mark.parametrize("rule", RULES, ids=[rule.id for rule in RULES])
def test_each_rule_flags_its_bad_spec(rule: Rule, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES)
    assert Path(f"{rule.id}.yaml").exists(), f"add tests/specs_lint/{rule.id}.yaml, a spec that {rule.id} flags"
    found = [finding for finding in linted(f"{rule.id}.yaml") if finding.rule == rule.id]
    assert found, f"{rule.id} flags nothing in its case"
    assert {finding.severity for finding in found} == {rule.severity}
    assert [str(finding) for finding in found] == Path(f"{rule.id}.txt").read_text().splitlines()


def test_every_case_is_a_registered_rule() -> None:
    cases = {path.name.split(".")[0] for path in CASES.iterdir()}
    assert cases <= {rule.id for rule in RULES}


def test_rule_ids_are_unique_kebab_case() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", rule_id) for rule_id in ids)


def test_chatgpts_search_and_fetch_keep_their_names_but_other_kinds_so_named_do_not() -> None:
    text = KANBAN.read_text()
    assert not [f for f in lint(parse_spec(text, str(KANBAN), env={})) if f.rule == "verb-noun"]
    renamed = text.replace("\n  search_tasks:", "\n  find:").replace("\n  search:", "\n  search_board:")
    renamed = renamed.replace("\n  find:", "\n  search:")
    flagged = [f.tool for f in lint(parse_spec(renamed, str(KANBAN), env={})) if f.rule == "verb-noun"]
    assert flagged == ["search"]  # a plain `search` action named `search` is not ChatGPT's search


def test_the_kanban_spec_is_clean() -> None:
    assert lint(load_spec(KANBAN)) == []


def test_the_kanban_spec_silences_only_what_it_says() -> None:
    ignored = {name: tool.lint.ignore for name, tool in load_spec(KANBAN).spec.tools.items() if tool.lint}
    assert ignored == {"board_summary": ["verb-noun"]}  # renaming it would break connected clients


def _with_ignore(case: str, tool: str, rules: str) -> LoadedSpec:
    text = (CASES / f"{case}.yaml").read_text()
    text = text.replace(f"  {tool}:\n", f"  {tool}:\n    lint: {{ignore: [{rules}]}}\n")
    return parse_spec(text, f"{case}.yaml")


def test_a_tool_silences_a_rule_with_lint_ignore() -> None:
    assert [f.rule for f in lint(_with_ignore("when-to-use", "list_notes", "when-to-use"))] == []


def test_ignoring_a_rule_on_one_tool_leaves_the_others_flagged() -> None:
    findings = lint(_with_ignore("enum-explained", "list_notes", "enum-explained"))
    assert [(f.rule, f.tool) for f in findings] == [("enum-explained", "add_note")]


def test_ignoring_another_rule_silences_nothing() -> None:
    findings = lint(_with_ignore("when-to-use", "list_notes", "when-not-to-use"))
    assert [f.rule for f in findings] == ["when-to-use"]


def test_an_unknown_ignored_rule_names_the_closest_one() -> None:
    findings = lint(_with_ignore("when-to-use", "list_notes", "when-to-us"))
    assert [(f.rule, f.fix) for f in findings] == [
        ("unknown-ignore", "did you mean 'when-to-use'?"),
        ("when-to-use", 'start it with "Use this when the user …"'),
    ]


def test_findings_are_in_file_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES)
    findings = linted("verb-noun.yaml")
    assert [(f.line, f.column) for f in findings] == sorted((f.line, f.column) for f in findings)
    assert len(findings) == 3


def test_status_strings_within_64_characters_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load_spec(KANBAN)
    tools = dict(compile_spec(loaded).tools)
    status = {"openai/toolInvocation/invoking": "Moving the task…", "openai/toolInvocation/invoked": "x" * 64}
    tools["move_task"] = with_meta(tools["move_task"], status)
    assert lint(loaded, tools) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "To change a note, use edit_note instead.",
        "Read it before you update it.",
        "It never deletes anything.",
        "Fetch the note first, then move it with move_note.",
    ],
)
def test_a_reading_tool_may_mention_writes_as_advice(sentence: str) -> None:
    text = (CASES / "read-write-split.yaml").read_text()
    text = text.replace("Marks the note as read and saves the\n      time it was read.", sentence)
    findings = lint(parse_spec(text, "read-write-split.yaml"))
    assert [(f.rule, f.tool) for f in findings] == [("read-write-split", "add_note")]


@pytest.mark.parametrize(
    ("text", "value", "named"),
    [
        ("todo (not started), in_progress (being worked on)", "in_progress", True),
        ("todo, in progress or done", "in_progress", True),
        ("To DO or done", "todo", False),
        ("TODO first", "todo", True),
        ("undone", "done", False),
    ],
)
def test_an_enum_value_is_named_as_a_whole_word(text: str, value: str, named: bool) -> None:
    assert mentions(text, value) is named


# --- the documentation: one section per rule, no more, no less ---


def _documented() -> dict[str, str]:
    """Rule id → the severity its section states."""
    sections = re.split(r"^## ", DOCS.read_text(), flags=re.MULTILINE)[1:]
    documented = {}
    for section in sections:
        heading = re.match(r"`([a-z-]+)`", section)
        severity = re.search(r"^\*\*Severity:\*\* (error|warning)", section, re.MULTILINE)
        if heading:
            documented[heading[1]] = severity[1] if severity else "(none stated)"
    return documented


def test_every_rule_is_documented_and_every_documented_rule_exists() -> None:
    assert set(_documented()) == {rule.id for rule in RULES}


def test_the_documented_severities_are_the_registered_ones() -> None:
    assert _documented() == {rule.id: rule.severity for rule in RULES}


# --- the command, in a subprocess ---


def mcpgen(*args: str, cwd: Path = CASES) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "mcpgen", *args]
    return subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=60, check=False)


def test_lint_prints_findings_and_exits_1_on_an_error() -> None:
    result = mcpgen("lint", "when-to-use.yaml")
    assert result.returncode == 1
    assert result.stdout == (CASES / "when-to-use.txt").read_text()
    assert result.stderr == "1 error, 0 warnings.\n"


def test_lint_exits_0_when_there_are_only_warnings() -> None:
    result = mcpgen("lint", "near-duplicate.yaml")
    assert result.returncode == 0
    assert result.stdout == (CASES / "near-duplicate.txt").read_text()
    assert result.stderr == "0 errors, 1 warning.\n"


def test_lint_json_lists_located_findings() -> None:
    result = mcpgen("lint", "when-to-use.yaml", "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout) == [
        {
            "file": "when-to-use.yaml",
            "line": 26,
            "column": 18,
            "rule": "when-to-use",
            "message": "the description of 'list_notes' does not start by saying when to use it",
            "fix": 'start it with "Use this when the user …"',
            "severity": "error",
            "tool": "list_notes",
        }
    ]


def test_lint_of_a_clean_spec_says_so() -> None:
    result = mcpgen("lint", "specs/kanban.yaml", cwd=ROOT)
    assert result.returncode == 0, result.stdout
    tools = len(load_spec(KANBAN, env={}).spec.tools)
    assert result.stdout == f"specs/kanban.yaml: clean ({tools} tools, {len(RULES)} rules)\n"
    assert json.loads(mcpgen("lint", "specs/kanban.yaml", "--json", cwd=ROOT).stdout) == []


@pytest.mark.parametrize("case", ["unknown_model", "annotation_without_why"])
def test_lint_of_an_invalid_spec_prints_its_problems_like_validate(case: str) -> None:
    bad = ROOT / "tests" / "specs_bad"
    result = mcpgen("lint", f"{case}.yaml", cwd=bad)
    assert result.returncode == 1
    assert result.stdout == (bad / f"{case}.txt").read_text()
    assert result.stderr == "1 problem found.\n"
