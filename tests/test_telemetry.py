"""OpenTelemetry: spans and metrics per request and per tool call, in memory and exported over OTLP by real servers."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from mcpgen.dev.live import LiveServer
from mcpgen.runtime.http import http_app
from mcpgen.runtime.telemetry import Telemetry
from mcpgen.spec import load_spec
from tests.conftest import Served
from tests.test_call_log import pantry, project

pytestmark = pytest.mark.anyio

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
OTHER_TRACE = "0af7651916cd43dd8448eb211c80319c"


async def test_spans_and_metrics_for_a_session_of_calls_in_both_eras(tmp_path: Path) -> None:
    spans, reader = InMemorySpanExporter(), InMemoryMetricReader()
    tracing = TracerProvider()
    tracing.add_span_processor(SimpleSpanProcessor(spans))
    server = LiveServer(load_spec(pantry(tmp_path)))
    server.telemetry = Telemetry(tracing, MeterProvider(metric_readers=[reader]))
    transport = httpx2.ASGITransport(app=http_app(server))
    headers = {"traceparent": PARENT}
    async with (
        server.running(),
        httpx2.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000", headers=headers) as http,
        Client(streamable_http_client("http://127.0.0.1:8000/mcp", http_client=http), mode="legacy") as old,
        Client(streamable_http_client("http://127.0.0.1:8000/mcp", http_client=http)) as new,
    ):
        assert not (await old.call_tool("add_item", {"name": "rice", "grams": 500})).is_error
        assert (await new.call_tool("get_item", {"id": 99})).is_error
        meta = {"traceparent": f"00-{OTHER_TRACE}-b7ad6b7169203331-01"}  # _meta wins over the header
        assert not (await new.call_tool("get_item", {"id": 1}, meta=meta)).is_error  # type: ignore[arg-type]

    finished = spans.get_finished_spans()
    requests = [s for s in finished if s.name.startswith("tools/call")]
    assert [s.name for s in requests] == ["tools/call add_item", "tools/call get_item", "tools/call get_item"]
    assert [(s.attributes or {})["mcp.protocol.version"] for s in requests] == ["2025-11-25", *["2026-07-28"] * 2]
    assert [format(s.context.trace_id, "032x") for s in requests] == [TRACE_ID, TRACE_ID, OTHER_TRACE]
    assert all(str(s.kind) == "SpanKind.SERVER" for s in requests)
    tools = [s for s in finished if s.name.startswith("execute_tool")]
    assert [(s.name, (s.attributes or {})["mcpgen.outcome"]) for s in tools] == [
        ("execute_tool add_item", "ok"),
        ("execute_tool get_item", "tool error"),
        ("execute_tool get_item", "ok"),
    ]
    assert [s.parent.span_id if s.parent else None for s in tools] == [s.context.span_id for s in requests]
    assert (tools[1].attributes or {})["error.type"] == "tool_error"

    metrics = {
        metric.name: metric
        for resource in (reader.get_metrics_data() or Any).resource_metrics  # type: ignore[union-attr]
        for scope in resource.scope_metrics
        for metric in scope.metrics
    }
    operations = metrics["mcp.server.operation.duration"]
    assert operations.unit == "s"
    calls = [p for p in operations.data.data_points if p.attributes.get("mcp.method.name") == "tools/call"]
    assert sum(p.count for p in calls) == 3
    outcomes = {
        (p.attributes["gen_ai.tool.name"], p.attributes["mcpgen.outcome"]): p.count
        for p in metrics["mcpgen.tool.duration"].data.data_points
    }
    assert outcomes == {("add_item", "ok"): 1, ("get_item", "tool error"): 1, ("get_item", "ok"): 1}


class Collector(http.server.ThreadingHTTPServer):
    """A real OTLP/HTTP endpoint: it keeps the spans servers export to it."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Receive)
        self.spans: list[tuple[str, str]] = []  # (service.name, span name)
        self.metrics = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Receive(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        collector = self.server
        assert isinstance(collector, Collector)
        if self.path == "/v1/traces":
            request = ExportTraceServiceRequest.FromString(body)
            for resource in request.resource_spans:
                service = next(a.value.string_value for a in resource.resource.attributes if a.key == "service.name")
                collector.spans += [(service, span.name) for scope in resource.scope_spans for span in scope.spans]
        elif self.path == "/v1/metrics":
            collector.metrics += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def collector() -> Iterator[Collector]:
    server = Collector()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("kind", ["mcpgen", "generated"])
async def test_a_real_server_exports_over_otlp_when_the_endpoint_is_set(
    serve: type[Served], tmp_path: Path, collector: Collector, kind: str
) -> None:
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": collector.url, "OTEL_BSP_SCHEDULE_DELAY": "50"}
    server = serve(pantry(tmp_path), env, project=project(tmp_path, kind))
    async with Client(server.url, mode="legacy") as client:
        await client.call_tool("add_item", {"name": "rice"})
    output = server.stop()  # shutting down sends what is still buffered
    assert ("pantry", "tools/call add_item") in collector.spans, output
    assert ("pantry", "execute_tool add_item") in collector.spans
    assert collector.metrics >= 1


async def test_without_the_endpoint_nothing_is_exported_and_otel_is_not_imported(tmp_path: Path) -> None:
    probe = (
        "import sys; from mcpgen.cli import main; from mcpgen.dev.live import LiveServer; from mcpgen.spec import"
        f" load_spec; LiveServer(load_spec({str(pantry(tmp_path))!r}));"
        " print(any(name.startswith('opentelemetry') for name in sys.modules))"
    )
    env = {"PATH": "/usr/bin:/bin"}
    ran = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert ran.stdout.strip() == "False"
