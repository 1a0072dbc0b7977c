"""Two real registry processes on one PostgreSQL take concurrent registrations."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from pathlib import Path

import httpx

from support import ServerProcess, fresh_pg_database

SUBJECTS = [f"node-test-{n}" for n in range(5)]


def distinct(subject: str, n: int) -> str:
    fields = [{"name": f"{subject.replace('-', '_')}_f{i}", "type": "long"} for i in range(n + 1)]
    return json.dumps({"type": "record", "name": "Event", "fields": fields})


IDENTICAL = json.dumps({"type": "record", "name": "Same", "fields": [{"name": "x", "type": "int"}]})
SHARED = json.dumps({"type": "record", "name": "Shared", "fields": [{"name": "y", "type": "int"}]})


def test_200_concurrent_registrations_across_two_nodes(tmp_path: Path) -> None:
    with fresh_pg_database() as url:
        nodes = [ServerProcess(url, tmp_path), ServerProcess(url, tmp_path)]
        try:
            asyncio.run(_hammer([node.url for node in nodes]))
        finally:
            for node in nodes:
                node.stop()


async def _hammer(urls: list[str]) -> None:
    jobs: list[tuple[str, str]] = []
    jobs += [(s, distinct(s, n)) for s in SUBJECTS for n in range(26)]  # 130 distinct
    jobs += [("node-test-identical", IDENTICAL)] * 45  # one schema, many times, one subject
    jobs += [(s, SHARED) for s in SUBJECTS for _ in range(5)]  # one schema in five subjects
    assert len(jobs) == 200
    async with httpx.AsyncClient(timeout=60) as client:
        for subject in [*SUBJECTS, "node-test-identical"]:
            reply = await client.put(f"{urls[0]}/config/{subject}", json={"compatibility": "NONE"})
            assert reply.status_code == 200
        gate = asyncio.Semaphore(32)

        async def register(index: int, subject: str, schema: str) -> dict[str, int]:
            async with gate:
                reply = await client.post(
                    f"{urls[index % 2]}/subjects/{subject}/versions", json={"schema": schema}
                )
            assert reply.status_code == 200, reply.text
            return {"id": reply.json()["id"], "version": reply.json()["version"]}

        results = await asyncio.gather(
            *(register(i, subject, schema) for i, (subject, schema) in enumerate(jobs))
        )
        listing = (await client.get(f"{urls[1]}/schemas?deleted=true")).json()

    ids_by_schema: dict[str, set[int]] = defaultdict(set)
    for (_, schema), result in zip(jobs, results, strict=True):
        ids_by_schema[schema].add(result["id"])
    assert all(len(ids) == 1 for ids in ids_by_schema.values()), "one id per schema"
    assert len({next(iter(ids)) for ids in ids_by_schema.values()}) == len(ids_by_schema)

    by_subject: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for row in listing:
        by_subject[row["subject"]].append((row["version"], row["id"]))
    assert sum(len(rows) for rows in by_subject.values()) == len(listing)
    for subject, rows in by_subject.items():
        versions = sorted(v for v, _ in rows)
        assert versions == list(range(1, len(rows) + 1)), f"{subject}: {versions}"
    assert len(by_subject["node-test-identical"]) == 1
    for subject in SUBJECTS:
        rows = sorted(by_subject[subject])
        assert len(rows) == 27  # 26 distinct + the shared one
        fresh = [
            schema_id for _, schema_id in rows if schema_id != next(iter(ids_by_schema[SHARED]))
        ]
        assert fresh == sorted(fresh) and len(set(fresh)) == len(fresh), "ids strictly increase"
