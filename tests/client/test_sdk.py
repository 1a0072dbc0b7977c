"""The SDK against a real `llm-schema serve` process: typed results, errors with codes, the
cache (hits measured), local validation that agrees with the server, retries over real HTTP."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from flaky_server import FlakyProxy
from llm_schema_registry.client import (
    AsyncRegistryClient,
    IncompatibleSchemaError,
    InvalidRequestError,
    NotFoundError,
    RegistryClient,
    RegistryUnavailableError,
)
from support import ServerProcess, free_port

EVENT = {
    "type": "record",
    "name": "Usage",
    "namespace": "ai.llm",
    "fields": [
        {"name": "model", "type": "string"},
        {"name": "input_tokens", "type": "long"},
        {"name": "output_tokens", "type": "long"},
        {"name": "total_tokens", "type": "long"},
    ],
}
RULES = {
    "domainRules": [
        {
            "name": "totalIsSum",
            "kind": "CONDITION",
            "type": "CEL",
            "mode": "WRITE",
            "expr": "message.total_tokens == message.input_tokens + message.output_tokens",
        }
    ]
}
TICKET: dict[str, Any] = {
    "type": "object",
    "properties": {"title": {"type": "string"}, "priority": {"enum": ["low", "high"]}},
    "required": ["title", "priority"],
}


@pytest.fixture(scope="module")
def client(live_server: ServerProcess) -> Iterator[RegistryClient]:
    with RegistryClient(live_server.url, retries=1, backoff=0.01) as sdk:
        yield sdk


def test_register_and_read_back_typed(client: RegistryClient) -> None:
    schema_id = client.register("usage-value", EVENT, "AVRO", rule_set=RULES)
    assert client.register("usage-value", json.dumps(EVENT), rule_set=RULES) == schema_id
    latest = client.get_latest("usage-value")
    assert (latest.id, latest.subject, latest.version) == (schema_id, "usage-value", 1)
    assert latest.rule_set == RULES and latest.schema_type == "AVRO"
    assert client.get_schema(schema_id).schema == latest.schema
    assert "usage-value" in client.subjects() and client.versions("usage-value") == [1]
    found = client.lookup("usage-value", EVENT, "AVRO")
    assert (found.id, found.version) == (schema_id, 1)


def test_errors_carry_registry_codes(client: RegistryClient) -> None:
    with pytest.raises(NotFoundError) as missing:
        client.get_latest("no-such-subject")
    assert (missing.value.error_code, missing.value.status) == (40401, 404)
    with pytest.raises(InvalidRequestError) as bad:
        client.register("bad-value", "{not json", "JSON")
    assert bad.value.error_code == 42201
    client.register("strict-value", TICKET, "JSON")
    client.set_config("BACKWARD", "strict-value")
    narrower = {**TICKET, "properties": {**TICKET["properties"], "priority": {"enum": ["low"]}}}
    verdict = client.check_compatibility("strict-value", narrower, "JSON")
    assert not verdict.is_compatible and verdict.messages
    with pytest.raises(IncompatibleSchemaError) as clash:
        client.register("strict-value", narrower, "JSON")
    assert clash.value.error_code == 40901
    assert client.check_compatibility("unregistered", TICKET, "JSON").is_compatible


def test_cache_hits_are_measured(live_server: ServerProcess) -> None:
    with RegistryClient(live_server.url, latest_ttl=0.5) as sdk:
        schema_id = sdk.register("cached-value", TICKET, "JSON")
        sent = sdk.requests_sent
        for _ in range(100):
            sdk.get_schema(schema_id)
            sdk.get_latest("cached-value")
        stats = sdk.cache_stats
        # one miss each for the id and the latest version, then 198 hits
        assert (stats.hits, stats.misses) == (198, 2)
        assert sdk.requests_sent - sent == 2
        assert stats.hit_rate == pytest.approx(0.99)
        time.sleep(0.6)  # the latest TTL lapses; the id stays cached
        sdk.get_latest("cached-value")
        sdk.get_schema(schema_id)
        assert sdk.requests_sent - sent == 3


def test_latest_dropped_on_404(live_server: ServerProcess) -> None:
    with RegistryClient(live_server.url) as sdk:
        sdk.register("gone-value", TICKET, "JSON")
        sdk.get_latest("gone-value")
        httpx.delete(f"{live_server.url}/subjects/gone-value")
        assert sdk.get_latest("gone-value").version == 1  # within the TTL: cached
        with pytest.raises(NotFoundError):
            sdk.get_version("gone-value", 1)  # the registry says it is gone
        with pytest.raises(NotFoundError):
            sdk.get_latest("gone-value")  # so the cached latest was dropped


def test_local_validation_agrees_with_the_server(client: RegistryClient) -> None:
    client.register("usage-value", EVENT, "AVRO", rule_set=RULES)
    records = [
        {"model": "gpt", "input_tokens": 3, "output_tokens": 4, "total_tokens": 7},
        {"model": "gpt", "input_tokens": 3, "output_tokens": 4, "total_tokens": 8},
        {"model": "gpt", "input_tokens": "3", "output_tokens": 4, "total_tokens": 7},
    ]
    server = httpx.post(
        f"{client.options.url}/validate", json={"subject": "usage-value", "records": records}
    ).json()["results"]
    for record, remote in zip(records, server, strict=True):
        local = client.validate(record, subject="usage-value")
        assert local.valid == remote["valid"]
        assert [(e.path, e.message) for e in local.errors] == [
            (e["path"], e["message"]) for e in remote["errors"]
        ]
    remote = client.validate_remote(records, subject="usage-value")
    assert [r.valid for r in remote] == [r["valid"] for r in server]
    assert [client.validate(r, subject="usage-value").valid for r in records] == [
        True,
        False,
        False,
    ]


def test_llm_output_locally(client: RegistryClient) -> None:
    client.register("ticket-value", TICKET, "JSON")
    reply = 'Sure:\n```json\n{"title": "Crash", "priority": "urgent"}\n```'
    checked = client.validate_llm_output(reply, subject="ticket-value")
    assert not checked.valid and checked.repair_prompt is not None
    assert checked.errors[0].path == "$.priority" and checked.extracted["title"] == "Crash"
    fixed = client.validate_llm_output(reply.replace("urgent", "high"), subject="ticket-value")
    assert fixed.valid and fixed.repair_prompt is None


async def test_async_client_same_surface(live_server: ServerProcess) -> None:
    async with AsyncRegistryClient(live_server.url) as sdk:
        schema_id = await sdk.register("async-value", TICKET, "JSON")
        latest = await sdk.get_latest("async-value")
        assert latest.id == schema_id
        assert (await sdk.validate({"title": "x", "priority": "low"}, schema_id=schema_id)).valid
        with pytest.raises(NotFoundError):
            await sdk.get_version("async-value", 9)
        exported = await sdk.export("async-value", "openai", fix=True)
        assert exported.findings == [] and exported.payload["json_schema"]["strict"] is True


def test_retries_until_the_registry_answers(live_server: ServerProcess) -> None:
    proxy = FlakyProxy(live_server.url, failures=2)
    try:
        with RegistryClient(proxy.url, retries=3, backoff=0.01, api_key="k1") as sdk:
            assert sdk.register("retry-value", TICKET, "JSON") > 0
            assert sdk.requests_sent == 3 and len(proxy.seen) == 3
            assert all(h.get("X-API-Key") == "k1" for h in proxy.seen)
    finally:
        proxy.close()


def test_no_retry_on_4xx_and_give_up_on_5xx(live_server: ServerProcess) -> None:
    proxy = FlakyProxy(live_server.url, failures=0)
    try:
        with (
            RegistryClient(proxy.url, retries=3, backoff=0.01) as sdk,
            pytest.raises(NotFoundError),
        ):
            sdk.get_latest("nothing-here")
        assert len(proxy.seen) == 1
        proxy.failures = 10
        sdk = RegistryClient(proxy.url, retries=2, backoff=0.01)
        with sdk, pytest.raises(RegistryUnavailableError) as down:
            sdk.get_latest("nothing-here")
        assert down.value.error_code == 50301 and sdk.requests_sent == 3
    finally:
        proxy.close()


async def test_async_retries_and_auth_headers(live_server: ServerProcess) -> None:
    proxy = FlakyProxy(live_server.url, failures=1)
    try:
        async with AsyncRegistryClient(proxy.url, backoff=0.01, bearer_token="t0k") as sdk:
            assert await sdk.subjects()
        assert [h.get("Authorization") for h in proxy.seen] == ["Bearer t0k"] * 2
        with RegistryClient(proxy.url, basic_auth=("key-id", "secret")) as sdk:
            sdk.subjects()
        assert proxy.seen[-1]["Authorization"].startswith("Basic ")
    finally:
        proxy.close()


def test_connection_refused_is_unavailable() -> None:
    sdk = RegistryClient(f"http://127.0.0.1:{free_port()}", retries=2, backoff=0.01)
    with sdk, pytest.raises(RegistryUnavailableError) as down:
        sdk.subjects()
    assert down.value.status is None and sdk.requests_sent == 3
