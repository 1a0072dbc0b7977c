"""Registrations per second on SQLite and PostgreSQL, and `latest` lookups per second.

Each run starts a real `llm-schema serve` on a fresh store; wrk (with `register.lua`) POSTs a
new Avro schema per request over 100 subjects from 32 connections, then reads `latest`.
PostgreSQL runs, with one and two worker processes, when REGISTRY_BENCH_PG_DSN names an admin
DSN (a scratch database is created and dropped per run). This host's speed drifts between
minutes (a shared VM), so the configurations run in `--repeat` interleaved rounds and the
medians are printed last. Other work on the machine lowers the rates but hardly the CPU each
registration takes, so each run also prints the CPU time the registry's processes and
PostgreSQL's spent per registration (from /proc), the figure that says what two idle cores
could sustain.

    .venv/bin/python bench/registrations.py [--seconds 8] [--repeat 3]
        [--before /tmp/perf-before/src] [--only-sqlite]

`--before` names the `src` folder of an earlier checkout: each configuration then also runs on
that code, interleaved with this one's, so the two are compared on the same minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).parent))
from common import WrkResult, registry_server, wrk

SUBJECTS = 100
SCRIPT = Path(__file__).with_name("register.lua")


def _processes() -> dict[int, tuple[int, str, float]]:
    """pid -> (parent pid, command line, CPU seconds) for every process (Linux /proc)."""
    found: dict[int, tuple[int, str, float]] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        cpu = (int(fields[11]) + int(fields[12])) / tick
        found[int(entry.name)] = (int(fields[1]), command, cpu)
    return found


def cpu_seconds(root: int, database_url: str) -> tuple[float, float]:
    """CPU seconds so far of `root` with its descendants, and of the PostgreSQL backends
    serving `database_url` (a backend's title: "postgres: 15/main: ROLE DATABASE HOST …")."""
    parts = urlsplit(database_url)
    serving = f": {parts.username} {parts.path.lstrip('/')} "
    table = _processes()
    tree, changed = {root}, True
    while changed:
        grown = tree | {pid for pid, (parent, _, _) in table.items() if parent in tree}
        changed, tree = grown != tree, grown
    registry = sum(table[pid][2] for pid in tree if pid in table)
    backends = sum(
        cpu
        for _, command, cpu in table.values()
        if command.startswith("postgres:") and serving in command
    )
    return registry, backends


def settled_cpu(pid: int, database_url: str, timeout: float = 60.0) -> tuple[float, float]:
    """`cpu_seconds` once the registry has gone idle. A mutation's audit entry is written after
    its response, so work is still queued when wrk stops; both rounds count all of it."""
    deadline = time.monotonic() + timeout
    last = cpu_seconds(pid, database_url)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = cpu_seconds(pid, database_url)
        if now[0] - last[0] < 0.01:
            return now
        last = now
    return last


def run(
    database_url: str, work: Path, seconds: int, workers: int, source: Path | None
) -> tuple[WrkResult, WrkResult]:
    """(registrations, latest lookups). One worker is pinned to core 0 (wrk on core 1); two
    workers share both cores with wrk."""
    server = registry_server(
        database_url, work, core=0 if workers == 1 else None, workers=workers, source=source
    )
    try:
        with httpx.Client(base_url=server.url) as client:
            for n in range(SUBJECTS):  # every schema is new: measure storage, not the checker
                client.put(f"/config/w{n}", json={"compatibility": "NONE"}).raise_for_status()
        core = 1 if workers == 1 else None
        before = cpu_seconds(server.process.pid, database_url)
        registered = wrk(server.url, 32, seconds, SCRIPT, core=core)
        after = settled_cpu(server.process.pid, database_url)
        with httpx.Client(base_url=server.url) as client:
            count = sum(len(client.get(f"/subjects/w{n}/versions").json()) for n in range(SUBJECTS))
        print(
            f"    CPU per registration: registry {(after[0] - before[0]) / count * 1000:.2f} ms, "
            f"PostgreSQL {(after[1] - before[1]) / count * 1000:.2f} ms"
        )
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


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def median(results: list[WrkResult]) -> WrkResult:
    ordered = sorted(results, key=lambda r: r.requests_per_second)
    return ordered[len(ordered) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", type=Path, help="src folder of an earlier checkout")
    parser.add_argument("--only-sqlite", action="store_true")
    args = parser.parse_args()
    admin = None if args.only_sqlite else os.environ.get("REGISTRY_BENCH_PG_DSN")
    stores: list[tuple[str, str | None, int]] = [("SQLite x1", None, 1)]
    if admin:
        stores += [("PostgreSQL x1", admin, 1), ("PostgreSQL x2", admin, 2)]
    else:
        print("  PostgreSQL skipped: set REGISTRY_BENCH_PG_DSN (and no --only-sqlite)")
    this = Path(__file__).resolve().parent.parent / "src"
    trees = [("", this)] + ([("before ", args.before)] if args.before else [])
    configurations = [
        (f"{name}{label}", dsn, workers, source)
        for label, dsn, workers in stores
        for name, source in trees
    ]
    print(f"load average {loadavg()}")
    print("registrations and latest lookups (x1: one worker on core 0, wrk on core 1; x2: shared)")
    results: dict[str, list[tuple[WrkResult, WrkResult]]] = {c[0]: [] for c in configurations}
    with tempfile.TemporaryDirectory() as tmp:
        for round_number in range(1, args.repeat + 1):
            for label, dsn, workers, source in configurations:
                with fresh_store(dsn, Path(tmp)) as url:
                    registered, latest = run(url, Path(tmp), args.seconds, workers, source)
                results[label].append((registered, latest))
                print(f"  round {round_number} {label:14} POST versions  {registered.line()}")
                print(f"  round {round_number} {label:14} GET latest     {latest.line()}")
    print(f"medians of {args.repeat} rounds (load average {loadavg()}):")
    for label, runs in results.items():
        registered, latest = median([r[0] for r in runs]), median([r[1] for r in runs])
        print(f"  {label:14} POST /subjects/{{s}}/versions       {registered.line()}")
        print(f"  {label:14} GET /subjects/{{s}}/versions/latest {latest.line()}")


if __name__ == "__main__":
    main()
