"""Version lifecycle: transitions, `latest`, rollback, archival, consumers and limits."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import httpx
import pytest
from governance_support import (
    EXTRAS,
    MovableClock,
    avro_record,
    governed_client,
    register,
)

from llm_schema_registry.governance.service import GovernanceService


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
async def gov(
    database_url: str, clock: MovableClock
) -> AsyncIterator[tuple[httpx.AsyncClient, GovernanceService]]:
    async for pair in governed_client(database_url, clock):
        yield pair


def in_days(clock: MovableClock, days: int) -> str:
    return (clock.now() + dt.timedelta(days=days)).date().isoformat()


async def set_state(
    client: httpx.AsyncClient, subject: str, version: int, **body: object
) -> httpx.Response:
    return await client.put(f"/subjects/{subject}/versions/{version}", json=body)


async def latest_version(client: httpx.AsyncClient, subject: str) -> int:
    response = await client.get(f"/subjects/{subject}/versions/latest")
    assert response.status_code == 200, response.text
    number: int = response.json()["version"]
    return number


async def test_a_draft_is_never_latest_until_activated(
    gov: tuple[httpx.AsyncClient, GovernanceService],
) -> None:
    client, _ = gov
    await register(client, "s", avro_record())
    draft = await client.post(
        "/subjects/s/versions?state=DRAFT", json={"schema": avro_record("a")}, headers=EXTRAS
    )
    assert draft.json()["version"] == 2 and draft.json()["state"] == "DRAFT"
    body_draft = await register(client, "s", avro_record("a", "b"), state="DRAFT")
    assert body_draft["state"] == "DRAFT"
    assert await latest_version(client, "s") == 1
    assert (await client.get("/subjects/s/versions/-1")).json()["version"] == 1
    shown = await client.get("/subjects/s/versions/2", headers=EXTRAS)
    assert shown.json()["state"] == "DRAFT"
    lookup = await client.post("/subjects/s", json={"schema": avro_record("a")})
    assert lookup.status_code == 404 and lookup.json()["error_code"] == 40403

    assert (await set_state(client, "s", 2, state="ACTIVE")).status_code == 200
    assert await latest_version(client, "s") == 2
    archived = await client.post(
        "/subjects/s/versions?state=ARCHIVED", json={"schema": avro_record("c")}
    )
    assert archived.status_code == 422 and archived.json()["error_code"] == 42250


# How to reach each state from a fresh DRAFT, and every move the state machine allows.
REACH = {
    "DRAFT": [],
    "ACTIVE": ["ACTIVE"],
    "DEPRECATED": ["ACTIVE", "DEPRECATED"],
    "ARCHIVED": ["ARCHIVED"],
}
VALID = {
    ("DRAFT", "ACTIVE"),
    ("DRAFT", "ARCHIVED"),
    ("ACTIVE", "DEPRECATED"),
    ("DEPRECATED", "ACTIVE"),
    ("DEPRECATED", "ARCHIVED"),
}


@pytest.mark.parametrize(
    ("path", "allowed"),
    [([*REACH[start], end], (start, end) in VALID) for start in REACH for end in REACH],
)
async def test_every_transition_valid_and_invalid(
    gov: tuple[httpx.AsyncClient, GovernanceService],
    clock: MovableClock,
    path: list[str],
    allowed: bool,
) -> None:
    client, _ = gov
    await register(client, "t", avro_record(), state="DRAFT")
    *steps, last = path
    for state in steps:
        body = {"state": state, "sunset_date": in_days(clock, 30), "reason": "r"}
        assert (await set_state(client, "t", 1, **body)).status_code == 200
    body = {"state": last, "sunset_date": in_days(clock, 30), "reason": "why"}
    response = await set_state(client, "t", 1, **body)
    if allowed:
        assert response.status_code == 200, response.text
        assert response.json()["state"] == last
    else:
        assert response.status_code == 409
        assert response.json()["error_code"] == 40950
        assert "DRAFT->ACTIVE" in response.json()["message"]
        assert "DEPRECATED->ARCHIVED" in response.json()["message"]


async def test_deprecation_needs_a_reason_and_a_future_sunset(
    gov: tuple[httpx.AsyncClient, GovernanceService], clock: MovableClock
) -> None:
    client, _ = gov
    await register(client, "d", avro_record())
    for body in (
        {"state": "DEPRECATED", "reason": "old"},
        {"state": "DEPRECATED", "sunset_date": in_days(clock, 3)},
        {"state": "DEPRECATED", "sunset_date": in_days(clock, -1), "reason": "old"},
        {"state": "DEPRECATED", "sunset_date": "next tuesday", "reason": "old"},
        {"state": "RETIRED"},
    ):
        response = await set_state(client, "d", 1, **body)
        assert response.status_code == 422, body
        assert response.json()["error_code"] == 42250
    sunset = (clock.now() + dt.timedelta(hours=2)).isoformat().replace("+00:00", "Z")
    ok = await set_state(client, "d", 1, state="DEPRECATED", sunset_date=sunset, reason="v2")
    assert ok.json() == {
        "subject": "d",
        "version": 1,
        "state": "DEPRECATED",
        "sunset_date": sunset,
        "reason": "v2",
        "metadata": None,
    }
    # Still served: the only servable version.
    assert await latest_version(client, "d") == 1


async def test_latest_prefers_active_then_deprecated(
    gov: tuple[httpx.AsyncClient, GovernanceService], clock: MovableClock
) -> None:
    client, _ = gov
    for fields in ((), ("a",), ("a", "b")):
        await register(client, "l", avro_record(*fields))
    deprecate = {"state": "DEPRECATED", "sunset_date": in_days(clock, 9), "reason": "x"}
    await set_state(client, "l", 3, **deprecate)
    assert await latest_version(client, "l") == 2
    await set_state(client, "l", 2, **deprecate)
    await set_state(client, "l", 1, **deprecate)
    assert await latest_version(client, "l") == 3
    await set_state(client, "l", 3, state="ARCHIVED")
    assert await latest_version(client, "l") == 2


async def test_rollback_deprecates_newer_active_versions_without_a_new_version(
    gov: tuple[httpx.AsyncClient, GovernanceService],
) -> None:
    client, _ = gov
    for fields in ((), ("a",), ("a", "b"), ("a", "b", "c")):
        await register(client, "r", avro_record(*fields))
    response = await client.post("/subjects/r/rollback", json={"target_version": 2})
    assert response.json() == {"deprecated": [3, 4], "latest": 2}
    assert (await client.get("/subjects/r/versions")).json() == [1, 2, 3, 4]
    assert await latest_version(client, "r") == 2
    overview = (await client.get("/subjects/r/overview")).json()
    assert [v["state"] for v in overview["versions"]] == [
        "ACTIVE",
        "ACTIVE",
        "DEPRECATED",
        "DEPRECATED",
    ]
    assert overview["versions"][2]["reason"] == "rolled back to version 2"
    missing = await client.post("/subjects/r/rollback", json={"target_version": 9})
    assert missing.json()["error_code"] == 40402


async def test_archived_versions_are_hidden_but_readable_by_id(
    gov: tuple[httpx.AsyncClient, GovernanceService],
) -> None:
    client, _ = gov
    first = await register(client, "a", avro_record(), state="DRAFT")
    await register(client, "a", avro_record("x"))
    await set_state(client, "a", 1, state="ARCHIVED")
    assert (await client.get("/subjects/a/versions")).json() == [2]
    assert (await client.get("/subjects/a/versions?includeArchived=true")).json() == [1, 2]
    hidden = await client.get("/subjects/a/versions/1")
    assert hidden.status_code == 404 and hidden.json()["error_code"] == 40402
    shown = await client.get("/subjects/a/versions/1?includeArchived=true", headers=EXTRAS)
    assert shown.json()["state"] == "ARCHIVED"
    assert (await client.get(f"/schemas/ids/{first['id']}")).status_code == 200
    lookup = await client.post("/subjects/a", json={"schema": avro_record()})
    assert lookup.status_code == 404


async def test_deprecated_versions_are_archived_after_their_sunset(
    gov: tuple[httpx.AsyncClient, GovernanceService], clock: MovableClock
) -> None:
    client, governance = gov
    await register(client, "sun", avro_record())
    await register(client, "sun", avro_record("a"))
    body = {"state": "DEPRECATED", "sunset_date": in_days(clock, 10), "reason": "v2 is out"}
    await set_state(client, "sun", 1, **body)
    assert await governance.archive_expired() == []
    clock.advance(days=12)
    # Reads see the archival as soon as the date passes; the sweep records it.
    assert (await client.get("/subjects/sun/versions")).json() == [2]
    assert await governance.archive_expired() == [("sun", 1)]
    history = (await client.get("/subjects/sun/overview")).json()["history"]
    assert [(h["from_state"], h["to_state"]) for h in history] == [
        ("ACTIVE", "DEPRECATED"),
        ("DEPRECATED", "ARCHIVED"),
    ]
    assert history[-1]["reason"] == "sunset date passed"
    assert await governance.archive_expired() == []


async def test_consumers_of_deprecated_or_archived_versions_are_refused(
    gov: tuple[httpx.AsyncClient, GovernanceService], clock: MovableClock
) -> None:
    client, _ = gov
    await register(client, "c", avro_record())
    await register(client, "c", avro_record("a"))
    ok = await client.post("/subjects/c/consumers", json={"consumer_id": "billing", "version": 2})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    body = {"state": "DEPRECATED", "sunset_date": in_days(clock, 5), "reason": "r"}
    await set_state(client, "c", 1, **body)
    refused = await client.post(
        "/subjects/c/consumers", json={"consumer_id": "search", "version": 1}
    )
    assert refused.status_code == 409 and refused.json()["error_code"] == 40951
    assert "DEPRECATED" in refused.json()["message"]
    listed = (await client.get("/subjects/c/consumers")).json()
    assert [(c["consumer_id"], c["version"]) for c in listed] == [("billing", 2)]
    overview = (await client.get("/subjects/c/overview")).json()
    assert overview["consumers"] == [{"consumer_id": "billing", "version": 2}]


async def test_versions_over_the_limit_are_archived_not_lost(
    gov: tuple[httpx.AsyncClient, GovernanceService],
) -> None:
    client, _ = gov
    assert (await client.put("/config/m", json={"maxVersions": 2})).status_code == 200
    for fields in ((), ("a",), ("a", "b"), ("a", "b", "c")):
        await register(client, "m", avro_record(*fields))
    assert (await client.get("/subjects/m/versions")).json() == [3, 4]
    assert (await client.get("/subjects/m/versions?includeArchived=true")).json() == [1, 2, 3, 4]
    assert (await client.get("/config/m")).json()["maxVersions"] == 2
