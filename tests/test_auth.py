"""Auth over real HTTP: OAuth access tokens signed by a key made here (JWKS served locally), and a bearer token.

Every test runs against `mcpgen serve` and against the project `mcpgen generate` writes for the same spec.
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx2
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from mcp import Client, types
from mcp.client.streamable_http import streamable_http_client

from mcpgen.codegen import generate
from mcpgen.spec import load_spec
from tests.conftest import INITIALIZE, MCP_HEADERS, Served, free_port
from tests.test_cli import mcpgen

pytestmark = pytest.mark.anyio
AUDIENCE = "https://notes.test/mcp"
SPEC = """\
mcpgen: 1
name: notes
description: Notes, some of them private.
storage: {{backend: memory}}
auth:
  type: oauth
  issuer: {issuer}
  jwks_url: {issuer}/jwks.json
  audience: {audience}
  scopes: [notes.read]
models:
  note: {{fields: {{id: {{type: id}}, text: {{type: string}}}}}}
tools:
  count_notes: {{action: count, model: note, description: Use this to count notes., security: [noauth]}}
  list_notes: {{action: list, model: note, description: Use this to read notes.}}
  add_note:
    action: create
    model: note
    description: Use this to add a note.
    security: [{{oauth2: [notes.write]}}]
"""


class Issuer:
    """A signing key made in the test, its JWKS served on a local port, and tokens it signs."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        body = json.dumps({"keys": [{**jwk, "kid": "test-key", "use": "sig", "alg": "RS256"}]}).encode()

        class JWKS(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), JWKS)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def token(
        self, scopes: str = "notes.read notes.write", audience: str = AUDIENCE, minutes: int = 5, subject: str = "ada"
    ) -> str:
        now = dt.datetime.now(dt.UTC)
        claims = {
            "iss": self.url,
            "sub": subject,
            "aud": audience,
            "scope": scopes,
            "exp": now + dt.timedelta(minutes=minutes),
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "test-key"})


@pytest.fixture
def issuer() -> Iterator[Issuer]:
    made = Issuer()
    yield made
    made.server.shutdown()
    made.server.server_close()


@pytest.fixture(params=["mcpgen", "generated"])
def server_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def start(serve: type[Served], spec: Path, env: dict[str, str], kind: str) -> Served:
    """`mcpgen serve SPEC`, or the generated project's own server."""
    if kind == "mcpgen":
        return serve(spec, env)
    project = spec.parent / "project"
    generate(load_spec(spec), project)
    return serve(spec, env, project=project)


@pytest.fixture
def notes(serve: type[Served], issuer: Issuer, tmp_path: Path, server_kind: str) -> Served:
    spec = tmp_path / "notes.yaml"
    spec.write_text(SPEC.format(issuer=issuer.url, audience=AUDIENCE))
    return start(serve, spec, {}, server_kind)


@asynccontextmanager
async def client(url: str, token: str | None = None) -> AsyncIterator[Client]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx2.AsyncClient(headers=headers) as http, Client(streamable_http_client(url, http_client=http)) as c:
        yield c


def text(result: types.CallToolResult) -> str:
    assert isinstance(result.content[0], types.TextContent)
    return result.content[0].text


async def test_a_valid_token_with_the_scopes_calls_protected_tools(notes: Served, issuer: Issuer) -> None:
    async with client(notes.url, issuer.token()) as c:
        added = await c.call_tool("add_note", {"text": "secret"})
        listed = await c.call_tool("list_notes", {})
    assert not added.is_error, text(added)
    assert (listed.structured_content or {})["items"][0]["text"] == "secret"


async def test_without_a_token_open_tools_work_and_protected_ones_ask_to_sign_in(notes: Served) -> None:
    async with client(notes.url) as c:
        tools = {tool.name: tool for tool in (await c.list_tools()).tools}
        counted = await c.call_tool("count_notes", {})
        refused = await c.call_tool("add_note", {"text": "x"})
    assert (tools["count_notes"].meta or {})["securitySchemes"] == [{"type": "noauth"}]
    assert (tools["add_note"].meta or {})["securitySchemes"] == [{"type": "oauth2", "scopes": ["notes.write"]}]
    assert (tools["list_notes"].meta or {})["securitySchemes"] == [{"type": "oauth2", "scopes": ["notes.read"]}]
    assert not counted.is_error
    assert refused.is_error
    assert text(refused).startswith("add_note needs authorization: this tool needs the user to sign in.")
    [challenge] = (refused.meta or {})["mcp/www_authenticate"]
    assert challenge.startswith('Bearer resource_metadata="http://127.0.0.1:')
    assert 'scope="notes.write"' in challenge


