"""`mcpgen import openapi`: a small document written for the test and GitHub's published one become specs that
validate, lint and serve; the small one's tools call a real upstream, through `mcpgen serve` and generated alike."""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from mcpgen.dev.live import LiveServer
from mcpgen.importing.errors import OpenAPIError
from mcpgen.importing.openapi import import_openapi
from mcpgen.spec import parse_spec
from tests.conftest import Served, connect
from tests.test_auth import client, start
from tests.test_cli import mcpgen
from tests.test_http_tools import error, ok, server_kind, upstream  # noqa: F401 -- fixtures
from tests.upstream import TOKEN, Upstream

pytestmark = pytest.mark.anyio

CRM = Path(__file__).parent / "openapi" / "crm.yaml"
CACHE = Path.home() / ".cache" / "mcpgen-tests"
OCTOKIT = "@octokit/openapi@23.0.2"


def imported(tmp_path: Path, *options: str, document: Path = CRM) -> Path:
    spec = tmp_path / "spec.yaml"
    made = mcpgen("import", "openapi", str(document), "-o", str(spec), *options)
    assert made.returncode == 0, made.stderr
    return spec


def test_the_small_document_becomes_a_spec_that_validates_with_one_tool_per_operation(tmp_path: Path) -> None:
    spec = imported(tmp_path)
    assert mcpgen("validate", str(spec)).stdout == f"{spec}: valid (0 models, 6 tools)\n"
    listed = json.loads(mcpgen("tools", str(spec), "--json").stdout)
    tools = {tool["name"]: tool for tool in listed["tools"]}
    assert list(tools) == [
        "find_customers",
        "create_customer",
        "get_customer",  # no operationId: from the method and path
        "replace_customer",
        "delete_customer",
        "break_something",
    ]
    assert [name for name, tool in tools.items() if tool["annotations"]["readOnlyHint"]] == [
        "find_customers",
        "get_customer",
        "break_something",
    ]
    create = tools["create_customer"]["inputSchema"]
    assert create["required"] == ["name"]
    assert create["properties"]["plan"]["enum"] == ["free", "pro"]  # a $ref to components, resolved
    assert tools["find_customers"]["inputSchema"]["properties"]["trace"]["description"] == (
        "A trace id to follow the request by."
    )  # a $ref'd header parameter
    written = yaml.safe_load(spec.read_text())
    assert written["upstreams"]["tiny_crm"] == {
        "base_url": "${TINY_CRM_URL:-https://crm.example.com/api}",
        "auth": {"bearer_env": "TINY_CRM_TOKEN"},
        "timeout": 10,
    }
    linted = mcpgen("lint", str(spec))
    assert "when-to-use: the description of 'create_customer'" in linted.stdout  # what to improve


@pytest.fixture
def crm_served(
    serve: type[Served],
    tmp_path: Path,
    upstream: Upstream,  # noqa: F811
    server_kind: str,  # noqa: F811
) -> Served:
    return start(serve, imported(tmp_path), {"TINY_CRM_URL": upstream.url, "TINY_CRM_TOKEN": TOKEN}, server_kind)


async def test_the_imported_tools_call_the_api(crm_served: Served, upstream: Upstream) -> None:  # noqa: F811
    async with client(crm_served.url) as session:
        added = await ok(session, "create_customer", name="Ada Lovelace", email="ada@example.com", plan="pro")
        assert added["data"]["full_name"] == "Ada Lovelace"
        assert json.loads(upstream.seen[-1]["body"]) == {
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "plan": "pro",
        }
        assert upstream.seen[-1]["headers"]["authorization"] == f"Bearer {TOKEN}"
        found = await ok(session, "find_customers", email="ada@example.com", trace="t-1")
        assert [c["id"] for c in found["data"]] == ["1"]
        assert upstream.seen[-1]["query"] == "email=ada%40example.com"
        assert upstream.seen[-1]["headers"]["x-trace"] == "t-1"
        assert (await ok(session, "get_customer", id="1"))["data"]["email"] == "ada@example.com"
        failed = await error(session, "break_something")
        assert "500" in failed


