"""The live stream against a real `llm-schema serve` process with authentication on: a subject
glob subscriber sees a registration within 1 s, `Last-Event-ID` replays exactly what was
missed, a key scoped to `team-a.*` never sees `team-b`, `GET /events` pages, bad parameters
are 4xx with error codes; the SDK (sync and async) resumes over a cut connection."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from eventsupport import TcpProxy

from llm_schema_registry.client import AsyncRegistryClient, ChangeEvent, RegistryClient
from llm_schema_registry.security.apikeys import new_key
from llm_schema_registry.storage.security_sql import SqlSecurityStore
from llm_schema_registry.storage.sql import SqlStore
from support import ServerProcess

V1 = "application/vnd.schemaregistry.v1+json"
# Every registration a new version: the same record with one more optional field (BACKWARD).
SCHEMA = (
    '{"type":"record","name":"E","fields":[{"name":"a","type":"string"},'
    '{"name":"f%s","type":"string","default":""}]}'
)


async def _key(url: str, role: str, subjects: tuple[str, ...] = ()) -> str:
    sql = SqlStore(url)
    await sql.start()  # migrated, so the key table exists before the server starts
    await sql.close()
    key, secret = new_key(role, subjects)
    store = SqlSecurityStore(url)
    try:
        await store.add_key(key)
    finally:
        await store.close()
    return secret


class Registry:
    """The server process and its keys: an admin's and a `team-a.*` consumer's."""

    def __init__(self, server: ServerProcess, admin: str, team_a: str) -> None:
        self.server, self.admin, self.team_a = server, admin, team_a
        self.url = server.url

    def register(self, subject: str) -> float:
        """Registers a fresh schema under `subject`; returns when its 201 arrived."""
        reply = httpx.post(
            f"{self.url}/subjects/{subject}/versions",
            json={"schema": SCHEMA % uuid.uuid4().hex},
            headers={"X-API-Key": self.admin, "Content-Type": V1},
        )
        assert reply.status_code == 200, reply.text
        return time.monotonic()


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    workdir = tmp_path_factory.mktemp("live-stream")
    url = f"sqlite:///{workdir}/registry.db"
    admin = asyncio.run(_key(url, "admin"))
    team_a = asyncio.run(_key(url, "consumer", ("team-a.*",)))
    server = ServerProcess(url, workdir, {"REGISTRY_AUTH_ENABLED": "true"})
    yield Registry(server, admin, team_a)
    server.stop()


class Frames:
    """An open `GET /events/stream`, read frame by frame (comments skipped)."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._lines = response.aiter_lines()

    async def next(self, timeout: float = 5.0) -> dict[str, str]:
        return await asyncio.wait_for(self._next(), timeout)

    async def _next(self) -> dict[str, str]:
        fields: dict[str, str] = {}
        async for line in self._lines:
            if not line:
                if "data" in fields:
                    return fields
                fields = {}
            elif not line.startswith(":"):
                name, _, value = line.partition(": ")
                fields[name] = value
        raise EOFError("stream ended")

    async def silent_for(self, seconds: float) -> bool:
        try:
            await self.next(seconds)
        except TimeoutError:
            return True
        return False


@asynccontextmanager
async def stream(
    registry: Registry, key: str, headers: dict[str, str] | None = None, **params: Any
) -> AsyncIterator[Frames]:
    async with (
        httpx.AsyncClient(base_url=registry.url, timeout=30) as http,
        http.stream(
            "GET",
            "/events/stream",
            params=params,
            headers={"X-API-Key": key, **(headers or {})},
        ) as response,
    ):
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        yield Frames(response)


