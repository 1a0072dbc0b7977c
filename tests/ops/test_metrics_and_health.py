"""`/metrics` moves with traffic; probes answer; request ids and JSON logs."""

from __future__ import annotations

import json

import httpx

from support import ServerProcess, sample

AVRO_V1 = json.dumps({"type": "record", "name": "M", "fields": [{"name": "a", "type": "int"}]})
AVRO_BREAKING = json.dumps(
    {
        "type": "record",
        "name": "M",
        "fields": [{"name": "a", "type": "int"}, {"name": "b", "type": "string"}],
    }
)


async def test_named_series_move_after_traffic(client: httpx.AsyncClient) -> None:
    before = (await client.get("/metrics")).text
    schema_id = (await client.post("/subjects/m/versions", json={"schema": AVRO_V1})).json()["id"]
    await client.post("/subjects/m/versions", json={"schema": AVRO_BREAKING})
    await client.post("/subjects/m/versions", json={"schema": "{not json"})
    for _ in range(3):
        await client.get(f"/schemas/ids/{schema_id}")
    await client.get("/subjects/m/versions/latest")
    await client.get("/subjects/m/versions/latest")
    await client.get("/subjects/nobody/versions")
    rules = {
        "domainRules": [
            {
                "name": "positive",
                "kind": "CONDITION",
                "type": "CEL",
                "expr": "message.n > 0",
                "params": {"level": "MONITOR"},
            }
        ]
    }
    contract = {"schema": json.dumps({"type": "object"}), "schemaType": "JSON", "ruleSet": rules}
    await client.post("/subjects/metered/versions", json=contract)
    await client.post("/validate", json={"subject": "metered", "records": [{"n": 1}, {"n": -1}]})
    after = (await client.get("/metrics")).text

    def moved(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert (
        moved(
            "schema_registry_requests_total",
            method="POST",
            endpoint="/subjects/{subject}/versions",
            status="200",
        )
        == 2
    )
    assert (
        moved(
            "schema_registry_requests_total",
            method="POST",
            endpoint="/subjects/{subject}/versions",
            status="409",
        )
        == 1
    )
    assert (
        moved(
            "schema_registry_requests_total",
            method="GET",
            endpoint="/schemas/ids/{id}",
            status="200",
        )
        == 3
    )
    assert (
        moved(
            "schema_registry_request_duration_seconds_count",
            method="GET",
            endpoint="/subjects/{subject}/versions/{version}",
        )
        == 2
    )
    assert "/subjects/m" not in after and "nobody" not in after  # templates, never raw paths
    assert moved("schema_registry_schema_registrations_total", status="success") == 2
    assert moved("schema_registry_schema_registrations_total", status="incompatible") == 1
    assert moved("schema_registry_schema_registrations_total", status="invalid") == 1
    assert moved("schema_registry_compatibility_checks_total", result="incompatible") == 1
    assert moved("schema_registry_cache_hits_total", cache="schema_bodies") == 2
    assert moved("schema_registry_cache_misses_total", cache="schema_bodies") == 1
    assert moved("schema_registry_cache_hits_total", cache="versions") >= 1
    assert sample(after, "schema_registry_schemas_total", schema_type="AVRO", state="ACTIVE") == 1
    assert sample(after, "schema_registry_storage_connection_status") == 1
    for declared in (
        "schema_registry_validation_duration_seconds",
        "schema_registry_storage_operation_errors_total",
        "schema_registry_rule_failures_total",
    ):
        assert f"# TYPE {declared}" in after


async def test_liveness_and_readiness_when_storage_is_up(client: httpx.AsyncClient) -> None:
    assert (await client.get("/health/live")).json() == {"status": "ok"}
    ready = await client.get("/health/ready")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ok" and body["checks"]["storage"]["status"] == "up"
    assert body["checks"]["storage"]["duration_ms"] >= 0


async def test_request_ids_are_echoed_or_generated(sqlite_client: httpx.AsyncClient) -> None:
    given = await sqlite_client.get("/subjects", headers={"X-Request-ID": "trace-me-42"})
    assert given.headers["x-request-id"] == "trace-me-42"
    made = await sqlite_client.get("/subjects")
    other = await sqlite_client.get("/subjects")
    assert (
        made.headers["x-request-id"]
        and made.headers["x-request-id"] != other.headers["x-request-id"]
    )
    hostile = await sqlite_client.get("/subjects", headers={"X-Request-ID": "x" * 500})
    assert hostile.headers["x-request-id"] != "x" * 500


def test_logs_are_json_lines_with_request_id_and_route(live_server: ServerProcess) -> None:
    httpx.get(live_server.url + "/subjects/a%2Fb/versions", headers={"X-Request-ID": "log-1"})
    httpx.put(
        live_server.url + "/config",
        json={"compatibility": "BACKWARD"},
        headers={"Authorization": "Basic c2VjcmV0OnBhc3N3b3Jk"},
    )
    lines = [
        json.loads(line)
        for line in live_server.log.read_text().splitlines()
        if line.startswith("{")
    ]
    requests = [line for line in lines if line.get("event") == "request"]
    mine = next(line for line in requests if line.get("request_id") == "log-1")
    assert mine["route"] == "/subjects/{subject}/versions" and mine["status"] == 404
    assert mine["level"] == "info" and "timestamp" in mine
    assert "c2VjcmV0OnBhc3N3b3Jk" not in live_server.log.read_text()  # no secrets in logs
