"""OpenTelemetry tracing, on when configured (`REGISTRY_OTLP_ENDPOINT`).

Without configuration the API's no-op tracer is used: spans cost next to nothing.
"""

from __future__ import annotations

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

from llm_schema_registry import __version__

tracer = trace.get_tracer("llm_schema_registry", __version__)
_enabled = False


def tracing_enabled() -> bool:
    return _enabled


def configure_tracing(
    endpoint: str | None, exporter: SpanExporter | None = None
) -> TracerProvider | None:
    """Install a tracer provider exporting over OTLP/HTTP to `endpoint` (or to `exporter`)."""
    if endpoint is None and exporter is None:
        return None
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces")  # type: ignore[union-attr]
    provider = TracerProvider(
        resource=Resource.create(
            {"service.name": "llm-schema-registry", "service.version": __version__}
        )
    )
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    global _enabled
    _enabled = True
    return provider
