"""`mcpgen dev`'s console at /_dev, in a real `mcpgen dev` process: in headless Chromium, and refused from elsewhere."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx2
import pytest

from mcpgen.dev.console.app import Console
from mcpgen.dev.live import LiveServer
from mcpgen.spec import load_spec
from tests.conftest import INITIALIZE, MCP_HEADERS, Served, copy_kanban
from tests.test_cli import mcpgen
from tests.test_preview import ARTIFACTS, CHROMIUM, FLAGS

OLD = "Use this when the user asks to add a new task to the board."
NEW = "Use this when the user asks to put a new card on the board."


@pytest.fixture
def dev(serve: type[Served], tmp_path: Path) -> tuple[Served, Path]:
    """`mcpgen dev` of a Kanban board locked as it is, its database in a folder of its own."""
    spec = copy_kanban(tmp_path)
    assert mcpgen("lock", str(spec)).returncode == 0
    return serve(spec, {"KANBAN_DB": str(tmp_path / "data" / "kanban.db")}, verb="dev"), spec


def origin(served: Served) -> str:
    return f"http://127.0.0.1:{served.port}"


def list_as_chatgpt(served: Served) -> None:
    """ChatGPT's handshake and tools/list over real HTTP, which the server records as ChatGPT's listing."""
    hello = {**INITIALIZE, "params": {**INITIALIZE["params"], "clientInfo": {"name": "openai-mcp", "version": "1"}}}  # type: ignore[dict-item]
    with httpx2.Client(timeout=10) as http:
        answer = http.post(served.url, json=hello, headers=MCP_HEADERS)
        session = {**MCP_HEADERS, "Mcp-Session-Id": answer.headers["mcp-session-id"]}
        http.post(served.url, json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=session)
        listed = http.post(served.url, json={"jsonrpc": "2.0", "id": 2, "method": "tools/list"}, headers=session)
        assert listed.status_code == 200, listed.text


def test_the_state_shows_each_tool_as_a_client_sees_it_with_its_lint_and_the_diffs(
    dev: tuple[Served, Path],
) -> None:
    served, spec = dev
    state = httpx2.get(origin(served) + "/_dev/api/state").json()
    tools = {tool["name"]: tool for tool in state["tools"]}
    listed = json.loads(mcpgen("tools", str(spec), "--json").stdout)["tools"]
    assert [tool["definition"] for tool in state["tools"]] == listed  # exactly the client view
    assert tools["list_tasks"]["confirmation"] == "read-only"
    assert tools["delete_task"]["confirmation"] == "write, destructive: asks for confirmation"
    assert tools["show_board"]["widget"] == listed[-1]["_meta"]["ui"]["resourceUri"]
    assert state["diff"]["lock"]["changes"] == []
    assert "ChatGPT has not listed the tools yet" in state["diff"]["chatgpt"]["problem"]
    assert state["problems"] == []

    answer = httpx2.post(origin(served) + "/_dev/api/call", json={"name": "create_task", "arguments": {"title": ""}})
    assert answer.json()["status"] == "tool error"
    assert "title" in answer.json()["result"]["content"][0]["text"]


def test_a_lint_finding_is_shown_beside_the_tool_it_concerns(serve: type[Served], tmp_path: Path) -> None:
    spec = copy_kanban(tmp_path)
    spec.write_text(spec.read_text().replace(OLD, "Adds a task"))  # no "Use this when"
    served = serve(spec, {"KANBAN_DB": str(tmp_path / "data" / "kanban.db")}, verb="dev")
    tools = {tool["name"]: tool for tool in httpx2.get(origin(served) + "/_dev/api/state").json()["tools"]}
    assert [finding["rule"] for finding in tools["create_task"]["findings"]] == ["when-to-use"]
    assert tools["list_tasks"]["findings"] == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "abc123.ngrok-free.app"},  # through a tunnel
        {"Origin": "http://evil.example"},  # another site's page on this machine
        {"Origin": "http://127.0.0.1:1"},  # another local server's page
    ],
)
def test_the_console_is_not_there_through_a_tunnel_or_for_another_sites_page(
    dev: tuple[Served, Path], headers: dict[str, str]
) -> None:
    served, spec = dev
    before = (spec.with_suffix(".lock.json")).read_text()
    for method, path in [("GET", "/_dev/"), ("GET", "/_dev/api/state"), ("POST", "/_dev/api/refreshed")]:
        assert httpx2.request(method, origin(served) + path, headers=headers).status_code == 404
    assert (spec.with_suffix(".lock.json")).read_text() == before


@pytest.mark.anyio
async def test_the_console_is_not_there_for_another_machine(tmp_path: Path) -> None:
    """Served on all interfaces (`--host 0.0.0.0`), a peer that is not this machine gets 404."""
    server = LiveServer(load_spec(copy_kanban(tmp_path), env={"KANBAN_DB": str(tmp_path / "kanban.db")}))

    async def connector(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("the console's routes are not the connector's")

    app = Console(server, connector)
    for peer, status in [("203.0.113.7", 404), ("127.0.0.1", 200)]:
        transport = httpx2.ASGITransport(app=app, client=(peer, 50000))
        async with httpx2.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
            assert (await client.get("/_dev/")).status_code == status


def test_mcpgen_serve_has_no_console_and_dev_has_no_stdio(serve: type[Served], tmp_path: Path) -> None:
    spec = copy_kanban(tmp_path)
    served = serve(spec, {"KANBAN_DB": str(tmp_path / "data" / "kanban.db")})
    assert httpx2.get(origin(served) + "/_dev/").status_code == 404
    refused = mcpgen("dev", str(spec), "--transport", "stdio")
    assert refused.returncode == 2
    assert "mcpgen dev serves over HTTP" in refused.stderr


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")
def test_in_chromium_an_edit_on_disk_shows_within_two_seconds_and_a_tool_is_called_from_the_form(
    dev: tuple[Served, Path],
) -> None:
    from playwright.sync_api import expect, sync_playwright  # noqa: PLC0415  (only where Chromium is installed)

    served, spec = dev
    list_as_chatgpt(served)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(origin(served) + "/_dev/")
        create = page.locator('article[data-tool="create_task"]')
        expect(create.locator(".description")).to_contain_text(OLD)
        expect(page.locator("#live")).to_have_text("live")
        expect(page.locator("#diff-chatgpt .changes")).to_contain_text("Nothing changed since ChatGPT last listed")
        page.screenshot(path=str(ARTIFACTS / "console.png"), full_page=True)

        spec.write_text(spec.read_text().replace(OLD, NEW))
        edited = time.monotonic()
        expect(create.locator(".description")).to_contain_text(NEW, timeout=2000)
        expect(page.locator("#diff-lock .changes")).to_contain_text("create_task.description", timeout=2000)
        expect(page.locator("#diff-chatgpt .changes")).to_contain_text("create_task.description", timeout=2000)
        print(f"the console showed the edit and its diff {time.monotonic() - edited:.2f} s after it was written")
        page.screenshot(path=str(ARTIFACTS / "console-edited.png"), full_page=True)

        create.get_by_label("Arguments for create_task").fill('{"title": "From the console", "status": "done"}')
        create.get_by_role("button", name="Call create_task").click()
        expect(create.get_by_role("status")).to_contain_text("Created task 1")
        expect(create.get_by_role("status")).to_contain_text('"status": "done"')
        expect(create.get_by_role("status")).to_contain_text(" ms")
        row = page.locator("#call-log tr").first
        expect(row).to_contain_text("create_task")
        expect(row).to_contain_text("ok")
        expect(row).to_contain_text("mcpgen dev")
        page.screenshot(path=str(ARTIFACTS / "console-called.png"), full_page=True)

        board = page.locator('article[data-tool="show_board"]')
        board.get_by_role("button", name="Show the widget (calls the tool)").click()
        widget = board.frame_locator("iframe.widget").frame_locator("#widget")
        expect(widget.locator("section.column").nth(2)).to_contain_text("From the console")
        board.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "console-widget.png"), full_page=True)

        page.get_by_role("button", name="Mark as refreshed").click()
        expect(page.locator("#diff-lock .changes")).to_contain_text("Nothing changed since the last Refresh")
        assert NEW in spec.with_suffix(".lock.json").read_text()

        spec.write_text(spec.read_text().replace("name: kanban", "name: [kanban"))
        expect(page.get_by_role("alert")).to_contain_text("kanban.yaml:", timeout=2000)
        expect(create.locator(".description")).to_contain_text(NEW)  # still the last good version
        page.screenshot(path=str(ARTIFACTS / "console-broken.png"), full_page=True)
        spec.write_text(spec.read_text().replace("name: [kanban", "name: kanban"))
        expect(page.get_by_role("alert")).to_be_hidden(timeout=2000)
        browser.close()
    assert "Traceback" not in served.output()
