"""The generated matrix: every endpoint x every role x in-scope / out-of-scope subject, and
no / bad / expired / revoked credentials; denials change nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from secsupport import AVRO_V1, AVRO_V2, api_key, basic, expired_ms, make_key, secured_client

IN, OUT = "telemetry.events", "billing.invoices"
SCOPE = ("telemetry.*",)

# The table, written out independently of the implementation.
ROLE_GRANTS = {
    "admin": {"*"},
    "publisher": {"read", "validate", "create", "update", "delete"},
    "reviewer": {"read", "validate", "approve"},
    "consumer": {"read", "validate"},
    "auditor": {"read", "audit"},
}

# (method, path, body, needs): `{s}` is the subject; needs are alternatives.
ENDPOINTS: list[tuple[str, str, Any, set[str]]] = [
    ("GET", "/subjects/{s}/versions", None, {"read"}),
    ("GET", "/subjects/{s}/versions/1", None, {"read"}),
    ("GET", "/subjects/{s}/versions/1/schema", None, {"read"}),
    ("GET", "/subjects/{s}/versions/1/referencedby", None, {"read"}),
    ("POST", "/subjects/{s}", {"schema": AVRO_V1}, {"read"}),
    ("POST", "/compatibility/subjects/{s}/versions/latest", {"schema": AVRO_V2}, {"validate"}),
    (
        "POST",
        "/validate",
        {"subject": "{s}", "version": "latest", "data": {"a": "x"}},
        {"validate"},
    ),
    ("POST", "/subjects/{s}/versions", {"schema": AVRO_V2}, {"create"}),
    ("PUT", "/subjects/{s}/versions/1", {"state": "DEPRECATED"}, {"update", "approve"}),
    ("POST", "/subjects/{s}/samples", {"records": [{"a": "x"}]}, {"update"}),
    ("GET", "/subjects/{s}/samples", None, {"read"}),
    ("DELETE", "/subjects/{s}/samples", None, {"update"}),
    ("GET", "/config/{s}", None, {"admin"}),
    ("PUT", "/config/{s}", {"compatibility": "NONE"}, {"admin"}),
    ("DELETE", "/config/{s}", None, {"admin"}),
    ("GET", "/mode/{s}", None, {"admin"}),
    ("PUT", "/mode/{s}", {"mode": "READONLY"}, {"admin"}),
    ("DELETE", "/subjects/{s}/versions/1", None, {"delete"}),
    ("DELETE", "/subjects/{s}", None, {"delete"}),
]
GLOBAL: list[tuple[str, str, Any, set[str]]] = [
    ("GET", "/subjects", None, {"read"}),
    ("GET", "/schemas", None, {"read"}),
    ("GET", "/schemas/ids/1", None, {"read"}),
    ("GET", "/config", None, {"admin"}),
    ("PUT", "/config", {"compatibility": "BACKWARD"}, {"admin"}),
    ("GET", "/mode", None, {"admin"}),
    ("GET", "/audit", None, {"audit"}),
    ("GET", "/admin/keys", None, {"admin"}),
    ("POST", "/admin/keys", {"role": "consumer"}, {"admin"}),
    ("GET", "/metrics", None, {"admin"}),
]


def allowed(role: str, needs: set[str], subject: str | None) -> bool:
    grants = ROLE_GRANTS[role]
    if "*" in grants:
        return True
    if subject == OUT:
        return False
    return bool(grants & needs)


async def snapshot(client: httpx.AsyncClient, admin: dict[str, str]) -> Any:
    """Everything a request could change, read as the admin."""
    state: dict[str, Any] = {}
    for path in (
        "/subjects?deleted=true",
        f"/subjects/{IN}/versions?deleted=true",
        f"/subjects/{OUT}/versions?deleted=true",
        f"/subjects/{IN}/versions/1",
        f"/subjects/{OUT}/versions/1",
        f"/subjects/{IN}/samples?kind=all",
        f"/subjects/{OUT}/samples?kind=all",
        "/config",
        f"/config/{IN}",
        f"/config/{OUT}",
        "/mode",
        f"/mode/{IN}",
        f"/mode/{OUT}",
        "/admin/keys",
    ):
        reply = await client.get(path, headers=admin)
        state[path] = (reply.status_code, reply.text)
    return state


def _fill(value: Any, subject: str) -> Any:
    return json.loads(json.dumps(value).replace("{s}", subject)) if value is not None else None


async def _seed(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    for subject in (IN, OUT):
        reply = await client.post(
            f"/subjects/{subject}/versions", json={"schema": AVRO_V1}, headers=admin
        )
        assert reply.status_code == 200, reply.text


@pytest.mark.parametrize("role", sorted(ROLE_GRANTS))
async def test_role_matrix(role: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    admin = api_key((await make_key(url, "admin"))[1])
    key_id, secret = await make_key(url, role, () if role == "admin" else SCOPE)
    mine = basic(key_id, secret)  # Basic here; X-API-Key is exercised by the others
    problems: list[str] = []
    # Two admin snapshots per denied request add up to thousands of requests a minute: the
    # default rate limit (1,000 a minute) would turn the later snapshots into 429s.
    async with secured_client(url, rate_limit_per_minute=1_000_000) as client:
        await _seed(client, admin)
        cases: list[tuple[str, str, Any, set[str], str | None]] = [
            (m, p, b, n, s) for m, p, b, n in ENDPOINTS for s in (IN, OUT)
        ]
        cases += [(m, p, b, n, None) for m, p, b, n in GLOBAL]
        for method, template, body, needs, subject in cases:
            path = template.replace("{s}", subject or "")
            expect = allowed(role, needs, subject)
            before = None if expect else await snapshot(client, admin)
            reply = await client.request(
                method, path, json=_fill(body, subject or ""), headers=mine
            )
            if expect and reply.status_code in (401, 403):
                problems.append(f"{method} {path}: refused {reply.status_code} {reply.text}")
            if not expect:
                code = reply.json().get("error_code") if reply.status_code == 403 else None
                if (reply.status_code, code) != (403, 40301):
                    problems.append(f"{method} {path}: {reply.status_code}, expected 403/40301")
                if await snapshot(client, admin) != before:
                    problems.append(f"{method} {path}: state changed on denial")
    assert not problems, "\n".join(problems)


async def test_bad_missing_expired_and_revoked_credentials_answer_40101(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    admin_id, admin_secret = await make_key(url, "admin")
    admin = api_key(admin_secret)
    expired = api_key((await make_key(url, "admin", expires_ms=expired_ms()))[1])
    revoked_id, revoked_secret = await make_key(url, "admin")
    credentials: dict[str, dict[str, str]] = {
        "none": {},
        "bad key": {"X-API-Key": admin_secret + "x"},
        "unknown key": {"X-API-Key": "lsk_0000000000000000.nope"},
        "bad basic": basic(admin_id, "wrong"),
        "basic with another key's id": basic(revoked_id, admin_secret),
        "garbage basic": {"Authorization": "Basic !!!"},
        "bearer without JWT configured": {"Authorization": "Bearer abc"},
        "expired": expired,
        "revoked": api_key(revoked_secret),
    }
    # Hundreds of failures from one address: the throttle (test_login_throttle.py) set aside.
    async with secured_client(url, auth_failures_per_minute=100_000) as client:
        await _seed(client, admin)
        reply = await client.delete(f"/admin/keys/{revoked_id}", headers=admin)
        assert reply.status_code == 200
        before = await snapshot(client, admin)
        for method, template, body, _needs in ENDPOINTS + GLOBAL:
            path = template.replace("{s}", IN)
            for name, headers in credentials.items():
                reply = await client.request(method, path, json=_fill(body, IN), headers=headers)
                assert (reply.status_code, reply.json()["error_code"]) == (401, 40101), (
                    name,
                    method,
                    path,
                )
        assert await snapshot(client, admin) == before


async def test_listings_are_filtered_to_the_callers_scope(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    admin = api_key((await make_key(url, "admin"))[1])
    consumer = api_key((await make_key(url, "consumer", SCOPE))[1])
    async with secured_client(url) as client:
        await _seed(client, admin)
        assert (await client.get("/subjects", headers=admin)).json() == sorted([IN, OUT])
        assert (await client.get("/subjects", headers=consumer)).json() == [IN]
        schemas = (await client.get("/schemas", headers=consumer)).json()
        assert {s["subject"] for s in schemas} == {IN}
        assert (await client.get("/schemas/ids/1/subjects", headers=consumer)).json() == [IN]
        versions = (await client.get("/schemas/ids/1/versions", headers=consumer)).json()
        assert versions == [{"subject": IN, "version": 1}]
        # Out of scope answers 403 whether or not the subject exists.
        for subject in (OUT, "billing.nonexistent"):
            reply = await client.get(f"/subjects/{subject}/versions", headers=consumer)
            assert (reply.status_code, reply.json()["error_code"]) == (403, 40301)
        reply = await client.get(f"/schemas/ids/1?subject={OUT}", headers=consumer)
        assert reply.status_code == 403


async def test_public_endpoints_need_no_credentials(tmp_path: Path) -> None:
    async with secured_client(f"sqlite:///{tmp_path}/r.db") as client:
        for path in ("/", "/health/live", "/keys", "/schemas/types"):
            assert (await client.get(path)).status_code == 200, path