def test_include_and_exclude_by_tag_and_by_path(tmp_path: Path) -> None:
    document = yaml.safe_load(CRM.read_text())
    names = lambda **options: list(import_openapi(document, **options).spec["tools"])  # noqa: E731
    assert names(include=["admin"]) == ["break_something"]
    assert names(exclude=["admin"]) == names(include=["customers"])
    assert names(include=["/customers/{id}"]) == ["get_customer", "replace_customer", "delete_customer"]
    assert names(include=["customers"], exclude=["/customers/{id}"]) == ["find_customers", "create_customer"]
    with pytest.raises(OpenAPIError, match=r"no operation's tag is 'customer'.*did you mean 'customers'"):
        names(include=["customer"])
    with pytest.raises(OpenAPIError, match="leave no operation"):
        names(include=["admin"], exclude=["/boom"])


@given(st.text(alphabet="abcXYZ_-. /{}09", min_size=1, max_size=200))
def test_any_operation_id_gives_a_valid_tool_name_and_names_never_clash(operation_id: str) -> None:
    paths = {f"/p{i}": {"get": {"operationId": operation_id, "responses": {}}} for i in range(3)}
    document = {"openapi": "3.0.3", "info": {"title": "T"}, "servers": [{"url": "https://x.example"}], "paths": paths}
    spec = import_openapi(document).spec
    assert len(spec["tools"]) == 3
    for name in spec["tools"]:
        assert len(name) <= 64
    parse_spec(yaml.safe_dump(spec), "spec.yaml", env={})  # validates


def test_bad_documents_and_an_existing_output_are_refused_clearly(tmp_path: Path) -> None:
    (tmp_path / "swagger.json").write_text(json.dumps({"swagger": "2.0", "paths": {}}))
    (tmp_path / "broken.yaml").write_text("openapi: 3.0.0\npaths: {a: [\n")
    (tmp_path / "empty.yaml").write_text("openapi: 3.1.0\ninfo: {title: x}\npaths: {}\n")
    for name, words in [
        ("swagger.json", "Swagger 2.0 document, not OpenAPI 3"),
        ("broken.yaml", "neither JSON nor YAML"),
        ("empty.yaml", "no paths"),
        ("missing.yaml", "cannot read"),
    ]:
        run = mcpgen("import", "openapi", str(tmp_path / name), "-o", str(tmp_path / "out.yaml"))
        assert run.returncode == 1, run.stderr
        assert words in run.stderr
        assert "Traceback" not in run.stderr
    spec = imported(tmp_path)
    again = mcpgen("import", "openapi", str(CRM), "-o", str(spec))
    assert again.returncode == 2
    assert "already exists" in again.stderr
    assert mcpgen("import", "openapi", str(CRM), "-o", str(spec), "--force").returncode == 0


@pytest.fixture(scope="module")
def github() -> Path:
    """GitHub's own description of its REST API, as the npm package @octokit/openapi publishes it."""
    folder = CACHE / "octokit-openapi-23.0.2"
    document = folder / "package" / "generated" / "api.github.com.json"
    if not document.exists():
        if shutil.which("npm") is None:
            pytest.skip("needs npm to fetch @octokit/openapi from the npm registry")
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "pack", OCTOKIT, "--silent"], cwd=folder, check=True, capture_output=True, timeout=300)
        with tarfile.open(next(folder.glob("octokit-openapi-*.tgz"))) as archive:
            archive.extract("package/generated/api.github.com.json", folder, filter="data")
    return document


async def test_githubs_published_document_filtered_to_a_few_tags_validates_lints_and_serves(
    github: Path, tmp_path: Path
) -> None:
    spec = imported(tmp_path, "--include", "issues", "--include", "reactions", "--name", "github", document=github)
    summary = mcpgen("validate", str(spec))
    assert summary.returncode == 0, summary.stdout
    linted = json.loads(mcpgen("lint", str(spec), "--json").stdout)
    assert {finding["rule"] for finding in linted} >= {"when-to-use"}  # the user learns what to improve
    written = yaml.safe_load(spec.read_text())
    assert written["upstreams"]["github"]["base_url"] == "${GITHUB_URL:-https://api.github.com}"
    tools: dict[str, Any] = written["tools"]
    assert 30 < len(tools) < 120
    created = tools["create_issues"]  # operationId issues/create
    assert (created["request"]["method"], created["request"]["path"]) == ("POST", "/repos/{owner}/{repo}/issues")
    assert created["read_only"] is False
    assert tools["get_issues"]["read_only"] is True
    server = LiveServer(parse_spec(spec.read_text(), str(spec), env={}))
    async with server.running(), connect(server.mcp) as session:
        listed = await session.list_tools()
    assert sorted(tool.name for tool in listed.tools) == sorted(tools)
