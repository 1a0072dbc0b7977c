"""When PostgreSQL goes away the node serves cached reads, refuses writes, and recovers."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from support import ServerProcess, ThrowawayPostgres


def schema(n: int) -> str:
    fields = [{"name": f"f{i}", "type": "long", "default": 0} for i in range(n)]
    return json.dumps(
        {"type": "record", "name": "D", "fields": [{"name": "id", "type": "string"}, *fields]}
    )


def until(deadline_seconds: float, check) -> float:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    while True:
        try:
            if check():
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        assert time.monotonic() - started < deadline_seconds, f"not within {deadline_seconds}s"
        time.sleep(0.1)


@pytest.fixture
def cluster() -> Iterator[ThrowawayPostgres]:
    pg = ThrowawayPostgres()
    yield pg
    pg.remove()


def test_outage_serves_cached_reads_refuses_writes_and_recovers(
    cluster: ThrowawayPostgres, tmp_path: Path
) -> None:
    node = ServerProcess(cluster.url, tmp_path)
    try:
        url = node.url
        cold = httpx.get(f"{url}/health/ready").json()
        assert cold["status"] == "ok"
        first = httpx.post(f"{url}/subjects/d/versions", json={"schema": schema(0)}).json()
        httpx.post(f"{url}/subjects/d/versions", json={"schema": schema(1)})
        # Reads made before the outage: by id (immutable) and latest/versions/config.
        assert httpx.get(f"{url}/schemas/ids/{first['id']}").status_code == 200
        assert httpx.get(f"{url}/subjects/d/versions/latest").json()["version"] == 2
        assert httpx.get(f"{url}/subjects/d/versions").json() == [1, 2]
        assert httpx.get(f"{url}/config").status_code == 200

        cluster.stop()
        outage = time.monotonic()
        refused = httpx.post(f"{url}/subjects/d/versions", json={"schema": schema(2)}, timeout=10)
        assert time.monotonic() - outage < 5
        assert (refused.status_code, refused.json()["error_code"]) == (503, 50301)
        assert "read-only" in refused.json()["message"]
        assert httpx.get(f"{url}/schemas/ids/{first['id']}").status_code == 200
        assert httpx.get(f"{url}/subjects/d/versions/latest").json()["version"] == 2
        assert httpx.get(f"{url}/subjects/d/versions").json() == [1, 2]
        ready = httpx.get(f"{url}/health/ready", timeout=10)
        assert (ready.status_code, ready.json()["status"]) == (200, "degraded")
        assert ready.json()["checks"]["storage"]["status"] == "down"
        metrics = httpx.get(f"{url}/metrics").text
        assert "schema_registry_storage_connection_status 0.0" in metrics
        assert 'schema_registry_storage_operation_errors_total{operation="write"}' in metrics

        cluster.start()
        back = time.monotonic()
        until(
            30,
            lambda: (
                httpx.post(
                    f"{url}/subjects/d/versions", json={"schema": schema(2)}, timeout=10
                ).status_code
                == 200
            ),
        )
        assert time.monotonic() - back < 30
        assert httpx.get(f"{url}/subjects/d/versions/latest").json()["version"] == 3
        assert httpx.get(f"{url}/health/ready").json()["status"] == "ok"
    finally:
        node.stop()


def test_a_node_with_nothing_cached_reports_down(
    cluster: ThrowawayPostgres, tmp_path: Path
) -> None:
    node = ServerProcess(cluster.url, tmp_path)
    try:
        cluster.stop()
        ready = httpx.get(f"{node.url}/health/ready", timeout=10)
        assert (ready.status_code, ready.json()["status"]) == (503, "down")
    finally:
        node.stop()