async def test_a_token_without_the_scope_is_refused_by_the_tool(notes: Served, issuer: Issuer) -> None:
    async with client(notes.url, issuer.token(scopes="notes.read")) as c:
        refused = await c.call_tool("add_note", {"text": "x"})
        allowed = await c.call_tool("list_notes", {})
    assert refused.is_error
    assert "the access token lacks the scope notes.write" in text(refused)
    assert 'error="insufficient_scope"' in (refused.meta or {})["mcp/www_authenticate"][0]
    assert not allowed.is_error


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda issuer: issuer.token(minutes=-5), "the access token has expired"),
        (
            lambda issuer: issuer.token(audience="https://elsewhere.test/mcp"),
            "the access token is for another resource",
        ),
        (lambda issuer: "not-a-jwt", "the access token is not valid"),
    ],
)
def test_a_bad_token_gets_401_with_a_challenge(notes: Served, issuer: Issuer, make: Any, problem: str) -> None:
    answer = httpx2.post(notes.url, json=INITIALIZE, headers={**MCP_HEADERS, "Authorization": f"Bearer {make(issuer)}"})
    assert answer.status_code == 401
    assert answer.json() == {"error": "invalid_token", "error_description": problem}
    challenge = answer.headers["www-authenticate"]
    assert challenge.startswith('Bearer resource_metadata="http://127.0.0.1:')
    assert f'error_description="{problem}"' in challenge


def test_the_protected_resource_metadata_names_the_issuer_and_scopes(notes: Served, issuer: Issuer) -> None:
    base = notes.url.removesuffix("/mcp")
    for path in ("/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"):
        assert httpx2.get(base + path).json() == {
            "resource": f"http://127.0.0.1:{notes.port}/mcp",
            "authorization_servers": [issuer.url],
            "scopes_supported": ["notes.read", "notes.write"],
            "bearer_methods_supported": ["header"],
        }


BEARER = """\
mcpgen: 1
name: plain
description: A server behind one shared token.
storage: {backend: memory}
auth: {type: bearer, token_env: PLAIN_TOKEN}
models:
  item: {fields: {id: {type: id}}}
tools:
  count_items: {action: count, model: item, description: Use this to count items.}
"""
SECRET = "s3cret-token-value-9f2c"


def test_bearer_auth_accepts_the_token_and_refuses_others_without_leaking_it(
    serve: type[Served], tmp_path: Path, server_kind: str
) -> None:
    spec = tmp_path / "plain.yaml"
    spec.write_text(BEARER)
    server = start(serve, spec, {"PLAIN_TOKEN": SECRET}, server_kind)
    right = httpx2.post(server.url, json=INITIALIZE, headers={**MCP_HEADERS, "Authorization": f"Bearer {SECRET}"})
    wrong = httpx2.post(server.url, json=INITIALIZE, headers={**MCP_HEADERS, "Authorization": "Bearer guess"})
    missing = httpx2.post(server.url, json=INITIALIZE, headers=MCP_HEADERS)
    assert right.status_code == 200
    for refused in (wrong, missing):
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == 'Bearer realm="mcp", error="invalid_token"'
        assert SECRET not in refused.text
    assert httpx2.get(server.url.removesuffix("/mcp") + "/healthz").status_code == 200  # health checks stay open
    tools = mcpgen("tools", str(spec), "--json", env={"PLAIN_TOKEN": SECRET})
    assert SECRET not in tools.stdout + tools.stderr
    assert SECRET not in server.stop()  # nor in the server's log
    written = [path.read_text() for path in tmp_path.rglob("*") if path.is_file() and ".db" not in path.name]
    assert not any(SECRET in text for text in written)  # nor in any file, generated ones included


def test_bearer_without_its_variable_never_starts(tmp_path: Path) -> None:
    spec = tmp_path / "plain.yaml"
    spec.write_text(BEARER)
    run = mcpgen("serve", str(spec), "--port", str(free_port()), env={"PLAIN_TOKEN": ""})
    assert run.returncode == 1
    assert "mcpgen: auth: bearer auth needs the token in $PLAIN_TOKEN, which is not set" in run.stderr
    assert "To use it in ChatGPT" not in run.stderr  # refused before it tells anyone where to connect
    generate(load_spec(spec), tmp_path / "project")
    generated = subprocess.run(
        [sys.executable, "-m", "plain_mcp", "--port", str(free_port())],
        cwd=tmp_path / "project",
        env={**os.environ, "PLAIN_TOKEN": ""},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert generated.returncode == 1
    assert "plain_mcp: auth: bearer auth needs the token in $PLAIN_TOKEN, which is not set" in generated.stderr
    assert "serving" not in generated.stderr
