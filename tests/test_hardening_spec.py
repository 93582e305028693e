"""Hostile specs and arguments (issue 14): patterns that backtrack, files outside the spec's folder, templates
and enums that explode, YAML nested past the stack, text that is not Unicode, and keys named as written."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import anyio
import httpx2
import pytest
from mcp import Client

from mcpgen.dev.live import LiveServer
from mcpgen.errors import SpecError
from mcpgen.runtime.arguments import ArgumentCheck
from mcpgen.runtime.templates import MAX_TEXT, compiled
from mcpgen.spec import load_spec, parse_spec
from mcpgen.spec.patterns import LINEAR_HINT
from tests.conftest import ROOT, Served, connect
from tests.scenarios import call, text

pytestmark = pytest.mark.anyio

NOTES = """\
mcpgen: 1
name: notes
description: Keep notes.
storage: {{path: notes.db}}
models:
  note:
    display: title
    fields:
      id: {{type: id}}
      title: {{type: string, required: true, pattern: '^(a+)+$'}}
      body: {{type: text}}
tools:
  create_note: {{action: create, model: note, description: Use this to create a note.}}
  list_notes: {{action: list, model: note, description: Use this to list notes.}}
{extra}"""
HOSTILE = "a" * 50 + "!"  # ^(a+)+$ tries 2**50 ways to split it, with a backtracking engine


def notes(folder: Path, extra: str = "") -> Path:
    spec = folder / "notes.yaml"
    spec.write_text(NOTES.format(extra=extra))
    return spec


def problems(spec: Path) -> list[str]:
    with pytest.raises(SpecError) as raised:
        load_spec(spec, env={})
    return [
        f"{problem.path}: {problem.message}" + (f" ({problem.hint})" if problem.hint else "")
        for problem in raised.value.problems
    ]


def mcpgen(*args: str, timeout: float = 10) -> tuple[subprocess.CompletedProcess[str], float]:
    """Runs the real CLI; the timeout catches a hang (it is a guard, not a measure of speed)."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mcpgen", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return done, time.perf_counter() - started


# --- 1. patterns run in linear time ---


@pytest.mark.slow
async def test_a_backtracking_pattern_answers_at_once_and_the_server_keeps_serving(
    serve: type[Served], tmp_path: Path
) -> None:
    server = serve(notes(tmp_path), {})
    with anyio.fail_after(10):
        async with Client(server.url) as client:
            refused = await client.call_tool("create_note", {"title": HOSTILE})
            assert refused.is_error
            assert text(refused) == (
                f'Invalid arguments for create_note:\n- title: "{HOSTILE}" does not match the pattern ^(a+)+$'
            )
            assert (await call(client, "create_note", title="aaa"))["title"] == "aaa"
            assert [note["title"] for note in (await call(client, "list_notes"))["items"]] == ["aaa"]
    assert httpx2.get(f"http://127.0.0.1:{server.port}/healthz", timeout=5).status_code == 200


def test_validate_checks_a_default_against_a_backtracking_pattern_at_once(tmp_path: Path) -> None:
    spec = notes(tmp_path)
    spec.write_text(spec.read_text().replace("pattern: '^(a+)+$'}", f"pattern: '^(a+)+$', default: {HOSTILE}}}"))
    done, _ = mcpgen("validate", str(spec))
    assert done.stdout == (
        f"{spec}:10:74: models.note.fields.title.default: default '{HOSTILE}' does not match '^(a+)+$'\n"
    ), done.stderr


def test_patterns_are_matched_by_re2_in_the_fast_and_the_worded_check() -> None:
    schema = {
        "type": "object",
        "properties": {
            "code": {"type": "string", "pattern": r"^\p{Lu}[a-z]+$"},  # RE2 reads \p{..}; Python's re cannot
            "tags": {"type": "array", "items": {"type": "string", "pattern": "^(a|aa)+$"}},
        },
        "additionalProperties": False,
    }
    check = ArgumentCheck(schema)
    assert check.fits({"code": "Élan", "tags": ["aaa"]})
    assert not check.fits({"code": "Élan\n"})  # `$` is the end of the text, as JSON Schema (ECMA 262) reads it
    assert check.problems({"code": "élan", "tags": ["a", "a" * 40 + "b"]}) == [
        r'code: "élan" does not match the pattern ^\p{Lu}[a-z]+$',
        f'tags.1: "{"a" * 40}b" does not match the pattern ^(a|aa)+$',
    ]