async def test_a_subject_glob_subscriber_sees_a_registration_within_a_second(
    registry: Registry,
) -> None:
    async with stream(registry, registry.admin, subjects="orders-*") as frames:
        await asyncio.to_thread(registry.register, "payments-value")  # not matching
        committed = await asyncio.to_thread(registry.register, "orders-value")
        frame = await frames.next(timeout=1.0)
        latency = time.monotonic() - committed
        assert latency < 1.0
    assert frame["event"] == "schema.registered"
    data = json.loads(frame["data"])
    assert (data["subject"], data["type"], data["sequence"]) == (
        "orders-value",
        "schema.registered",
        int(frame["id"]),
    )
    assert data["specversion"] == "1.0" and data["data"]["subject"] == "orders-value"


async def test_reconnecting_with_last_event_id_gets_exactly_the_missed_events(
    registry: Registry,
) -> None:
    subject = f"resume-{uuid.uuid4().hex[:6]}-value"
    async with stream(registry, registry.admin, subjects=subject) as frames:
        await asyncio.to_thread(registry.register, subject)
        last_seen = int((await frames.next())["id"])
    for _ in range(3):  # while nobody listens
        await asyncio.to_thread(registry.register, subject)
    resume = {"Last-Event-ID": str(last_seen)}
    async with stream(registry, registry.admin, resume, subjects=subject, after="0") as frames:
        missed = [int((await frames.next())["id"]) for _ in range(3)]
        assert await frames.silent_for(1.0)  # nothing else: no repeats, nothing extra
    assert missed == sorted(missed) and missed[0] > last_seen and len(set(missed)) == 3


async def test_a_key_scoped_to_team_a_never_sees_team_b(registry: Registry) -> None:
    async with stream(registry, registry.team_a, after="0") as frames:
        for subject in ("team-b.orders", "team-a.orders", "team-b.users", "team-a.users"):
            await asyncio.to_thread(registry.register, subject)
        seen = [json.loads((await frames.next())["data"])["subject"] for _ in range(2)]
        assert await frames.silent_for(1.0)
    assert seen == ["team-a.orders", "team-a.users"]
    async with stream(registry, registry.team_a, subjects="team-b.*", after="0") as frames:
        assert await frames.silent_for(1.0)  # asking for team-b gives nothing either
    async with httpx.AsyncClient(base_url=registry.url) as http:
        page = (await http.get("/events", headers={"X-API-Key": registry.team_a})).json()
        everything = (await http.get("/events", headers={"X-API-Key": registry.admin})).json()
    assert {e["subject"] for e in page["events"]} == {"team-a.orders", "team-a.users"}
    assert {"team-b.orders", "team-b.users"} <= {e.get("subject") for e in everything["events"]}


async def test_the_json_page_for_pollers(registry: Registry) -> None:
    subject = f"poll-{uuid.uuid4().hex[:6]}-value"
    for _ in range(3):
        await asyncio.to_thread(registry.register, subject)
    headers = {"X-API-Key": registry.admin}
    async with httpx.AsyncClient(base_url=registry.url, headers=headers) as http:
        deadline = time.monotonic() + 5
        first: dict[str, Any] = {}
        while time.monotonic() < deadline:  # sequenced by the relay within moments
            first = (
                await http.get("/events", params={"subjects": subject, "limit": 2, "after": 0})
            ).json()
            rest = await http.get(
                "/events", params={"subjects": subject, "after": first["next_after"]}
            )
            if len(first["events"]) + len(rest.json()["events"]) == 3:
                break
            await asyncio.sleep(0.1)
    assert len(first["events"]) == 2 and len(rest.json()["events"]) == 1
    assert first["next_after"] == first["events"][-1]["sequence"]
    assert rest.json()["events"][0]["sequence"] > first["next_after"]


