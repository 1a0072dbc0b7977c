"""Registrations per second on SQLite and PostgreSQL, and `latest` lookups per second.

Each run starts a real `llm-schema serve` on a fresh store; wrk (with `register.lua`) POSTs a
new Avro schema per request over 100 subjects from 32 connections, then reads `latest`.
PostgreSQL runs, with one and two worker processes, when REGISTRY_BENCH_PG_DSN names an admin
DSN (a scratch database is created and dropped per run). This host's speed drifts between
minutes (a shared VM), so the configurations run in `--repeat` interleaved rounds and the
medians are printed last.

    .venv/bin/python bench/registrations.py [--seconds 8] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).parent))
from common import WrkResult, registry_server, wrk

SUBJECTS = 100
SCRIPT = Path(__file__).with_name("register.lua")


def run(database_url: str, work: Path, seconds: int, workers: int) -> tuple[WrkResult, WrkResult]:
    """(registrations, latest lookups). One worker is pinned to core 0 (wrk on core 1); two
    workers share both cores with wrk."""
    server = registry_server(database_url, work, core=0 if workers == 1 else None, workers=workers)
    try:
        with httpx.Client(base_url=server.url) as client:
            for n in range(SUBJECTS):  # every schema is new: measure storage, not the checker
                client.put(f"/config/w{n}", json={"compatibility": "NONE"}).raise_for_status()
        core = 1 if workers == 1 else None
        registered = wrk(server.url, 32, seconds, SCRIPT, core=core)
        latest = wrk(server.url + "/subjects/w7/versions/latest", 64, seconds, core=core)
        return registered, latest
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


@contextmanager
def fresh_store(admin: str | None, work: Path) -> Iterator[str]:
    """A new empty SQLite file (admin None) or PostgreSQL database, removed afterwards."""
    name = f"lsr_bench_{uuid.uuid4().hex[:8]}"
    if admin is None:
        path = work / f"{name}.db"
        try:
            yield f"sqlite:///{path}"
        finally:
            for leftover in work.glob(f"{name}.db*"):
                leftover.unlink()
        return
    asyncio.run(scratch_database(admin, True, name))
    try:
        yield f"{admin.rpartition('/')[0]}/{name}"
    finally:
        asyncio.run(scratch_database(admin, False, name))


def median(results: list[WrkResult]) -> WrkResult:
    ordered = sorted(results, key=lambda r: r.requests_per_second)
    return ordered[len(ordered) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    admin = os.environ.get("REGISTRY_BENCH_PG_DSN")
    configurations: list[tuple[str, str | None, int]] = [("SQLite x1", None, 1)]
    if admin:
        configurations += [("PostgreSQL x1", admin, 1), ("PostgreSQL x2", admin, 2)]
    else:
        print("  PostgreSQL skipped: set REGISTRY_BENCH_PG_DSN")
    print("registrations and latest lookups (x1: one worker on core 0, wrk on core 1; x2: shared)")
    results: dict[str, list[tuple[WrkResult, WrkResult]]] = {c[0]: [] for c in configurations}
    with tempfile.TemporaryDirectory() as tmp:
        for round_number in range(1, args.repeat + 1):
            for label, dsn, workers in configurations:
                with fresh_store(dsn, Path(tmp)) as url:
                    registered, latest = run(url, Path(tmp), args.seconds, workers)
                results[label].append((registered, latest))
                print(f"  round {round_number} {label:14} POST versions  {registered.line()}")
                print(f"  round {round_number} {label:14} GET latest     {latest.line()}")
    print(f"medians of {args.repeat} rounds:")
    for label, runs in results.items():
        registered, latest = median([r[0] for r in runs]), median([r[1] for r in runs])
        print(f"  {label:14} POST /subjects/{{s}}/versions       {registered.line()}")
        print(f"  {label:14} GET /subjects/{{s}}/versions/latest {latest.line()}")


if __name__ == "__main__":
    main()