def test_a_pattern_re2_cannot_run_is_refused_in_a_parameter_too(tmp_path: Path) -> None:
    (tmp_path / "notes_tools.py").write_text("def echo(arguments, context):\n    return {}\n")
    extra = """\
  echo_note:
    action: python
    handler: notes_tools:echo
    description: Use this to echo a note.
    parameters:
      text: {type: string, pattern: '^(?!admin).*$'}
"""
    spec = notes(tmp_path, extra)
    spec.write_text(spec.read_text().replace("'^(a+)+$'", r"'^(\w)\1$'"))
    with pytest.raises(SpecError) as raised:
        load_spec(spec, env={})
    assert [(problem.path, problem.message, problem.hint) for problem in raised.value.problems] == [
        (
            "models.note.fields.title.pattern",
            r"this pattern cannot be matched in linear time (invalid escape sequence: \1)",
            LINEAR_HINT,
        ),
        (
            "tools.echo_note.parameters.text.pattern",
            "this pattern cannot be matched in linear time (invalid perl operator: (?!)",
            LINEAR_HINT,
        ),
    ]


# --- 2. files a spec names stay inside its folder ---


def _board(folder: Path, html: str) -> Path:
    extra = "widgets:\n  board: {html: " + html + "}\n"
    return notes(folder, extra)


@pytest.mark.parametrize("html", ["../outside.html", "/proc/self/environ"])
def test_a_widget_file_outside_the_spec_folder_is_refused(tmp_path: Path, html: str) -> None:
    folder = tmp_path / "spec"
    folder.mkdir()
    (tmp_path / "outside.html").write_text("<p>secret</p>")
    assert problems(_board(folder, html)) == [
        f"widgets.board.html: {html} is outside the spec's folder {folder}; files a spec names must be inside it"
    ]


def test_a_link_that_leads_out_of_the_spec_folder_counts_as_outside(tmp_path: Path) -> None:
    folder = tmp_path / "spec"
    (folder / "widgets").mkdir(parents=True)
    (tmp_path / "secret.html").write_text("<p>secret</p>")
    (folder / "widgets" / "board.html").symlink_to(tmp_path / "secret.html")
    assert problems(_board(folder, "widgets/board.html")) == [
        f"widgets.board.html: widgets/board.html leads to {tmp_path / 'secret.html'}, outside the spec's folder "
        f"{folder}; files a spec names must be inside it"
    ]


def test_a_widget_file_inside_the_folder_still_loads(tmp_path: Path) -> None:
    (tmp_path / "widgets").mkdir()
    (tmp_path / "widgets" / "board.html").write_text("<p>board</p>")
    assert load_spec(_board(tmp_path, "widgets/board.html"), env={}).spec.widgets["board"].html == "widgets/board.html"


def test_a_handler_module_that_links_outside_is_refused_and_never_run(tmp_path: Path) -> None:
    folder = tmp_path / "spec"
    folder.mkdir()
    ran = tmp_path / "ran"
    (tmp_path / "elsewhere.py").write_text(
        f"open({str(ran)!r}, 'w').close()\ndef echo(arguments, context):\n    return {{}}\n"
    )
    (folder / "notes_tools.py").symlink_to(tmp_path / "elsewhere.py")
    extra = "  echo_note: {action: python, handler: 'notes_tools:echo', description: Use this to echo a note.}\n"
    assert problems(notes(folder, extra)) == [
        f"tools.echo_note.handler: notes_tools.py leads to {tmp_path / 'elsewhere.py'}, outside the spec's folder "
        f"{folder}; files a spec names must be inside it"
    ]
    assert not ran.exists()


def test_a_relative_database_path_may_not_leave_the_folder_but_an_absolute_one_may(tmp_path: Path) -> None:
    folder = tmp_path / "spec"
    folder.mkdir()
    spec = notes(folder)
    spec.write_text(spec.read_text().replace("path: notes.db", "path: ../../notes.db"))
    assert problems(spec) == [
        f"storage.path: ../../notes.db is outside the spec's folder {folder}; files a spec names must be inside it "
        "(write an absolute path to keep the database elsewhere on purpose)"
    ]
    spec.write_text(spec.read_text().replace("path: ../../notes.db", f"path: {tmp_path / 'notes.db'}"))
    assert load_spec(spec, env={}).spec.storage.path == str(tmp_path / "notes.db")


# --- 3. templates and enums that explode ---


@pytest.mark.parametrize("template", ["{{ 'x' * 10**9 }}", "{{ 'x' | center(1000000000) }}"])
def test_validate_does_not_evaluate_a_template(tmp_path: Path, template: str) -> None:
    spec = notes(tmp_path)
    spec.write_text(
        spec.read_text().replace(
            "description: Use this to list notes.}", f'response: "{template}", description: Use this to list notes.}}'
        )
    )
    done, seconds = mcpgen("validate", str(spec))
    print(f"validate of {template}: {seconds:.2f} s")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("count", [20_000, 40_000])  # 40,000: the repeated-value check took 13 s, past the guard
def test_validate_of_an_enum_with_many_values_finishes(tmp_path: Path, count: int) -> None:
    spec = notes(tmp_path)
    values = ", ".join(f"v{i}" for i in range(count))
    spec.write_text(
        spec.read_text().replace("      body: {type: text}", f"      body: {{type: enum, values: [{values}]}}")
    )
    done, seconds = mcpgen("validate", str(spec))
    print(f"validate of a {count}-value enum: {seconds:.2f} s")
    assert done.stdout == f"{spec}: valid (1 model, 2 tools)\n", done.stderr


