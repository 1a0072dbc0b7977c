"""The Prometheus series (names from the operations spec), on the default registry."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter(
    "schema_registry_requests_total", "HTTP requests answered.", ["method", "endpoint", "status"]
)
REQUEST_DURATION = Histogram(
    "schema_registry_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["method", "endpoint"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
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
CACHE_HITS = Counter("schema_registry_cache_hits_total", "Reads answered from memory.", ["cache"])
CACHE_MISSES = Counter(
    "schema_registry_cache_misses_total", "Reads that had to go to storage.", ["cache"]
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

# The hot read is counted with pre-bound children: no label lookup per request.
HOT_PATH_OK = REQUESTS.labels("GET", "/schemas/ids/{id}", "200")
HOT_PATH_NOT_MODIFIED = REQUESTS.labels("GET", "/schemas/ids/{id}", "304")
HOT_PATH_DURATION = REQUEST_DURATION.labels("GET", "/schemas/ids/{id}")
BODY_CACHE_HITS = CACHE_HITS.labels("schema_bodies")
BODY_CACHE_MISSES = CACHE_MISSES.labels("schema_bodies")
