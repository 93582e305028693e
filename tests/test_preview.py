"""`mcpgen preview` in headless Chromium: the board renders, a card moves and stays moved, on a phone too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from tests.conftest import ROOT, copy_kanban, free_port
from tests.test_cli import mcpgen

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package; CI installs it (see .ci/run)
ARTIFACTS = ROOT / "tests" / "artifacts"  # screenshots, kept out of git
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium"),
]


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[str, Path, dict[str, str]]]:
    """A running `mcpgen preview` of a Kanban board with four tasks."""
    spec = copy_kanban(tmp_path)
    env = {"KANBAN_DB": str(tmp_path / "kanban.db")}
    for title, status in [("Write the docs", "todo"), ("Fix the login", "in_progress"), ("Plan", "done")]:
        assert (
            mcpgen("call", str(spec), "create_task", json.dumps({"title": title, "status": status}), env=env).returncode
            == 0
        )
    mcpgen("call", str(spec), "create_task", json.dumps({"title": "Ship 1.0", "assignee": "Ada"}), env=env)
    port = free_port()
    command = [sys.executable, "-m", "mcpgen", "preview", str(spec), "--port", str(port)]
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx2.get(url, timeout=1)
            break
        except httpx2.TransportError:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "the preview did not start"
            time.sleep(0.1)
    yield url, spec, env
    process.terminate()
    process.wait(timeout=10)
    if process.stderr:
        process.stderr.close()


def columns(frame: object) -> dict[str, list[str]]:
    """Each column's heading with the titles of its cards, as the widget shows them."""
    sections = frame.locator("section.column")  # type: ignore[attr-defined]
    shown = {}
    for index in range(sections.count()):
        section = sections.nth(index)
        shown[section.locator("h2").inner_text()] = section.locator("li.card .title").all_inner_texts()
    return shown


def test_the_board_renders_its_columns_and_a_moved_card_stays_moved(
    preview: tuple[str, Path, dict[str, str]],
) -> None:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415  (only where Chromium is installed)

    url, spec, env = preview
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        page = browser.new_page(viewport={"width": 1000, "height": 800})
        page.goto(url)
        frame = page.frame_locator("#widget")
        frame.locator("section.column").nth(2).wait_for()
        assert columns(frame) == {
            "TODO (2)": ["Write the docs", "Ship 1.0"],
            "IN PROGRESS (1)": ["Fix the login"],
            "DONE (1)": ["Plan"],
        }
        page.screenshot(path=str(ARTIFACTS / "preview-board.png"), full_page=True)

        frame.get_by_label("Move “Write the docs” to another column").select_option("done")
        frame.get_by_role("status").filter(has_text="Moved “Write the docs”").wait_for()
        assert columns(frame)["DONE (2)"] == ["Write the docs", "Plan"]
        page.screenshot(path=str(ARTIFACTS / "preview-board-moved.png"), full_page=True)

        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.goto(url)
        narrow = phone.frame_locator("#widget")
        narrow.locator("section.column").nth(2).wait_for()
        boxes = [narrow.locator("section.column").nth(i).bounding_box() for i in range(3)]
        assert len({round(box["x"]) for box in boxes if box}) == 1  # stacked: one column per row
        assert all(box and box["width"] <= 390 for box in boxes)
        phone.screenshot(path=str(ARTIFACTS / "preview-board-phone.png"), full_page=True)
        browser.close()
    stored = mcpgen("call", str(spec), "get_task", '{"id": 1}', env=env)
    assert json.loads(stored.stdout)["structuredContent"]["status"] == "done"  # persisted, not only drawn
