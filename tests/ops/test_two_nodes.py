"""Several registry nodes on one PostgreSQL see each other's changes within a second."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from support import ServerProcess, fresh_pg_database, require_redis


def within_one_second(check: Callable[[], bool]) -> float:
    """Seconds until `check()` holds; fails after one second."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < 1.0, "not visible within one second"
        time.sleep(0.02)
    return time.monotonic() - started


@pytest.mark.parametrize("feed", ["postgres-notify", "redis-pubsub"])
def test_changes_on_one_node_are_visible_on_the_other(tmp_path: Path, feed: str) -> None:
    env = {"REGISTRY_REDIS_URL": require_redis()} if feed == "redis-pubsub" else {}
    with fresh_pg_database() as url:
        a, b = ServerProcess(url, tmp_path, env), ServerProcess(url, tmp_path, env)
        if env:
            ready = httpx.get(f"{a.url}/health/ready").json()
            assert ready["checks"]["cache"]["status"] == "up"
        try:
            schema = {"type": "record", "name": "E", "fields": [{"name": "x", "type": "int"}]}
            first = httpx.post(f"{a.url}/subjects/e/versions", json={"schema": json.dumps(schema)})
            assert first.status_code == 200
            # Warm B's caches with the current state, so staleness would show.
            assert httpx.get(f"{b.url}/subjects/e/versions/latest").json()["version"] == 1
            assert httpx.get(f"{b.url}/config").json()["compatibilityLevel"] == "BACKWARD"

            schema["fields"].append({"name": "y", "type": "int", "default": 0})
            second = httpx.post(f"{a.url}/subjects/e/versions", json={"schema": json.dumps(schema)})
            assert second.status_code == 200
            new_id = second.json()["id"]
            within_one_second(
                lambda: httpx.get(f"{b.url}/subjects/e/versions/latest").json()["version"] == 2
            )
            assert httpx.get(f"{b.url}/subjects/e/versions").json() == [1, 2]
            assert httpx.get(f"{b.url}/schemas/ids/{new_id}").status_code == 200

            assert httpx.put(f"{b.url}/config", json={"compatibility": "FULL"}).status_code == 200
            within_one_second(
                lambda: httpx.get(f"{a.url}/config").json()["compatibilityLevel"] == "FULL"
            )
            assert httpx.put(f"{b.url}/mode/e", json={"mode": "READONLY"}).status_code == 200
            within_one_second(
                lambda: (
                    httpx.post(
                        f"{a.url}/subjects/e/versions", json={"schema": json.dumps(schema)}
                    ).status_code
                    == 422
                )
            )
            httpx.delete(f"{a.url}/mode/e")
            assert httpx.delete(f"{a.url}/subjects/e/versions/2").status_code == 200
            within_one_second(lambda: httpx.get(f"{b.url}/subjects/e/versions").json() == [1])
            # B serves new_id from its pre-encoded bodies; a permanent delete on A removes it.
            gone = httpx.delete(f"{a.url}/subjects/e/versions/2", params={"permanent": "true"})
            assert gone.status_code == 200
            within_one_second(lambda: httpx.get(f"{b.url}/schemas/ids/{new_id}").status_code == 404)
            assert httpx.get(f"{b.url}/schemas/ids/{first.json()['id']}").status_code == 200
        finally:
            a.stop()
            b.stop()


def test_a_search_on_one_node_sees_the_other_nodes_writes(tmp_path: Path) -> None:
    with fresh_pg_database() as url:
        a, b = ServerProcess(url, tmp_path, {}), ServerProcess(url, tmp_path, {})
        try:
            schema = {"type": "record", "name": "E", "fields": [{"name": "x", "type": "int"}]}
            for subject in ("orders", "payments"):
                body = {"schema": json.dumps(schema)}
                assert httpx.post(f"{a.url}/subjects/{subject}/versions", json=body).is_success

            def found(query: str) -> list[str]:
                response = httpx.get(f"{b.url}/subjects", params={"query": query})
                return list(response.json())

            assert found("o") == ["orders"]  # B's index is built now: staleness would show
            tagged = {"metadata": {"properties": {"owner": "team-x"}}}
            assert httpx.put(f"{a.url}/subjects/payments/versions/1", json=tagged).is_success
            within_one_second(
                lambda: (
                    httpx.get(f"{b.url}/subjects", params={"owner": "team-x"}).json()
                    == ["payments"]
                )
            )
            assert httpx.post(
                f"{a.url}/subjects/orbit/versions", json={"schema": json.dumps(schema)}
            ).is_success
            within_one_second(lambda: found("o") == ["orbit", "orders"])
            assert httpx.delete(f"{a.url}/subjects/orders").is_success
            within_one_second(lambda: found("o") == ["orbit"])
        finally:
            a.stop()
            b.stop()


def _gauge(url: str, name: str) -> float:
    for line in httpx.get(f"{url}/metrics").text.splitlines():
        if line.startswith(f"{name} "):
            return float(line.split()[1])
    return -1.0


def test_a_node_warmed_after_start_forgets_a_schema_deleted_for_good_on_the_other(
    tmp_path: Path,
) -> None:
    with fresh_pg_database() as url:
        a = ServerProcess(url, tmp_path, {})
        b: ServerProcess | None = None
        try:
            ids = []
            for n in range(1, 31):
                fixed = {"type": "fixed", "name": f"F{n}", "size": n}
                answer = httpx.post(
                    f"{a.url}/subjects/s{n}/versions", json={"schema": json.dumps(fixed)}
                )
                ids.append(answer.json()["id"])
            b = ServerProcess(url, tmp_path, {})  # warms its body cache after start (PostgreSQL)
            node = b.url
            deadline = time.monotonic() + 10
            while _gauge(node, "schema_registry_body_cache_warmup_running") != 0.0:
                assert time.monotonic() < deadline, "warm-up did not finish"
                time.sleep(0.05)
            assert _gauge(node, "schema_registry_body_cache_entries") >= len(ids)
            assert httpx.get(f"{node}/schemas/ids/{ids[0]}").status_code == 200
            assert httpx.delete(f"{a.url}/subjects/s1/versions/1").status_code == 200
            gone = httpx.delete(f"{a.url}/subjects/s1/versions/1", params={"permanent": "true"})
            assert gone.status_code == 200
            within_one_second(lambda: httpx.get(f"{node}/schemas/ids/{ids[0]}").status_code == 404)
            assert httpx.get(f"{node}/schemas/ids/{ids[1]}").status_code == 200
        finally:
            a.stop()
            if b is not None:
                b.stop()
