"""Replicas need no sticky sessions: two `mcpgen serve` on one PostgreSQL database behind a round-robin HAProxy."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from mcp import Client, types

from tests.conftest import INITIALIZE, MCP_HEADERS, POSTGRES_URL, Served, free_port
from tests.scenarios import call, kanban_scenario
from tests.test_cli import mcpgen
from tests.test_postgres import on_postgres

pytestmark = [pytest.mark.anyio, pytest.mark.slow]
HAPROXY = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/usr/local/sbin")
KEY = "a key the replicas share"


class Balanced:
    """Two replicas of the Kanban board on PostgreSQL, and HAProxy in front of them, alternating every request."""

    def __init__(self, serve: type[Served], folder: Path) -> None:
        self.spec = on_postgres(folder)
        self.env = {"DATABASE_URL": POSTGRES_URL, "MCPGEN_SESSION_KEY": KEY}
        self.replicas = [serve(self.spec, self.env), serve(self.spec, self.env)]
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/mcp"
        config = folder / "haproxy.cfg"
        config.write_text(
            "defaults\n  mode http\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n"
            f"frontend mcp\n  bind 127.0.0.1:{self.port}\n  default_backend replicas\n"
            "backend replicas\n  balance roundrobin\n  http-response set-header X-Replica %[srv_name]\n"
            + "".join(f"  server r{n} 127.0.0.1:{replica.port}\n" for n, replica in enumerate(self.replicas))
        )
        assert HAPROXY is not None
        self.log = folder / "haproxy.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen([HAPROXY, "-db", "-f", str(config)], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx2.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).raise_for_status()
                return
            except httpx2.TransportError:
                assert self.process.poll() is None, self.log.read_text()
                assert time.monotonic() < deadline, "HAProxy did not start"
                time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def balanced(serve: type[Served], tmp_path: Path) -> Iterator[Balanced]:
    if HAPROXY is None:
        pytest.skip("needs Debian's haproxy: apt-get install haproxy")
    made = Balanced(serve, tmp_path)
    yield made
    made.stop()


def test_a_session_opened_on_one_replica_is_served_by_the_other(balanced: Balanced) -> None:
    with httpx2.Client(timeout=10) as http:  # one connection: HAProxy still balances each request
        opened = http.post(balanced.url, json=INITIALIZE, headers=MCP_HEADERS)
        session = {
            **MCP_HEADERS,
            "Mcp-Session-Id": opened.headers["mcp-session-id"],
            "MCP-Protocol-Version": "2025-11-25",
        }
        served_by = [opened.headers["x-replica"]]
        for number in range(6):
            body = {"jsonrpc": "2.0", "id": number, "method": "tools/call"}
            body["params"] = {"name": "create_task", "arguments": {"title": f"Task {number}"}}
            answer = http.post(balanced.url, json=body, headers=session)
            assert answer.status_code == 200, answer.text
            assert answer.json()["result"]["isError"] is False
            served_by.append(answer.headers["x-replica"])
    assert all(one != other for one, other in itertools.pairwise(served_by))  # every request elsewhere
    ended = httpx2.delete(balanced.url, headers=session)
    assert ended.status_code == 405  # no replica could tell the others (the specification allows this answer)
    assert ended.headers["allow"] == "GET, POST"


async def test_a_legacy_client_lives_a_whole_board_life_through_the_balancer(balanced: Balanced) -> None:
    async with Client(balanced.url, mode="legacy") as client:
        await kanban_scenario(client)
    async with Client(balanced.url) as modern:
        listed = await call(modern, "list_tasks", order_by="created_at")
    assert [task["title"] for task in listed["items"]] == ["Write docs", "Fix flaky test"]


async def test_chatgpts_listing_is_kept_in_the_database_for_every_replica(balanced: Balanced) -> None:
    info = types.Implementation(name="openai-mcp", version="1.2")
    async with Client(balanced.url, mode="legacy", client_info=info) as chatgpt:
        await chatgpt.list_tools()
    for replica in balanced.replicas:
        assert not list(Path(balanced.spec.parent).glob("**/*.chatgpt.json"))  # not in a replica's data folder
        assert replica.process.poll() is None
    run = mcpgen("diff", str(balanced.spec), "--since-chatgpt", env=balanced.env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No changes since what ChatGPT listed at" in run.stdout
