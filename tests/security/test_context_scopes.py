"""RBAC scopes naming contexts: a key for `:.team-a:*` reads and writes team-a only."""

from __future__ import annotations

from pathlib import Path

from secsupport import AVRO_V1, AVRO_V2, api_key, make_key, secured_client

FORBIDDEN = (403, 40301)


def refused(reply: object) -> tuple[int, int]:
    return reply.status_code, reply.json()["error_code"]  # type: ignore[attr-defined]


async def test_a_key_scoped_to_one_context_gets_403_on_another(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/registry.db"
    admin = api_key((await make_key(url, "admin"))[1])
    team_a = api_key((await make_key(url, "publisher", (":.team-a:*",)))[1])
    plain_reader = api_key((await make_key(url, "consumer", ("plain*",)))[1])
    async with secured_client(url) as client:
        for context in (".team-a", ".team-b"):
            reply = await client.post(
                f"/contexts/{context}/subjects/orders/versions",
                json={"schema": AVRO_V1},
                headers=admin,
            )
            assert reply.json()["id"] == 1
        # Its own context: read and write, through the prefix or the qualified name.
        own = await client.post(
            "/contexts/.team-a/subjects/orders/versions", json={"schema": AVRO_V2}, headers=team_a
        )
        assert own.status_code == 200, own.text
        assert (await client.get("/subjects/:.team-a:orders/versions", headers=team_a)).json() == [
            1,
            2,
        ]
        assert (
            await client.get("/contexts/.team-a/schemas/ids/1", headers=team_a)
        ).status_code == 200
        # Another context: every read and write is refused, whichever way it is named.
        attempts = [
            client.post(
                "/contexts/.team-b/subjects/orders/versions",
                json={"schema": AVRO_V2},
                headers=team_a,
            ),
            client.post(
                "/subjects/:.team-b:orders/versions", json={"schema": AVRO_V2}, headers=team_a
            ),
            client.get("/contexts/.team-b/subjects/orders/versions/1", headers=team_a),
            client.get("/subjects/:.team-b:orders/versions/latest", headers=team_a),
            client.get("/contexts/.team-b/schemas/ids/1", headers=team_a),
            client.get("/schemas/ids/1", params={"subject": ":.team-b:orders"}, headers=team_a),
            client.delete("/contexts/.team-b/subjects/orders", headers=team_a),
        ]
        for attempt in attempts:
            assert refused(await attempt) == FORBIDDEN
        # Listings are cut to its scope: team-b's subjects and the context itself stay hidden.
        assert (await client.get("/subjects", headers=team_a)).json() == [":.team-a:orders"]
        assert (await client.get("/contexts/.team-b/subjects", headers=team_a)).json() == []
        assert (await client.get("/contexts", headers=team_a)).json() == [".team-a"]
        assert (await client.get("/contexts", headers=admin)).json() == [".", ".team-a", ".team-b"]
        # Team-b is unchanged.
        latest = await client.get("/subjects/:.team-b:orders/versions/latest", headers=admin)
        assert latest.json()["version"] == 1
        # The default context is no context of its: its ids are refused too, while a key
        # scoped to default-context subjects reads them as before.
        plain = await client.post(
            "/subjects/plain/versions", json={"schema": AVRO_V1}, headers=admin
        )
        assert plain.json()["id"] == 1
        assert refused(await client.get("/schemas/ids/1", headers=team_a)) == FORBIDDEN
        assert refused(await client.get("/schemas/ids/1/versions", headers=team_a)) == FORBIDDEN
        assert (await client.get("/schemas/ids/1", headers=plain_reader)).status_code == 200
        refused_too = await client.get("/contexts/.team-a/schemas/ids/1", headers=plain_reader)
        assert refused(refused_too) == FORBIDDEN
        # Deleting a context is for admins.
        assert refused(await client.delete("/contexts/.team-a", headers=team_a)) == FORBIDDEN