def test_a_template_may_not_make_more_than_max_text() -> None:
    template = compiled("{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}")
    assert template is not None
    with pytest.raises(Exception, match=f"more than {MAX_TEXT} characters"):
        template.render()
    repeated = compiled("{{ 'x' * n }}")
    assert repeated is not None
    assert repeated.render(n=3) == "xxx"
    with pytest.raises(Exception, match=f"more than {MAX_TEXT} items"):
        repeated.render(n=10**9)


async def test_a_response_template_that_would_explode_falls_back_to_the_default_text(tmp_path: Path) -> None:
    spec = notes(tmp_path)
    spec.write_text(
        spec.read_text().replace(
            "description: Use this to create a note.}",
            'response: "{{ result.title * 5000000 }}", description: Use this to create a note.}',
        )
    )
    server = LiveServer(load_spec(spec, env={}))
    async with connect(server.mcp) as client:
        created = await client.call_tool("create_note", {"title": "aaa"})
        assert not created.is_error
        assert "aaa" in text(created)
        assert len(text(created)) < 1000  # not the 15 million characters the template asked for


# --- 4. nesting past the stack ---


@pytest.mark.parametrize(
    ("document", "where"),
    [
        ("[" * 100_000, "1:65"),
        ("".join(" " * (2 * i) + "-\n" for i in range(5000)), "65:129"),
        ("".join(" " * i + "k:\n" for i in range(3000)), "65:65"),
    ],
    ids=["brackets", "list", "mapping"],
)
@pytest.mark.parametrize("verb", ["validate", "serve", "lint"])
def test_deep_nesting_is_a_located_problem_in_every_verb(tmp_path: Path, document: str, where: str, verb: str) -> None:
    spec = tmp_path / "deep.yaml"
    spec.write_text(document)
    done, _ = mcpgen(verb, str(spec))
    hint = "a spec needs only a few levels: is a [ or { left open?"
    assert (done.returncode, done.stdout) == (1, f"{spec}:{where}: (spec): nesting deeper than 64 levels ({hint})\n")
    assert done.stderr == "1 problem found.\n"


def test_aliases_that_nest_past_the_bound_are_said_once(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x]", *(f"a{i}: &a{i} [[[[[[[[[[*a{i - 1}]]]]]]]]]]" for i in range(1, 40))]
    with pytest.raises(SpecError) as raised:
        parse_spec("\n".join(lines) + "\n", "spec.yaml", {})
    deep = [problem for problem in raised.value.problems if "nesting" in problem.message]
    assert [(problem.message, problem.hint) for problem in deep] == [
        ("nesting deeper than 64 levels", "aliases nest it this deep; a spec needs only a few levels")
    ]


# --- 5. text that is not Unicode ---


async def test_a_lone_surrogate_is_an_argument_error_and_nothing_is_stored(tmp_path: Path) -> None:
    server = LiveServer(load_spec(notes(tmp_path), env={}))
    async with connect(server.mcp) as client:
        refused = await client.call_tool("create_note", {"title": "aaa", "body": "ok \ud800"})
        assert refused.is_error
        assert text(refused) == (
            "Invalid arguments for create_note:\n"
            r"- body: not valid Unicode text (a lone surrogate \ud800); send the text again as UTF-8"
        )
        nested = await client.call_tool("create_note", {"title": ["a", "\udc00"]})
        assert text(nested).endswith(
            r"- title.1: not valid Unicode text (a lone surrogate \udc00); send the text again as UTF-8"
        )
        assert (await call(client, "list_notes"))["items"] == []


def test_a_key_with_a_lone_surrogate_is_named_without_it() -> None:
    check = ArgumentCheck({"type": "object", "properties": {"meta": {"type": "object"}}})
    assert check.problems({"meta": {"\ud800": 1}}) == [
        r"meta: a name is not valid Unicode text (a lone surrogate \ud800); send it as UTF-8"
    ]


# --- 9. keys named as the spec writes them ---


@pytest.mark.parametrize(
    ("storage", "expected"),
    [
        (
            "{backend: postgres, url: x, zzzzzz: y}",
            "storage.zzzzzz: unknown key 'zzzzzz' (expected one of: backend, path, schema, url)",
        ),
        (
            "{backend: postgres, url: x, schema_name: y}",
            "storage.schema_name: unknown key 'schema_name' (did you mean 'schema'?)",
        ),
        ("3", "storage: expected a mapping (key: value), not 3 (its keys: backend, path, url, schema)"),
    ],
)
def test_storage_problems_name_the_schema_key_as_written(tmp_path: Path, storage: str, expected: str) -> None:
    spec = notes(tmp_path)
    spec.write_text(spec.read_text().replace("storage: {path: notes.db}", f"storage: {storage}"))
    assert problems(spec) == [expected]
