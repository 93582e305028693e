"""Real servers over real HTTP at the edges: bodies over --max-body, one id twice in flight, browser origins."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from mcpgen.codegen import generate
from mcpgen.runtime.options import size
from mcpgen.spec import load_spec
from tests.conftest import INITIALIZE, KANBAN, MCP_HEADERS, Served

pytestmark = [pytest.mark.anyio, pytest.mark.slow]
ERAS = ["legacy", "modern"]  # the initialize handshake (ChatGPT today) and the 2026-07-28 stateless era
ENVELOPE = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientCapabilities": {},
    "io.modelcontextprotocol/clientInfo": {"name": "hardening", "version": "1"},
}
PUBLIC = "https://abc123.ngrok-free.app"
CHATGPT = ["https://chatgpt.com", "https://chat.openai.com", "https://platform.openai.com"]
LOOKALIKES = ["https://chatgpt.com.evil.example", "http://chatgpt.com", "https://evil.example", "null"]
PREFLIGHT = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,mcp-session-id"}
NAP = """\
mcpgen: 1
name: nap
description: A tool that takes a while, to keep calls in flight.
storage: {{path: "{db}"}}
models:
  note:
    fields:
      id: {{type: id}}
      title: {{type: string, required: true}}
tools:
  nap:
    action: python
    handler: nap_tools:nap
    read_only: true
    description: Use this to wait a moment.
    parameters: {{seconds: {{type: number, required: true, description: How long to wait.}}}}
    returns: {{text: {{type: string, required: true}}}}
"""
NAP_TOOLS = '''\
"""The nap tool: it waits, then says so."""

import asyncio


async def nap(arguments, context):
    await asyncio.sleep(arguments["seconds"])
    return {"text": "rested"}
'''


@pytest.fixture(params=["mcpgen", "generated"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def start(serve: type[Served], kind: str, folder: Path, *flags: str, spec: Path = KANBAN) -> Served:
    """`mcpgen serve` of `spec` with `flags`, or the project generated from it into `folder` (fresh from runtime/)."""
    database = str(folder / "served.db")
    if kind == "mcpgen":
        return serve(spec, {"KANBAN_DB": database}, *flags)
    generate(load_spec(spec, env={"KANBAN_DB": database}), folder / "project", force=True)
    extra = ("--database", database) if spec == KANBAN else ()
    return serve(spec, {}, *extra, *flags, project=folder / "project")


def session(url: str, headers: dict[str, str] | None = None) -> dict[str, str]:
    """The headers of a new handshake-era session's requests (`headers` among them), once it is opened."""
    given = {**MCP_HEADERS, **(headers or {})}
    opened = httpx2.post(url, json=INITIALIZE, headers=given)
    assert opened.status_code == 200, opened.text
    return {**given, "Mcp-Session-Id": opened.headers["mcp-session-id"], "MCP-Protocol-Version": "2025-11-25"}


def request(era: str, base: dict[str, str], identifier: Any, method: str, params: dict[str, Any]) -> dict[str, Any]:
    """httpx2 arguments for one JSON-RPC request: on the session in `base` (legacy), or in a 2026 envelope."""
    headers = dict(base)
    if era == "modern":
        params = {**params, "_meta": ENVELOPE}
        headers |= {"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": method}
        if "name" in params:
            headers["Mcp-Name"] = params["name"]
    message = {"jsonrpc": "2.0", "id": identifier, "method": method, "params": params}
    return {"content": json.dumps(message).encode(), "headers": headers}


def base_headers(era: str, url: str, headers: dict[str, str] | None = None) -> dict[str, str]:
    """What every request of `era` carries: a session's headers (legacy), or just the media types (2026)."""
    return session(url, headers) if era == "legacy" else {**MCP_HEADERS, **(headers or {})}


