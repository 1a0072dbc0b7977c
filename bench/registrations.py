"""Registrations per second on SQLite and PostgreSQL, and `latest` lookups per second.

Each run starts a real `llm-schema serve` on a fresh store; wrk (with `register.lua`) POSTs a
new Avro schema per request over 100 subjects from 32 connections, then reads `latest`.
PostgreSQL runs, with one and two worker processes, when REGISTRY_BENCH_PG_DSN names an admin
DSN (a scratch database is created and dropped).

    .venv/bin/python bench/registrations.py [--seconds 8]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import uuid
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).parent))
from common import registry_server, wrk

SUBJECTS = 100
SCRIPT = Path(__file__).with_name("register.lua")


def run(label: str, database_url: str, work: Path, seconds: int, workers: int = 1) -> None:
    # One worker is pinned to core 0 (wrk on core 1); two workers share both cores with wrk.
    server = registry_server(database_url, work, core=0 if workers == 1 else None, workers=workers)
    label = f"{label} x{workers}"
    try:
        with httpx.Client(base_url=server.url) as client:
            for n in range(SUBJECTS):  # every schema is new: measure storage, not the checker
                client.put(f"/config/w{n}", json={"compatibility": "NONE"}).raise_for_status()
        core = 1 if workers == 1 else None
        registered = wrk(server.url, 32, seconds, SCRIPT, core=core)
        print(f"  {label:14} POST /subjects/{{s}}/versions {registered.line()}")
        latest = wrk(server.url + "/subjects/w7/versions/latest", 64, seconds, core=core)
        print(f"  {label:14} GET /subjects/{{s}}/versions/latest {latest.line()}")
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
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    print("registrations and latest lookups (x1: one worker on core 0, wrk on core 1; x2: shared)")
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", f"sqlite:///{tmp}/bench.db", Path(tmp), args.seconds)
        admin = os.environ.get("REGISTRY_BENCH_PG_DSN")
        if admin:
            name = f"lsr_bench_{uuid.uuid4().hex[:8]}"
            asyncio.run(scratch_database(admin, True, name))
            try:
                for workers in (1, 2):
                    run(
                        "PostgreSQL",
                        f"{admin.rpartition('/')[0]}/{name}",
                        Path(tmp),
                        args.seconds,
                        workers,
                    )
            finally:
                asyncio.run(scratch_database(admin, False, name))
        else:
            print("  PostgreSQL skipped: set REGISTRY_BENCH_PG_DSN")


if __name__ == "__main__":
    main()