@pytest.mark.parametrize(
    ("path", "params", "headers", "status", "code"),
    [
        ("/events/stream", {"types": "schema.exploded"}, {}, 422, 42282),
        ("/events/stream", {}, {"Last-Event-ID": "yesterday"}, 422, 42282),
        ("/events/stream", {"after": "-3"}, {}, 422, 42282),
        ("/events", {"types": "schema.registered,nope"}, {}, 422, 42282),
        ("/events", {"limit": 0}, {}, 400, 400),
        ("/events", {"limit": 5000}, {}, 400, 400),
    ],
)
def test_bad_parameters_are_refused_with_codes(
    registry: Registry,
    path: str,
    params: dict[str, Any],
    headers: dict[str, str],
    status: int,
    code: int,
) -> None:
    reply = httpx.get(
        registry.url + path, params=params, headers={"X-API-Key": registry.admin, **headers}
    )
    assert (reply.status_code, reply.json()["error_code"]) == (status, code), reply.text


def test_no_credentials_no_stream(registry: Registry) -> None:
    assert httpx.get(registry.url + "/events/stream").status_code == 401


async def test_async_sdk_resumes_over_a_cut_connection(registry: Registry) -> None:
    host, port = registry.url.removeprefix("http://").split(":")
    proxy = TcpProxy(host, int(port))
    await proxy.start()
    subject = f"cut-{uuid.uuid4().hex[:6]}-value"
    got: list[ChangeEvent] = []
    client = AsyncRegistryClient(
        f"http://127.0.0.1:{proxy.port}", api_key=registry.admin, retries=20, backoff=0.05
    )
    try:
        events = client.events(subjects=[subject])
        first = asyncio.ensure_future(anext(events))
        await asyncio.sleep(0.5)  # connected
        await asyncio.to_thread(registry.register, subject)
        got.append(await asyncio.wait_for(first, 5))
        await proxy.stop()  # the link drops
        for _ in range(2):
            await asyncio.to_thread(registry.register, subject)
        await proxy.start()  # the same port again
        got += [await asyncio.wait_for(anext(events), 10) for _ in range(2)]
        await events.aclose()  # type: ignore[attr-defined]
    finally:
        await client.close()
        await proxy.stop()
    sequences = [event.sequence for event in got]
    assert sequences == sorted(set(sequences)) and len(sequences) == 3
    assert {event.subject for event in got} == {subject}
    assert all(event.type == "schema.registered" for event in got)


def test_sync_sdk_follows_and_filters_by_type(registry: Registry) -> None:
    subject = f"sync-{uuid.uuid4().hex[:6]}-value"
    registry.register(subject)  # before: replayed from `after`
    with RegistryClient(registry.url, api_key=registry.admin) as client:
        first_page = client.events(0, types=["schema.registered"], subjects=[subject])
        before = next(first_page)
        threading.Timer(0.3, registry.register, (subject,)).start()
        live = next(first_page)
    assert (before.subject, live.subject) == (subject, subject)
    assert live.sequence > before.sequence
    assert live.cloudevent["id"] == live.id and live.data["subject"] == subject


def test_cli_events_tail(registry: Registry, tmp_path: Path) -> None:
    import subprocess
    import sys

    subject = f"cli-{uuid.uuid4().hex[:6]}-value"
    registry.register(subject)
    registry.register(subject)
    text_one = ["--type", "schema.registered", "--after", "0", "--count", "1"]
    bad_type = ["--type", "nope", "--count", "1"]
    base = [sys.executable, "-m", "llm_schema_registry.cli.main", "--url", registry.url]
    command = [*base, "--api-key", registry.admin, "--output", "json", "events", "tail"]
    out = subprocess.run(
        [*command, "--subject", subject, "--after", "0", "--count", "2"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout.splitlines()
    events = [json.loads(line) for line in out]
    assert [e["subject"] for e in events] == [subject, subject]
    assert events[0]["sequence"] < events[1]["sequence"]
    text = subprocess.run(
        [*base, "--api-key", registry.admin, "events", "tail", "--subject", subject, *text_one],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    assert "schema.registered" in text and subject in text
    refused = subprocess.run(
        [*base, "--api-key", registry.team_a, "--output", "json", "events", "tail", *bad_type],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert refused.returncode == 1 and json.loads(refused.stdout)["error_code"] == 42282
