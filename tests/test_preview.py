"""`mcpgen preview` in headless Chromium: the board renders, a card moves and stays moved, the frame fits the board."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx2
import pytest

from tests.conftest import ROOT, copy_kanban, free_port
from tests.test_cli import mcpgen

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

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

        browser.close()
    stored = mcpgen("call", str(spec), "get_task", '{"id": 1}', env=env)
    assert json.loads(stored.stdout)["structuredContent"]["status"] == "done"  # persisted, not only drawn


@pytest.fixture
def browser() -> Iterator[Browser]:
    """Headless Chromium, closed after the test."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415  (only where Chromium is installed)

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


def heights(page: Page) -> dict[str, float]:
    """The frame's inner height; the widget's content height; its document's scroll and client heights."""
    frame = page.locator("#widget").evaluate("frame => frame.clientHeight")
    widget = page.main_frame.child_frames[0].evaluate(
        """() => {
            const html = document.documentElement;
            return [html.getBoundingClientRect().height, html.scrollHeight, html.clientHeight];
        }"""
    )
    return {"frame": frame, "content": widget[0], "scroll": widget[1], "client": widget[2]}


def settled(page: Page) -> dict[str, float]:
    """The heights once the frame has matched the content for two readings in a row (or the last after 5 s)."""
    deadline = time.monotonic() + 5
    previous: dict[str, float] = {}
    while True:
        now = heights(page)
        if (now == previous and abs(now["frame"] - now["content"]) <= 2) or time.monotonic() > deadline:
            return now
        previous = now
        time.sleep(0.1)


def create(url: str, title: str, status: str) -> None:
    """A real `create_task` call, through the preview host's own /call."""
    answer = httpx2.post(url + "call", json={"name": "create_task", "arguments": {"title": title, "status": status}})
    assert answer.json().get("isError") is not True, answer.text


@pytest.mark.parametrize(("viewport", "query"), [(390, ""), (1000, ""), (1000, "?width=390")])
def test_the_frame_takes_the_height_of_the_whole_board(
    preview: tuple[str, Path, dict[str, str]], browser: Browser, viewport: int, query: str
) -> None:
    url, _, _ = preview
    page = browser.new_page(viewport={"width": viewport, "height": 844})
    page.goto(url + query)
    frame = page.frame_locator("#widget")
    frame.locator("section.column").nth(2).wait_for()
    before = settled(page)

    for title, status in [("Buy milk", "todo"), ("Review the PR", "in_progress"), ("Tag 0.9", "done")]:
        create(url, title, status)
    frame.get_by_label("Move “Plan” to another column").select_option("todo")  # the widget redraws from show_board
    frame.get_by_role("status").filter(has_text="Moved “Plan”").wait_for()
    assert [len(cards) for cards in columns(frame).values()] == [4, 2, 1]
    after = settled(page)

    assert abs(after["frame"] - after["content"]) <= 2
    assert after["frame"] > before["frame"]  # it grew with the board, not only once at load
    assert after["scroll"] <= after["client"]  # no scrollbar inside the frame
    box = page.locator("#widget").bounding_box()
    assert box
    sections = frame.locator("section.column")
    for index in range(3):
        heading = sections.nth(index).locator("h2").bounding_box()
        assert heading
        assert box["y"] <= heading["y"]
        assert heading["y"] + heading["height"] <= box["y"] + box["height"]
    if query or viewport == 390:
        lefts = {round(section["x"]) for section in (sections.nth(i).bounding_box() for i in range(3)) if section}
        assert len(lefts) == 1  # stacked: one column per row
        assert box["width"] <= 390
    name = "preview-390.png" if viewport == 390 else "preview-1000-width-390.png" if query else "preview-1000.png"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_under_window_openai_the_widget_reports_its_height_with_notify_intrinsic_height(
    preview: tuple[str, Path, dict[str, str]], browser: Browser
) -> None:
    url, _, _ = preview
    board = httpx2.post(url + "call", json={"name": "show_board", "arguments": {}}).json()["structuredContent"]
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.add_init_script(
        "window.reported = [];"
        f"window.openai = {{toolOutput: {json.dumps(board)}, notifyIntrinsicHeight: (h) => window.reported.push(h)}};"
    )
    page.goto(url + "widget/show_board")  # the widget alone, as the legacy host's frame would hold it
    page.locator("section.column").nth(2).wait_for()
    page.wait_for_function("window.reported.length > 0")
    content = page.evaluate("document.documentElement.getBoundingClientRect().height")
    reported = page.evaluate("window.reported")
    assert all(isinstance(height, int) for height in reported)
    assert abs(reported[-1] - content) <= 2


def test_a_width_that_is_not_a_pixel_count_is_refused(preview: tuple[str, Path, dict[str, str]]) -> None:
    url, _, _ = preview
    answer = httpx2.get(url + "?width=wide")
    assert answer.status_code == 400
    assert "width must be a whole number of pixels from 240 to 4000" in answer.text
