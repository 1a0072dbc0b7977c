"""API keys over HTTP: created by an admin, used via X-API-Key and Basic, revoked within the
cache TTL; stored only as a slow hash; per-process token buckets; the loopback rule."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from secsupport import AVRO_V1, api_key, basic, make_key, secured_client

from llm_schema_registry.security import apikeys
from llm_schema_registry.security.transport import refusal, tls_options
from llm_schema_registry.storage.security_sql import SqlSecurityStore


async def test_admin_creates_lists_and_revokes_keys(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    admin = api_key((await make_key(url, "admin"))[1])
    async with secured_client(url, api_key_cache_seconds=0) as client:
        reply = await client.post(
            "/admin/keys",
            json={
                "role": "publisher",
                "subjects": ["telemetry.*"],
                "expires_at": "2099-01-01T00:00:00Z",
            },
            headers=admin,
        )
        created = reply.json()
        assert reply.status_code == 200 and set(created) == {"key_id", "secret"}
        for headers in (api_key(created["secret"]), basic(created["key_id"], created["secret"])):
            ok = await client.post(
                "/subjects/telemetry.x/versions", json={"schema": AVRO_V1}, headers=headers
            )
            assert ok.status_code == 200
        listed = (await client.get("/admin/keys", headers=admin)).json()
        assert created["secret"] not in str(listed)
        assert {k["role"] for k in listed} == {"admin", "publisher"}
        bad_role = await client.post("/admin/keys", json={"role": "root"}, headers=admin)
        assert bad_role.status_code == 422
        gone = await client.delete(f"/admin/keys/{created['key_id']}", headers=admin)
        assert gone.status_code == 200
        refused = await client.get("/subjects", headers=api_key(created["secret"]))
        assert refused.status_code == 401
        missing = await client.delete("/admin/keys/lsk_nope", headers=admin)
        assert missing.status_code == 404
    store = SqlSecurityStore(url)
    try:
        stored = await store.key(created["key_id"])
    finally:
        await store.close()
    assert stored is not None and stored.secret_hash.startswith("scrypt$")
    assert created["secret"] not in stored.secret_hash


async def test_cached_secret_still_sees_revocation_after_the_ttl(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    key_id, secret = await make_key(url, "consumer")
    store = SqlSecurityStore(url)
    try:
        keys = apikeys.ApiKeyAuthenticator(store, ttl=0.05)
        assert await keys.authenticate(secret) is not None
        assert await keys.authenticate(secret + "x") is None
        await store.revoke_key(key_id, apikeys.now_ms())
        await asyncio.sleep(0.06)
        assert await keys.authenticate(secret) is None
    finally:
        await store.close()


async def test_token_bucket_answers_429_with_retry_after(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    limited = api_key((await make_key(url, "consumer", rate_limit_per_minute=3))[1])
    other = api_key((await make_key(url, "consumer"))[1])
    async with secured_client(url, rate_limit_per_minute=5) as client:
        codes = [(await client.get("/subjects", headers=limited)).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        reply = await client.get("/subjects", headers=limited)
        assert reply.json()["error_code"] == 42901 and int(reply.headers["Retry-After"]) >= 1
        codes = [(await client.get("/subjects", headers=other)).status_code for _ in range(6)]
        assert codes == [200] * 5 + [429]


def test_loopback_rule_and_tls_options() -> None:
    for host in ("127.0.0.1", "::1", "localhost", "127.0.0.2"):
        assert refusal(host, auth_enabled=False, insecure=False) is None
    message = refusal("0.0.0.0", auth_enabled=False, insecure=False)
    assert (
        message is not None and "REGISTRY_AUTH_ENABLED=true" in message and "--insecure" in message
    )
    assert refusal("10.0.0.5", auth_enabled=True, insecure=False) is None
    assert refusal("10.0.0.5", auth_enabled=False, insecure=True) is None
    assert tls_options(None, None, None) == {}
    assert tls_options("c.pem", "k.pem", "ca.pem")["ssl_ca_certs"] == "ca.pem"
    with pytest.raises(ValueError):
        tls_options("c.pem", None, None)
