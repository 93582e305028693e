"""A real `mcpgen serve` process over real HTTP: both protocol eras, restarts, and refusals."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx2
import pytest
from mcp import Client, StdioServerParameters

from mcpgen.spec import load_spec
from tests.conftest import INITIALIZE, KANBAN, MCP_HEADERS, MODES, ROOT, Served
from tests.scenarios import call, kanban_scenario, text

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


@pytest.mark.parametrize("mode", MODES)
async def test_kanban_over_http_survives_a_restart(serve: type[Served], tmp_path: Path, mode: str) -> None:
    env = {"KANBAN_DB": str(tmp_path / "kanban.db")}
    server = serve(KANBAN, env)
    async with Client(server.url, mode=mode) as client:
        assert client.server_info.name == "kanban"
        assert len((await client.list_tools()).tools) == len(load_spec(KANBAN, env={}).spec.tools)
        await kanban_scenario(client)
        bad = await client.call_tool("create_task", {"title": 7})
        assert bad.is_error
        assert "title: expected text, got 7" in text(bad)
    server.stop()

    again = serve(KANBAN, env)
    async with Client(again.url, mode=mode) as client:
        listed = await call(client, "list_tasks", order_by="created_at")
        assert [(t["title"], t["status"]) for t in listed["items"]] == [
            ("Write docs", "in_progress"),
            ("Fix flaky test", "todo"),
        ]


async def test_both_eras_share_one_server(serve: type[Served], tmp_path: Path) -> None:
    server = serve(KANBAN, {"KANBAN_DB": str(tmp_path / "kanban.db")})
    async with Client(server.url, mode="legacy") as old, Client(server.url) as new:
        assert old.protocol_version != new.protocol_version
        await call(old, "create_task", title="From the handshake era")
        found = await call(new, "search_tasks", query="handshake")
        assert [t["title"] for t in found["items"]] == ["From the handshake era"]


async def test_healthz_and_dns_rebinding_protection(serve: type[Served], tmp_path: Path) -> None:
    server = serve(KANBAN, {"KANBAN_DB": str(tmp_path / "kanban.db")}, "--allowed-host", "abc123.ngrok-free.app")
    base = f"http://127.0.0.1:{server.port}"
    health = httpx2.get(f"{base}/healthz").json()
    assert health == {
        "status": "ok",
        "name": "kanban",
        "version": "1.0.0",
        "tools": len(load_spec(KANBAN, env={}).spec.tools),
    }
    refused = httpx2.post(f"{base}/mcp", json=INITIALIZE, headers={**MCP_HEADERS, "Host": "evil.example"})
    assert refused.status_code == 421
    tunnel = httpx2.post(f"{base}/mcp", json=INITIALIZE, headers={**MCP_HEADERS, "Host": "abc123.ngrok-free.app"})
    assert tunnel.status_code == 200
    assert '"name":"kanban"' in tunnel.text


def test_serve_prints_what_to_paste_into_chatgpt(serve: type[Served], tmp_path: Path) -> None:
    server = serve(KANBAN, {"KANBAN_DB": str(tmp_path / "kanban.db")})
    output = server.output()
    assert f"at http://127.0.0.1:{server.port}/mcp" in output
    assert "Name:        Kanban board" in output
    assert "Description: Track work on a Kanban board" in output
    assert f"ngrok http {server.port}" in output  # the port it serves on, in both commands
    assert f"mcpgen serve {KANBAN} --port {server.port} --public-url https://<the tunnel's host>" in output


def test_a_bad_spec_never_starts(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("mcpgen: 1\nname: bad\ndescription: x\nmodels: {}\ntools:\n  t: {action: get, model: nope}\n")
    run = subprocess.run(
        [sys.executable, "-m", "mcpgen", "serve", str(spec), "--port", "1"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert run.returncode == 1
    assert f"{spec}:6:" in run.stdout
    assert "unknown model 'nope'" in run.stdout
    assert "Traceback" not in run.stderr


async def test_stdio_transport(tmp_path: Path) -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "mcpgen", "serve", str(KANBAN), "--transport", "stdio"],
        env={"KANBAN_DB": str(tmp_path / "kanban.db"), "PATH": "/usr/bin:/bin"},
    )
    async with Client(params, mode="legacy") as client:
        created = await call(client, "create_task", title="Over stdio")
        assert created["id"] == 1
        assert (await call(client, "board_summary"))["total"] == 1


@pytest.mark.parametrize("kind", ["mcpgen", "generated"])
def test_a_public_url_is_accepted_printed_and_other_hosts_still_refused(
    serve: type[Served], tmp_path: Path, kind: str
) -> None:
    db = str(tmp_path / "kanban.db")
    if kind == "mcpgen":
        server = serve(KANBAN, {"KANBAN_DB": db, "MCPGEN_PUBLIC_URL": "https://abc123.ngrok-free.app"})
    else:  # generated/kanban's own server, with its own flag
        flags = ("--public-url", "https://abc123.ngrok-free.app", "--database", db)
        server = serve(KANBAN, {}, *flags, project=ROOT / "generated" / "kanban")
    url = f"http://127.0.0.1:{server.port}/mcp"
    public = {**MCP_HEADERS, "Host": "abc123.ngrok-free.app", "Origin": "https://abc123.ngrok-free.app"}
    assert httpx2.post(url, json=INITIALIZE, headers=public).status_code == 200
    assert httpx2.post(url, json=INITIALIZE, headers={**MCP_HEADERS, "Host": "other.ngrok-free.app"}).status_code == 421
    wrong_origin = {**public, "Origin": "https://evil.example"}
    assert httpx2.post(url, json=INITIALIZE, headers=wrong_origin).status_code == 403
    assert "https://abc123.ngrok-free.app/mcp" in server.output()  # the URL to paste into ChatGPT


def test_cors_lets_mcp_inspectors_web_ui_in_and_no_other_origin(serve: type[Served], tmp_path: Path) -> None:
    server = serve(KANBAN, {"KANBAN_DB": str(tmp_path / "kanban.db")}, "--allow-origin", "https://debug.example")
    url = f"http://127.0.0.1:{server.port}/mcp"
    ask = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,mcp-session-id"}
    for origin in ("http://localhost:6274", "https://debug.example"):
        allowed = httpx2.options(url, headers={**ask, "Origin": origin})
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == origin
    refused = httpx2.options(url, headers={**ask, "Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in refused.headers
    answered = httpx2.post(url, json=INITIALIZE, headers={**MCP_HEADERS, "Origin": "http://localhost:6274"})
    assert answered.headers["access-control-allow-origin"] == "http://localhost:6274"
    assert "mcp-session-id" in answered.headers["access-control-expose-headers"].lower()


def test_a_sessions_get_stream_ends_when_the_session_is_deleted(serve: type[Served], tmp_path: Path) -> None:
    server = serve(KANBAN, {"KANBAN_DB": str(tmp_path / "kanban.db")})
    with httpx2.Client(timeout=5) as http:
        opened = http.post(server.url, json=INITIALIZE, headers=MCP_HEADERS)
        session = {"Mcp-Session-Id": opened.headers["mcp-session-id"], "MCP-Protocol-Version": "2025-11-25"}
        with http.stream("GET", server.url, headers={"Accept": "text/event-stream", **session}) as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"] == "text/event-stream"
            assert httpx2.delete(server.url, headers=session).status_code == 200
            assert list(stream.iter_bytes()) in ([], [b""])  # it ended (well within the read timeout)
        gone = http.post(
            server.url, json={"jsonrpc": "2.0", "id": 2, "method": "ping"}, headers={**MCP_HEADERS, **session}
        )
        assert gone.status_code == 404
