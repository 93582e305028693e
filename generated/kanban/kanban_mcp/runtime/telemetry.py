"""OpenTelemetry, when asked for: a span per MCP request and per tool call, and MCP's duration metrics.

Nothing here imports OpenTelemetry until a Telemetry is made, which `from_environment` does only when
OTEL_EXPORTER_OTLP_ENDPOINT is set (install the `otel` extra). Spans and metrics follow OpenTelemetry's
semantic conventions for MCP: a SERVER span `tools/call create_task` per request, with `mcp.method.name`,
`gen_ai.tool.name`, `mcp.protocol.version` and `error.type`, continuing the caller's W3C trace context (the
`traceparent` in `params._meta`, else in the HTTP headers); an `execute_tool` span inside it per tool call; and
the histograms `mcp.server.operation.duration` and `mcpgen.tool.duration` (seconds).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from .errors import UsageError

TRACE_KEYS = ("traceparent", "tracestate")


class Telemetry:
    """Spans and metrics through these providers (the global ones when None)."""

    def __init__(self, tracer_provider: Any = None, meter_provider: Any = None) -> None:
        from opentelemetry import metrics, propagate, trace  # noqa: PLC0415 -- only when telemetry is on

        self._trace, self._propagate = trace, propagate
        self.tracer = (tracer_provider or trace.get_tracer_provider()).get_tracer("mcpgen")
        meter = (meter_provider or metrics.get_meter_provider()).get_meter("mcpgen")
        self.operations = meter.create_histogram(
            "mcp.server.operation.duration", unit="s", description="MCP request duration, as the server saw it"
        )
        self.tools = meter.create_histogram("mcpgen.tool.duration", unit="s", description="A tool call's duration")
        self._providers = (tracer_provider, meter_provider)

    @contextmanager
    def request(
        self, method: str, params: Mapping[str, Any], protocol: str, headers: Mapping[str, str]
    ) -> Iterator[Any]:
        """The span of one MCP request (and its duration metric); an exception leaving it is recorded as its error."""
        tool = params.get("name") if method == "tools/call" and isinstance(params.get("name"), str) else None
        meta = params.get("_meta")
        carrier = meta if isinstance(meta, dict) and "traceparent" in meta else headers
        attributes = {"mcp.method.name": method, "mcp.protocol.version": protocol, "network.transport": "tcp"}
        if tool:
            attributes["gen_ai.tool.name"] = tool
        started = time.perf_counter()
        context = self._propagate.extract({key: str(carrier[key]) for key in TRACE_KEYS if key in carrier})
        kind = self._trace.SpanKind.SERVER
        with self.tracer.start_as_current_span(
            f"{method} {tool}" if tool else method, context=context, kind=kind, attributes=attributes
        ) as span:
            try:
                yield span
            except Exception as exc:
                attributes["error.type"] = str(getattr(exc, "code", "")) or type(exc).__name__  # a JSON-RPC code
                span.set_attribute("error.type", attributes["error.type"])
                raise
            finally:
                self.operations.record(time.perf_counter() - started, attributes)

    @contextmanager
    def tool_call(self, name: str) -> Iterator[Callable[[str], None]]:
        """The span of one tool call; call what it yields with the outcome (`ok`, `tool error`, `refused`, …)."""
        attributes = {"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": name}
        started = time.perf_counter()
        with self.tracer.start_as_current_span(f"execute_tool {name}", attributes=attributes) as span:

            def finished(outcome: str) -> None:
                span.set_attribute("mcpgen.outcome", outcome)
                if outcome != "ok":
                    span.set_attribute("error.type", outcome.replace(" ", "_"))
                    span.set_status(self._trace.StatusCode.ERROR, outcome)
                self.tools.record(time.perf_counter() - started, {"gen_ai.tool.name": name, "mcpgen.outcome": outcome})

            yield finished

    def shutdown(self) -> None:
        """Sends what is still buffered (through the providers it was given), once."""
        providers, self._providers = self._providers, (None, None)
        for provider in providers:
            if provider is not None:
                provider.shutdown()


def from_environment(service: str) -> Telemetry | None:
    """OTLP export of spans and metrics when OTEL_EXPORTER_OTLP_ENDPOINT is set (the other OTEL_* variables apply)."""
    if not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return None
    try:
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter  # noqa: PLC0415
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter  # noqa: PLC0415
        from opentelemetry.sdk.metrics import MeterProvider  # noqa: PLC0415
        from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader  # noqa: PLC0415
        from opentelemetry.sdk.resources import Resource  # noqa: PLC0415
        from opentelemetry.sdk.trace import TracerProvider  # noqa: PLC0415
        from opentelemetry.sdk.trace.export import BatchSpanProcessor  # noqa: PLC0415
    except ImportError:
        raise UsageError(
            "OTEL_EXPORTER_OTLP_ENDPOINT is set, but OpenTelemetry is not installed: install the otel extra"
            " (pip install 'mcpgen[otel]', or the project's own [otel])"
        ) from None
    resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", service)})
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    meter_provider = MeterProvider(
        resource=resource, metric_readers=[PeriodicExportingMetricReader(OTLPMetricExporter())]
    )
    return Telemetry(tracer_provider, meter_provider)


def trace_headers(scope: Mapping[str, Any]) -> dict[str, str]:
    """The W3C trace context headers of an ASGI request."""
    return {
        name.decode("latin-1"): value.decode("latin-1")
        for name, value in scope.get("headers", ())
        if name in (b"traceparent", b"tracestate")
    }
