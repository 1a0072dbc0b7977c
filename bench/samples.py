"""Replaying stored samples against a proposed JSON Schema version: 10,000 samples.

A subject keeps its 10,000 most recent validated records (`"sampleRecords": 10000`, filled
through `POST /validate` in batches of 1,000); the proposed version makes one field required
that 3 % of them lack. Timed, in interleaved rounds (medians shown):

- the compatibility check with `?samples=true`, end to end over ASGI in-process (read the
  samples, decode them, validate each, answer) — the figure the target is about;
- the same check without samples (what the replay adds is the difference);
- the replay alone: the format's validator over the already-loaded samples.

    .venv/bin/python bench/samples.py [--samples 10000] [--rounds 5]
    REGISTRY_BENCH_PG_DSN=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/samples.py   # also on a scratch PostgreSQL database
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
import uuid
from typing import Any

import asyncpg
import httpx
from asgi_lifespan import LifespanManager

from llm_schema_registry.api.app import create_app
from llm_schema_registry.formats import format_for
from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.registry.samples import Sample, SampleKind, replay
from llm_schema_registry.settings import Settings

SUBJECT = "answers"
V1 = "application/vnd.schemaregistry.v1+json"


def answer_schema(required: list[str]) -> dict[str, Any]:
    """An LLM answer: text, confidence, a label, citations, usage."""
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "answer": {"type": "string", "minLength": 1},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "label": {"enum": ["billing", "bug", "feature", "other"]},
            "follow_up": {"type": "string"},
            "citations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"url": {"type": "string"}, "quote": {"type": "string"}},
                    "required": ["url"],
                },
            },
            "usage": {
                "type": "object",
                "properties": {"input": {"type": "integer"}, "output": {"type": "integer"}},
            },
        },
        "required": required,
    }


BASE = ["answer", "confidence", "label"]


def record(n: int) -> dict[str, Any]:
    found: dict[str, Any] = {
        "answer": f"The answer to question {n} is in the billing guide.",
        "confidence": (n % 100) / 100,
        "label": ["billing", "bug", "feature", "other"][n % 4],
        "citations": [{"url": f"https://docs.example/{n}", "quote": "see section 2"}],
        "usage": {"input": 400 + n % 50, "output": 80 + n % 20},
    }
    if n % 100 >= 3:  # 3 % lack it
        found["follow_up"] = "Anything else?"
    return found


async def timed(call: Any) -> float:
    started = time.perf_counter()
    await call()
    return time.perf_counter() - started


async def run(url: str, count: int, rounds: int) -> None:
    app = create_app(Settings(database_url=url, usage_flush_seconds=3600))  # type: ignore[arg-type]
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", headers={"Content-Type": V1}
        ) as client:
            config = {"compatibility": "NONE", "sampleRecords": count}
            assert (await client.put(f"/config/{SUBJECT}", json=config)).status_code == 200
            v1 = {"schema": json.dumps(answer_schema(BASE)), "schemaType": "JSON"}
            assert (await client.post(f"/subjects/{SUBJECT}/versions", json=v1)).status_code == 200
            for start in range(0, count, 1000):
                batch = [record(n) for n in range(start, min(start + 1000, count))]
                body = {"subject": SUBJECT, "records": batch}
                assert (await client.post("/validate", json=body)).status_code == 200
            listed = await client.get(f"/subjects/{SUBJECT}/samples", params={"kind": "recent"})
            stored = listed.json()["samples"]
            assert len(stored) == count, len(stored)

            v2_text = json.dumps(answer_schema([*BASE, "follow_up"]))
            v2 = {"schema": v2_text, "schemaType": "JSON"}
            path = f"/compatibility/subjects/{SUBJECT}/versions"
            samples = [Sample(s["id"], SUBJECT, SampleKind.RECENT, s["record"], 0) for s in stored]
            fmt = format_for(SchemaType.JSON)

            async def with_samples() -> None:
                reply = (await client.post(path, params={"samples": "true"}, json=v2)).json()
                assert reply["samples"]["checked"] == count
                assert reply["samples"]["rejected"] == count * 3 // 100

            async def without() -> None:
                assert (await client.post(path, json=v2)).json()["is_compatible"]

            async def replay_only() -> None:
                report = replay(fmt.validator(fmt.parse(v2_text)), samples)
                assert report.rejected == count * 3 // 100

            figures: dict[str, list[float]] = {"samples": [], "plain": [], "replay": []}
            for _ in range(rounds):  # interleaved
                figures["samples"].append(await timed(with_samples))
                figures["plain"].append(await timed(without))
                figures["replay"].append(await timed(replay_only))
    engine = url.split(":", 1)[0]
    for label, values in figures.items():
        ms = [v * 1000 for v in values]
        print(
            f"  {engine:10} {label:8} median {statistics.median(ms):8.1f} ms"
            f"  (min {min(ms):.1f}, max {max(ms):.1f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"replay of {args.samples} samples against a new JSON Schema version")
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(f"sqlite:///{folder}/registry.db", args.samples, args.rounds))
    if admin := os.environ.get("REGISTRY_BENCH_PG_DSN"):
        asyncio.run(on_scratch_database(admin, args.samples, args.rounds))


async def on_scratch_database(admin: str, count: int, rounds: int) -> None:
    """`run` on a new PostgreSQL database, dropped afterwards."""
    name = f"lsr_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
        try:
            await run(admin.rsplit("/", 1)[0] + f"/{name}", count, rounds)
        finally:
            await conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        await conn.close()


if __name__ == "__main__":
    main()
