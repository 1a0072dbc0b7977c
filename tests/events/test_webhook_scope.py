"""A webhook keeps its creator's read scope, and only admins manage webhooks."""

from __future__ import annotations

import sys
from pathlib import Path

from eventsupport import Receiver, running
from flowsupport import delivered, eventually, registry_app, schema

sys.path.insert(0, str(Path(__file__).parents[1] / "security"))
from secsupport import make_key


async def test_a_webhook_gets_only_subjects_its_creator_may_read(sqlite_url: str) -> None:
    _, admin = await make_key(sqlite_url, "admin")
    _, team_admin = await make_key(sqlite_url, "admin", ("team-a.*",))
    _, publisher = await make_key(sqlite_url, "publisher")
    async with (
        running(Receiver()) as receiver,
        registry_app(sqlite_url, auth_enabled=True) as (client, _app),
    ):
        refused = await client.post(
            "/webhooks", json={"url": receiver.url}, headers={"X-API-Key": publisher}
        )
        assert (refused.status_code, refused.json()["error_code"]) == (403, 40301)
        listed = await client.get("/webhooks", headers={"X-API-Key": publisher})
        assert listed.status_code == 403
        made = await client.post(
            "/webhooks",
            json={"url": receiver.url, "secret": receiver.secret},
            headers={"X-API-Key": team_admin},
        )
        assert made.status_code == 201, made.text
        assert made.json()["created_by"] != "anonymous"
        full = {"X-API-Key": admin}
        for subject in ("team-b.y", "team-a.x", "team-b.z"):
            body = {"schema": schema(subject.replace(".", "_").replace("-", "_"))}
            reply = await client.post(f"/subjects/{subject}/versions", json=body, headers=full)
            assert reply.status_code == 200
        await eventually(lambda: len(delivered(receiver.received)) >= 1)
        global_change = await client.put("/mode", json={"mode": "READWRITE"}, headers=full)
        assert global_change.status_code == 200
        await eventually(lambda: len(delivered(receiver.received)) >= 2)
    got = [(e["type"], e.get("subject")) for e in delivered(receiver.received)]
    # Subject-less (registry-wide) changes are within every scope, as a request naming none.
    assert got == [("schema.registered", "team-a.x"), ("mode.changed", None)]