def too_large(limit: int) -> dict[str, Any]:
    message = f"Payload Too Large: the request body is larger than the server's limit of {limit} bytes (--max-body)"
    return {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": message}}


def local_port(response: httpx2.Response) -> int:
    """The client's port of the connection that carried `response` (the same one: the connection was kept)."""
    return int(response.extensions["network_stream"].get_extra_info("client_addr")[1])


# --- bodies over --max-body --------------------------------------------------------------------------------------


def test_a_body_over_max_body_gets_a_413_and_the_connection_stays_usable(
    serve: type[Served], tmp_path: Path, kind: str
) -> None:
    server = start(serve, kind, tmp_path, "--max-body", "64KB")
    with httpx2.Client(timeout=10) as http:
        for era in ERAS:
            base = base_headers(era, server.url)
            big = request(era, base, 1, "tools/call", {"name": "create_task", "arguments": {"title": "x" * 70_000}})
            refused = http.post(server.url, **big)
            assert (refused.status_code, refused.json()) == (413, too_large(65536)), era
            port = local_port(refused)

            def chunks(content: bytes = big["content"]) -> Iterator[bytes]:
                yield from (content[start : start + 8192] for start in range(0, len(content), 8192))

            chunked = http.post(server.url, content=chunks(), headers=big["headers"])  # no Content-Length: counted
            assert chunked.request.headers["transfer-encoding"] == "chunked"
            assert (chunked.status_code, chunked.json()) == (413, too_large(65536)), era
            listed = http.post(server.url, **request(era, base, 2, "tools/list", {}))
            assert listed.status_code == 200, era
            assert "create_task" in listed.text
            assert local_port(chunked) == local_port(listed) == port  # one keep-alive connection throughout
    assert "Traceback" not in server.stop()


@pytest.mark.parametrize("era", ERAS)
def test_a_declared_length_over_the_default_limit_is_refused_before_the_body_is_sent(
    serve: type[Served], tmp_path: Path, era: str
) -> None:
    server = start(serve, "mcpgen", tmp_path)
    headers = request(era, base_headers(era, server.url), 1, "tools/list", {})["headers"]
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        # A gigabyte announced, not a byte of it sent: the answer cannot wait for the body.
        raw.sendall(f"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {2**30}\r\n{head}\r\n".encode())
        answer = b""
        while b"}}" not in answer:
            received = raw.recv(65536)
            assert received, answer
            answer += received
    status, _, rest = answer.partition(b"\r\n")
    assert status.startswith(b"HTTP/1.1 413")
    assert json.loads(rest.partition(b"\r\n\r\n")[2]) == too_large(4 * 1024 * 1024)


@pytest.mark.parametrize(("given", "limit"), [("1000", 1000), ("512KB", 512 * 1024), ("2mb", 2 * 1024 * 1024)])
def test_max_body_takes_bytes_or_kb_and_mb(given: str, limit: int) -> None:
    assert size(given) == limit


def test_a_max_body_that_is_not_a_size_is_a_usage_error() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "mcpgen", "serve", str(KANBAN), "--max-body", "4GBs"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert run.returncode == 2
    assert "--max-body: expected a number of bytes such as 1048576, 512KB or 4MB, got '4GBs'" in run.stderr


# --- one id, several requests in flight --------------------------------------------------------------------------


async def test_calls_sharing_an_id_in_flight_on_one_session_are_all_answered(
    serve: type[Served], tmp_path: Path, kind: str
) -> None:
    (tmp_path / "nap_tools.py").write_text(NAP_TOOLS)
    spec = tmp_path / "nap.yaml"
    spec.write_text(NAP.format(db=tmp_path / "nap.db"))
    server = start(serve, kind, tmp_path, spec=spec)
    call = {"name": "nap", "arguments": {"seconds": 0.2}}
    async with httpx2.AsyncClient(timeout=20) as http:
        for era in ERAS:
            one = request(era, base_headers(era, server.url), 7, "tools/call", call)
            answers = await asyncio.wait_for(asyncio.gather(*(http.post(server.url, **one) for _ in range(8))), 30)
            assert [answer.status_code for answer in answers] == [200] * 8, era
            for answer in answers:
                body = answer.json()
                assert body["id"] == 7
                assert body["result"]["structuredContent"] == {"text": "rested"}, era


# --- browser origins ---------------------------------------------------------------------------------------------


def test_chatgpt_origins_are_accepted_once_the_server_has_a_public_url(
    serve: type[Served], tmp_path: Path, kind: str
) -> None:
    server = start(serve, kind, tmp_path, "--public-url", PUBLIC)
    public = {"Host": "abc123.ngrok-free.app"}
    for origin in CHATGPT:
        for era in ERAS:
            base = base_headers(era, server.url, {**public, "Origin": origin})
            answered = httpx2.post(server.url, **request(era, base, 2, "tools/list", {}))
            assert answered.status_code == 200, (origin, era)
            assert answered.headers["access-control-allow-origin"] == origin
        preflight = httpx2.options(server.url, headers={**public, **PREFLIGHT, "Origin": origin})
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == origin
    for origin in LOOKALIKES:
        refused = httpx2.post(server.url, json=INITIALIZE, headers={**MCP_HEADERS, **public, "Origin": origin})
        assert refused.status_code == 403, origin
        preflight = httpx2.options(server.url, headers={**public, **PREFLIGHT, "Origin": origin})
        assert "access-control-allow-origin" not in preflight.headers


def test_an_allowed_host_alone_lets_chatgpt_in(serve: type[Served], tmp_path: Path) -> None:
    server = start(serve, "mcpgen", tmp_path, "--allowed-host", "abc123.ngrok-free.app")
    headers = {**MCP_HEADERS, "Host": "abc123.ngrok-free.app", "Origin": "https://chatgpt.com"}
    assert httpx2.post(server.url, json=INITIALIZE, headers=headers).status_code == 200


def test_no_chatgpt_origins_refuses_them_on_a_public_server(serve: type[Served], tmp_path: Path) -> None:
    server = start(serve, "mcpgen", tmp_path, "--public-url", PUBLIC, "--no-chatgpt-origins")
    public = {"Host": "abc123.ngrok-free.app"}
    for origin in CHATGPT:
        refused = httpx2.post(server.url, json=INITIALIZE, headers={**MCP_HEADERS, **public, "Origin": origin})
        assert refused.status_code == 403, origin
        preflight = httpx2.options(server.url, headers={**public, **PREFLIGHT, "Origin": origin})
        assert "access-control-allow-origin" not in preflight.headers
    own = httpx2.post(server.url, json=INITIALIZE, headers={**MCP_HEADERS, **public, "Origin": PUBLIC})
    assert own.status_code == 200  # the tunnel's own origin still is


@pytest.mark.parametrize("era", ERAS)
def test_a_local_server_still_refuses_foreign_origins_chatgpts_too(
    serve: type[Served], tmp_path: Path, era: str
) -> None:
    server = start(serve, "mcpgen", tmp_path)
    base = base_headers(era, server.url)
    for origin in [*CHATGPT, *LOOKALIKES]:
        refused = httpx2.post(server.url, **request(era, {**base, "Origin": origin}, 2, "tools/list", {}))
        assert refused.status_code == 403, origin
    own = {**base, "Origin": f"http://127.0.0.1:{server.port}"}
    assert httpx2.post(server.url, **request(era, own, 3, "tools/list", {})).status_code == 200


def test_an_allowed_origin_passes_the_origin_check_too(serve: type[Served], tmp_path: Path) -> None:
    server = start(serve, "mcpgen", tmp_path, "--allow-origin", "https://debug.example")
    answered = httpx2.post(server.url, json=INITIALIZE, headers={**MCP_HEADERS, "Origin": "https://debug.example"})
    assert answered.status_code == 200
    assert answered.headers["access-control-allow-origin"] == "https://debug.example"
    lookalike = {**MCP_HEADERS, "Origin": "https://debug.example.evil.example"}
    assert httpx2.post(server.url, json=INITIALIZE, headers=lookalike).status_code == 403


# --- what the torture suite found over HTTP ---------------------------------------------------------------------


def test_a_huge_client_name_opens_a_session_with_a_short_id(serve: type[Served], tmp_path: Path, kind: str) -> None:
    server = start(serve, kind, tmp_path)
    huge = {**INITIALIZE, "params": {**INITIALIZE["params"], "clientInfo": {"name": "n" * 100_000, "version": "v"}}}
    opened = httpx2.post(server.url, json=huge, headers=MCP_HEADERS, timeout=10)
    assert opened.status_code == 200, opened.text
    session_id = opened.headers["mcp-session-id"]
    assert len(session_id) < 1000  # a client reads response headers up to some 16 KB, then drops the connection
    headers = {**MCP_HEADERS, "Mcp-Session-Id": session_id, "MCP-Protocol-Version": "2025-11-25"}
    listed = httpx2.post(server.url, **request("legacy", headers, 2, "tools/list", {}))
    assert listed.status_code == 200
    assert "create_task" in listed.text
    assert "Traceback" not in server.stop()


def test_arguments_a_thousand_deep_are_an_argument_error_in_both_eras(
    serve: type[Served], tmp_path: Path, kind: str
) -> None:
    server = start(serve, kind, tmp_path)
    nested = b"[" * 1000 + b"]" * 1000  # as text: Python's own json module would run out of stack writing it
    for era in ERAS:
        arguments = {"title": "NESTED"}
        call = request(
            era, base_headers(era, server.url), 3, "tools/call", {"name": "create_task", "arguments": arguments}
        )
        content = call["content"].replace(b'"NESTED"', nested)
        answered = httpx2.post(server.url, content=content, headers=call["headers"], timeout=10)
        result = answered.json()["result"]
        assert result["isError"], era
        assert result["content"][0]["text"] == (
            "Invalid arguments for create_task:\n- title: nested deeper than 254 levels; send a flatter value"
        ), era
    assert "Traceback" not in server.stop()
