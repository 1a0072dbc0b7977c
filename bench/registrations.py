"""Registrations per second on SQLite and PostgreSQL, and `latest` lookups per second.

Each run starts a real `llm-schema serve` (one worker, core 0) on a fresh store and POSTs
distinct Avro schemas over 100 subjects from 32 concurrent clients (core 1). PostgreSQL
runs when REGISTRY_BENCH_PG_DSN names an admin DSN (a scratch database is created).

    .venv/bin/python bench/registrations.py [--count 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).parent))
from common import registry_server, wrk

SUBJECTS = 100


def schema(subject: int, n: int) -> str:
    fields = [{"name": "id", "type": "string"}] + [
        {"name": f"f{i}", "type": "long", "default": 0} for i in range(n)
    ]
    return json.dumps({"type": "record", "name": f"E{subject}", "fields": fields})


async def register_all(url: str, count: int) -> float:
    gate = asyncio.Semaphore(32)
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:

        async def one(k: int) -> None:
            async with gate:
                reply = await client.post(
                    f"/subjects/s{k % SUBJECTS}/versions",
                    json={"schema": schema(k % SUBJECTS, k // SUBJECTS)},
                )
            reply.raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(one(k) for k in range(count)))
        return count / (time.perf_counter() - started)


def run(label: str, database_url: str, work: Path, count: int) -> None:
    server = registry_server(database_url, work)
    try:
        rate = asyncio.run(register_all(server.url, count))
        print(
            f"  {label:10} {rate:8.0f} registrations/s ({count} distinct schemas, "
            f"{SUBJECTS} subjects, 32 concurrent clients)"
        )
        latest = wrk(server.url + "/subjects/s7/versions/latest", 64, 5)
        print(f"  {label:10} GET /subjects/{{s}}/versions/latest {latest.line()}")
    finally:
        server.stop()


async def scratch_database(admin: str, create: bool, name: str) -> None:
    conn = await asyncpg.connect(admin)
    try:
        statement = (
            f'CREATE DATABASE "{name}"' if create else f'DROP DATABASE "{name}" WITH (FORCE)'
        )
        await conn.execute(statement)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    args = parser.parse_args()
    print("registrations, one uvicorn worker on core 0, clients on core 1")
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", f"sqlite:///{tmp}/bench.db", Path(tmp), args.count)
        admin = os.environ.get("REGISTRY_BENCH_PG_DSN")
        if admin:
            name = f"lsr_bench_{uuid.uuid4().hex[:8]}"
            asyncio.run(scratch_database(admin, True, name))
            try:
                run("PostgreSQL", f"{admin.rpartition('/')[0]}/{name}", Path(tmp), args.count)
            finally:
                asyncio.run(scratch_database(admin, False, name))
        else:
            print("  PostgreSQL skipped: set REGISTRY_BENCH_PG_DSN")


if __name__ == "__main__":
    main()
