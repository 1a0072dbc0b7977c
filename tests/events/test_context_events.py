"""Events of a named context: the qualified subject, the id in that context, the `context`
attribute; a webhook created by a key confined to one context gets that context's only."""

from __future__ import annotations

import sys
from pathlib import Path

from eventsupport import Receiver, running
from flowsupport import delivered, eventually, registry_app, schema

sys.path.insert(0, str(Path(__file__).parents[1] / "security"))
from secsupport import make_key


async def test_context_events_carry_their_context_and_stay_in_scope(sqlite_url: str) -> None:
    _, admin = await make_key(sqlite_url, "admin")
    _, team_a_admin = await make_key(sqlite_url, "admin", (":.team-a:*",))
    async with (
        running(Receiver()) as receiver,
        registry_app(sqlite_url, auth_enabled=True) as (client, _app),
    ):
        made = await client.post(
            "/webhooks",
            json={"url": receiver.url, "secret": receiver.secret},
            headers={"X-API-Key": team_a_admin},
        )
        assert made.status_code == 201, made.text
        full = {"X-API-Key": admin}
        for path in (
            "/subjects/plain",
            "/contexts/.team-b/subjects/s",
            "/contexts/.team-a/subjects/s",
        ):
            for fields in ((), ("x",)):
                body = {"schema": schema("Event", *fields)}
                reply = await client.post(f"{path}/versions", json=body, headers=full)
                assert reply.status_code == 200, reply.text
        await eventually(lambda: len(delivered(receiver.received)) >= 2)
    got = delivered(receiver.received)
    assert [(e["subject"], e["data"]["id"], e["context"]) for e in got] == [
        (":.team-a:s", 1, ".team-a"),
        (":.team-a:s", 2, ".team-a"),
    ]
