"""The Prometheus series (names from the operations spec), on the default registry."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class RequestStats(Collector):
    """`schema_registry_requests_total` and `_request_duration_seconds`, kept as plain ints.

    Every request, the hot read included, records here; prometheus_client's own metrics take
    a lock per update, which costs the hot path about a tenth of its throughput. A worker is
    one event loop (one thread), so plain updates are safe; the registry turns them into the
    usual series when scraped.
    """

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str, str], int] = {}
        self.latency: dict[tuple[str, str], list[float]] = {}  # bucket counts..., sum

    def record(self, method: str, endpoint: str, status: int, seconds: float) -> None:
        key = (method, endpoint, str(status))
        self.counts[key] = self.counts.get(key, 0) + 1
        series = self.latency.get((method, endpoint))
        if series is None:
            series = self.latency[(method, endpoint)] = [0.0] * (len(BUCKETS) + 2)
        series[bisect_left(BUCKETS, seconds)] += 1
        series[-1] += seconds

    def collect(self) -> Iterator[Metric]:
        requests = CounterMetricFamily(
            "schema_registry_requests_total",
            "HTTP requests answered.",
            labels=["method", "endpoint", "status"],
        )
        for labels, count in list(self.counts.items()):
            requests.add_metric(list(labels), count)
        yield requests
        duration = HistogramMetricFamily(
            "schema_registry_request_duration_seconds",
            "Time to answer an HTTP request.",
            labels=["method", "endpoint"],
        )
        for route, series in list(self.latency.items()):
            cumulative, buckets = 0.0, []
            for bound, observed in zip((*BUCKETS, float("inf")), series[:-1], strict=True):
                cumulative += observed
                buckets.append(("+Inf" if bound == float("inf") else repr(bound), cumulative))
            duration.add_metric(list(route), buckets, series[-1])
        yield duration


REQUEST_STATS = RequestStats()
REGISTRY.register(REQUEST_STATS)


class CacheStats(Collector):
    """`schema_registry_cache_hits_total` / `_misses_total{cache}`, as plain ints (see above)."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        self.misses: dict[str, int] = {}

    def hit(self, cache: str) -> None:
        self.hits[cache] = self.hits.get(cache, 0) + 1

    def miss(self, cache: str) -> None:
        self.misses[cache] = self.misses.get(cache, 0) + 1

    def collect(self) -> Iterator[Metric]:
        for name, text, counts in (
            ("schema_registry_cache_hits_total", "Reads answered from memory.", self.hits),
            ("schema_registry_cache_misses_total", "Reads that went to storage.", self.misses),
        ):
            family = CounterMetricFamily(name, text, labels=["cache"])
            for cache, count in list(counts.items()):
                family.add_metric([cache], count)
            yield family


CACHES = CacheStats()
REGISTRY.register(CACHES)
BODY_CACHE_BYTES = Gauge(
    "schema_registry_body_cache_bytes",
    "Bytes held by the pre-encoded schema-body cache (bounded by "
    "REGISTRY_SCHEMA_BODY_CACHE_BYTES).",
)
BODY_CACHE_ENTRIES = Gauge(
    "schema_registry_body_cache_entries",
    "Schemas held by the pre-encoded schema-body cache (read by clients or loaded by the "
    "warm-up after start, REGISTRY_WARM_SCHEMA_CACHE).",
)
BODY_CACHE_WARMUP = Gauge(
    "schema_registry_body_cache_warmup_running",
    "1 while the warm-up after start is loading schemas into the body cache, else 0.",
)
BODY_CACHE_EVICTIONS = Counter(
    "schema_registry_body_cache_evictions_total",
    "Schema bodies dropped from the pre-encoded cache to stay within its bound.",
)
SCHEMAS = Gauge(
    "schema_registry_schemas_total", "Stored subject versions.", ["schema_type", "state"]
)
REGISTRATIONS = Counter(
    "schema_registry_schema_registrations_total", "Registration attempts.", ["status"]
)
COMPATIBILITY_CHECKS = Counter(
    "schema_registry_compatibility_checks_total", "Compatibility checks run.", ["result"]
)

VALIDATION_DURATION = Histogram(
    "schema_registry_validation_duration_seconds", "Time to validate data.", ["schema_type"]
)
STORAGE_ERRORS = Counter(
    "schema_registry_storage_operation_errors_total", "Failed storage operations.", ["operation"]
)
STORAGE_UP = Gauge(
    "schema_registry_storage_connection_status", "1 while storage is reachable, else 0."
)
RULE_FAILURES = Counter(
    "schema_registry_rule_failures_total",
    "Data-contract rule failures.",
    ["subject", "rule", "level"],
)
