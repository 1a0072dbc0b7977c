"""Subject search at 10,000 subjects: `GET /subjects` with governance filters, over HTTP (ASGI,
in-process) on SQLite, and on PostgreSQL when REGISTRY_BENCH_PG_DSN (an admin DSN) is set: a
throwaway database is created next to it and dropped afterwards. Subjects are seeded straight
through the store (one transaction), so the figures are the search alone.

    REGISTRY_BENCH_PG_DSN=postgresql://postgres@127.0.0.1:5432/test \
        .venv/bin/python bench/search.py [--subjects 10000] [--repeat 20] [--writes 20]

The code measured is whatever `llm_schema_registry` imports: for before/after, run it with
PYTHONPATH naming each checkout's `src` in turn.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "api"))
from governance_support import DOMAINS, V1, seed_subjects

from llm_schema_registry.api.app import create_app
from llm_schema_registry.settings import Settings

QUERIES = {
    "plain list (Confluent)": "",
    "tag": "tag=gold",
    "owner": "owner=team-3",
    "query substring": "query=service%204242",
    "glob": "subjectPrefix=telemetry.*",
    "state": "state=ACTIVE",
    "combined": "tag=gold&owner=team-0&subjectPrefix=telemetry.*",
}


async def measure(
    url: str, subjects: int, repeat: int, writes_and_searches: int
) -> dict[str, float]:
    app = create_app(Settings(database_url=url))  # type: ignore[arg-type]
    async with LifespanManager(app) as manager:
        inner: Any = app
        while not hasattr(inner, "state"):
            inner = inner.app
        await seed_subjects(inner.state.store, subjects)
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://registry", headers={"Content-Type": V1}
        ) as client:
            medians = {}
            for label, query in QUERIES.items():
                times = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    response = await client.get(f"/subjects?{query}")
                    times.append(time.perf_counter() - started)
                    assert response.status_code == 200
                medians[label] = statistics.median(times) * 1000
            # Writes and searches interleaved: each write (metadata of one subject) is followed
            # by a search, which must first bring the index up to date.
            after_write, writes = [], []
            for i in range(writes_and_searches):
                subject = f"{DOMAINS[(i * 7) % len(DOMAINS)]}.svc{i * 7}.events"
                body = {"metadata": {"properties": {"owner": f"bench-{i}", "tags": "gold"}}}
                started = time.perf_counter()
                written = await client.put(f"/subjects/{subject}/versions/1", json=body)
                writes.append(time.perf_counter() - started)
                assert written.status_code == 200, written.text
                started = time.perf_counter()
                found = await client.get(f"/subjects?owner=bench-{i}")
                after_write.append(time.perf_counter() - started)
                assert found.json() == [subject], found.text
            after_write.sort()
            medians["first search after a write"] = statistics.median(after_write) * 1000
            medians["  p95 of those"] = after_write[int(len(after_write) * 0.95)] * 1000
            medians["the write itself (median)"] = statistics.median(writes) * 1000
            return medians


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subjects", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--writes", type=int, default=20, help="write+search pairs")
    args = parser.parse_args()
    engines = {}
    with tempfile.TemporaryDirectory() as tmp:
        engines["sqlite"] = f"sqlite:///{tmp}/search.db"
        admin = os.environ.get("REGISTRY_BENCH_PG_DSN")
        scratch = f"bench_search_{os.getpid()}"
        if admin:
            asyncio.run(_pg(admin, f'CREATE DATABASE "{scratch}"'))
            engines["postgresql"] = f"{admin.rpartition('/')[0]}/{scratch}"
        try:
            for engine, url in engines.items():
                medians = asyncio.run(measure(url, args.subjects, args.repeat, args.writes))
                report(engine, medians, args)
        finally:
            if admin:
                asyncio.run(_pg(admin, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))


async def _pg(dsn: str, statement: str) -> None:
    """Run one statement on the admin DSN: the benchmark seeds a throwaway database."""
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def report(engine: str, medians: dict[str, float], args: argparse.Namespace) -> None:
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(
        f"{engine}: {args.subjects} subjects, median of {args.repeat} requests, "
        f"{args.writes} write+search pairs (load average {load})"
    )
    for label, ms in medians.items():
        print(f"  {label:<28} {ms:8.1f} ms")


if __name__ == "__main__":
    main()
