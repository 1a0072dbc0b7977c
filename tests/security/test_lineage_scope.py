"""Lineage and impact over the API are cut to the caller's scope, like listings: subjects a
key may not read are left out of the graph and masked in impact results."""

from __future__ import annotations

from secsupport import make_key
from test_dashboard_sessions import app_client


async def test_lineage_and_impact_leave_out_subjects_outside_the_callers_scope(
    sqlite_url: str,
) -> None:
    _, admin = await make_key(sqlite_url, "admin")
    _, scoped = await make_key(sqlite_url, "consumer", ("a", "b"))
    record = '{"type":"record","name":"%s","fields":[{"name":"f","type":"%s"}]}'
    async with app_client(sqlite_url, auth_enabled=True) as client:
        headers = {"X-API-Key": admin, "Content-Type": "application/json"}
        for subject, name, field, ref in (
            ("a", "A", "string", None),
            ("b", "B", "A", ("A", "a")),
            ("c", "C", "B", ("B", "b")),
        ):
            refs = [{"name": ref[0], "subject": ref[1], "version": 1}] if ref else []
            body = {"schema": record % (name, field), "references": refs}
            assert (
                await client.post(f"/subjects/{subject}/versions", json=body, headers=headers)
            ).status_code == 200
        mine = {"X-API-Key": scoped, "Content-Type": "application/json"}
        graph = (await client.get("/subjects/b/lineage", headers=mine)).json()
        assert {n["subject"] for n in graph["nodes"]} == {"a", "b"}
        assert all("c" not in (e["from"] + e["to"]) for e in graph["edges"])
        proposal = {"schema": record % ("A", "int")}
        found = (await client.post("/subjects/a/impact", json=proposal, headers=mine)).json()
        assert sorted(item["subject"] for item in found["affected"]) == [
            "(a subject outside your scope)",
            "b",
        ]
        everything = await client.post("/subjects/a/impact", json=proposal, headers=headers)
        assert sorted(i["subject"] for i in everything.json()["affected"]) == ["b", "c"]
