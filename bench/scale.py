"""How mcpgen's costs grow with a spec's size: validate, start-up, and tools/list, for 10, 100 and 1,000 tools.

Specs are generated: a model per ten tools, each model with the ten action kinds. Every figure is the median
of a few runs, printed as a Markdown table beside the Kanban spec's, with what a linear fit predicts.
Run: `.venv/bin/python bench/scale.py [--sizes 10 100 1000] [--runs 3]`.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx2
import yaml

ROOT = Path(__file__).resolve().parent.parent
KANBAN = ROOT / "specs" / "kanban.yaml"
KINDS = ("list", "get", "create", "update", "delete", "search", "count", "chatgpt_search", "fetch", "board")


def spec_with(tools: int) -> dict[str, Any]:
    """A valid spec with `tools` tools, ten a model."""
    models, entries = {}, {}
    for number in range(max(1, tools // 10)):
        name = f"item{number}"
        models[name] = {
            "description": f"An item of kind {number}.",
            "fields": {
                "id": {"type": "id"},
                "title": {"type": "string", "required": True, "description": "What it is called."},
                "notes": {"type": "text", "description": "Anything worth knowing."},
                "state": {"type": "enum", "values": ["new", "open", "closed"], "default": "new"},
                "size": {"type": "integer", "min": 0, "description": "How big it is."},
            },
        }
        for kind in KINDS[: tools - number * 10]:
            tool: dict[str, Any] = {"action": kind, "model": name, "description": f"Use this to {kind} {name}."}
            if kind in ("search", "chatgpt_search"):
                tool["fields"] = ["title", "notes"]
            if kind in ("chatgpt_search", "fetch"):
                tool["url"] = f"https://items.example/{name}/{{{{ id }}}}"
            if kind == "board":
                tool["group_by"] = "state"
            entries[f"{kind}_{name}"] = tool
    return {"mcpgen": 1, "name": f"scale{tools}", "description": "A generated spec.", "storage": {"backend": "memory"},
            "models": models, "tools": entries}  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def started_and_listed(spec: Path, lists: int) -> tuple[float, float]:
    """Spawn → first tools/list answered (s), then the median time of further tools/list calls (ms)."""
    port = free_port()
    env = {**os.environ, "KANBAN_DB": str(spec.parent / "kanban.db")}
    command = [sys.executable, "-m", "mcpgen", "serve", str(spec), "--port", str(port)]
    started = time.perf_counter()
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/mcp"
    headers = {"Content-Type": "application/json", "Accept": "application/json", "MCP-Protocol-Version": "2026-07-28"}
    meta = {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {}}
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"_meta": meta}}
    try:
        with httpx2.Client(timeout=30) as http:
            while True:
                try:
                    if http.post(url, json=body, headers={**headers, "Mcp-Method": "tools/list"}).status_code == 200:
                        break
                except httpx2.TransportError:
                    time.sleep(0.01)
            start_up = time.perf_counter() - started
            times = []
            for _ in range(lists):
                began = time.perf_counter()
                http.post(url, json=body, headers={**headers, "Mcp-Method": "tools/list"}).raise_for_status()
                times.append(time.perf_counter() - began)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return start_up, statistics.median(times) * 1000


def measure(spec: Path, runs: int) -> dict[str, float]:
    validate = statistics.median(seconds([sys.executable, "-m", "mcpgen", "validate", str(spec)]) for _ in range(runs))
    starts, lists = zip(*(started_and_listed(spec, 20) for _ in range(runs)), strict=True)
    return {"validate s": validate, "start-up s": statistics.median(starts), "tools/list ms": statistics.median(lists)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    rows: dict[str, tuple[int, dict[str, float]]] = {"Kanban (11 tools)": (11, measure(KANBAN, options.runs))}
    with tempfile.TemporaryDirectory(prefix="mcpgen-scale-") as folder:
        for size in options.sizes:
            spec = Path(folder) / f"scale{size}.yaml"
            spec.write_text(yaml.safe_dump(spec_with(size)))
            rows[f"{size} tools"] = (size, measure(spec, options.runs))
    kanban = rows["Kanban (11 tools)"][1]
    smallest, largest = rows[f"{min(options.sizes)} tools"], rows[f"{max(options.sizes)} tools"]
    print("| spec | tools | validate s | start-up s | tools/list ms | start-up per extra tool ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, (size, figures) in rows.items():
        per_tool = "-"
        if size > smallest[0] and name != "Kanban (11 tools)":
            per_tool = f"{(figures['start-up s'] - smallest[1]['start-up s']) / (size - smallest[0]) * 1000:.2f}"
        print(
            f"| {name} | {size} | {figures['validate s']:.3f} | {figures['start-up s']:.3f} "
            f"| {figures['tools/list ms']:.2f} | {per_tool} |"
        )
    slope = (largest[1]["start-up s"] - smallest[1]["start-up s"]) / (largest[0] - smallest[0])
    bound = 2 * kanban["start-up s"] + slope * largest[0]
    print(f"\nlinear part: {slope * 1000:.2f} ms a tool; {max(options.sizes)} tools start in "
          f"{largest[1]['start-up s']:.2f} s, against 2 x Kanban + the linear part = {bound:.2f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
