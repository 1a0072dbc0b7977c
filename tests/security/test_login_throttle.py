"""Failed authentication is throttled per client address and per key id, before the slow
hash is paid: 429 / 42902, audited; measured as the served process's CPU seconds."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import httpx
from secsupport import api_key, basic, make_key, secured_client

from llm_schema_registry.security.throttle import FailedLogins
from support import ServerProcess

ATTEMPTS = 50
TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux: /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _wrong_keys(server: ServerProcess, key_id: str) -> tuple[list[httpx.Response], float]:
    """ATTEMPTS wrong secrets for a real key id, one address: the replies and the server's
    CPU seconds spent on them."""
    with httpx.Client(base_url=server.url, timeout=30) as client:
        before = _cpu_seconds(server.process.pid)
        replies = [
            client.get("/subjects", headers=api_key(f"{key_id}.wrong-secret-{n}"))
            for n in range(ATTEMPTS)
        ]
        return replies, _cpu_seconds(server.process.pid) - before


def test_50_wrong_keys_from_one_address_are_throttled_and_cost_bounded_cpu(
    tmp_path: Path,
) -> None:
    spent = {}
    for name, per_minute in (("throttled", "10"), ("unthrottled", "1000000")):
        url = f"sqlite:///{tmp_path}/{name}.db"
        key_id, secret = asyncio.run(make_key(url, "admin"))
        env = {"REGISTRY_AUTH_ENABLED": "true", "REGISTRY_AUTH_FAILURES_PER_MINUTE": per_minute}
        server = ServerProcess(url, tmp_path, env)
        try:
            # The admin's own secret, verified once before the attack: it keeps working.
            assert httpx.get(server.url + "/subjects", headers=api_key(secret)).status_code == 200
            replies, spent[name] = _wrong_keys(server, key_id)
            with httpx.Client(base_url=server.url, timeout=30) as client:
                audit = client.get("/audit", params={"limit": 200}, headers=api_key(secret)).json()
        finally:
            server.stop()
        statuses = [r.status_code for r in replies]
        if name == "unthrottled":
            assert statuses == [401] * ATTEMPTS
            continue
        assert statuses == [401] * 10 + [429] * 40
        refused = replies[-1]
        assert refused.json()["error_code"] == 42902
        assert refused.json()["message"].startswith("Too many failed authentication attempts")
        assert int(refused.headers["retry-after"]) >= 1
        actions = [entry["action"] for entry in audit]
        assert actions.count("auth.throttled") == 40 and actions.count("auth.login") == 10
        throttled = next(e for e in audit if e["action"] == "auth.throttled")
        assert throttled["result"] == "denied" and throttled["client"] == "127.0.0.1"
    print(
        f"CPU seconds for {ATTEMPTS} wrong keys: throttled {spent['throttled']:.2f}, "
        f"unthrottled {spent['unthrottled']:.2f}"
    )
    assert spent["throttled"] < spent["unthrottled"] / 2


async def test_throttled_per_key_id_and_address_but_known_secrets_still_pass(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    _, secret = await make_key(url, "admin")
    other_id, other = await make_key(url, "consumer")
    async with secured_client(url, auth_failures_per_minute=3) as client:
        assert (await client.get("/subjects", headers=api_key(secret))).status_code == 200
        wrong = basic(other_id, "not-the-secret")
        statuses = [(await client.get("/subjects", headers=wrong)).status_code for _ in range(5)]
        assert statuses == [401, 401, 401, 429, 429]
        # The key id is throttled from anywhere; the address too, but for a secret it
        # verified before (no hash to pay) the caller behind that address keeps working.
        assert (await client.get("/subjects", headers=api_key(secret))).status_code == 200
        unverified = await client.get("/subjects", headers=api_key(other))
        assert unverified.status_code == 429 and unverified.json()["error_code"] == 42902
        # Asking with no credentials at all costs nothing and counts nothing: plain 401.
        assert (await client.get("/subjects")).status_code == 401


def test_buckets_refill_and_stay_bounded() -> None:
    now = [0.0]
    failures = FailedLogins(per_minute=6, clock=lambda: now[0])  # one token per 10 s
    names = ["addr:10.0.0.1", "key:lsk_1"]
    for _ in range(6):
        assert failures.wait_seconds(names) == 0
        failures.failed(names)
    assert failures.wait_seconds(names) == 10
    assert failures.wait_seconds(["addr:10.0.0.2"]) == 0  # another address: untouched
    now[0] += 10
    assert failures.wait_seconds(names) == 0


async def test_rate_limited_requests_are_audited(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    _, admin = await make_key(url, "admin")
    key_id, secret = await make_key(url, "consumer", rate_limit_per_minute=2)
    async with secured_client(url) as client:
        statuses = [
            (await client.get("/subjects", headers=api_key(secret))).status_code for _ in range(3)
        ]
        entries = (await client.get("/audit?action=rate_limited", headers=api_key(admin))).json()
    assert statuses == [200, 200, 429]
    assert [(e["actor"], e["result"], e["resource"]) for e in entries] == [
        (f"key:{key_id}", "denied", "GET /subjects")
    ]
    assert entries[0]["after"]["retry_after"] >= 1
