"""Backup and restore of a million versions: `llm-schema backup` / `restore` as the console
script runs them, timed, with each process's peak RSS (from wait4's rusage).

Loads a scratch PostgreSQL database with COPY (10,000 subjects x 100 versions, one schema
each, as bench/scale.py does, streamed in batches), backs it up, restores the file into a
fresh PostgreSQL database and into a SQLite file, and checks the restored row counts. Needs
REGISTRY_BENCH_PG_DSN (an admin DSN; scratch databases are dropped afterwards).

    REGISTRY_BENCH_PG_DSN=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/backup.py [--subjects 10000] [--versions 100]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
from common import avro_version_rows

from llm_schema_registry.storage.sql import SqlStore

SCRIPT = str(Path(sys.executable).parent / "llm-schema")
SCHEMA_COLUMNS = [
    "id",
    "guid",
    "schema_type",
    "text",
    "identity_hash",
    "content_hash",
    "references_json",
    "metadata_json",
    "rule_set_json",
    "created_ms",
]
BATCH = 50_000


def batches(subjects: int, versions: int) -> Iterator[tuple[list[tuple[object, ...]], ...]]:
    """(schemas, subject_versions) rows, BATCH at a time."""
    schemas: list[tuple[object, ...]] = []
    rows: list[tuple[object, ...]] = []
    for schema, row in avro_version_rows(subjects, versions, "bench"):
        schemas.append(schema)
        rows.append(row)
        if len(schemas) >= BATCH:
            yield schemas, rows
            schemas, rows = [], []
    if schemas:
        yield schemas, rows


async def load(url: str, subjects: int, versions: int) -> float:
    store = SqlStore(url)
    await store.start()  # migrations
    await store.close()
    started = time.perf_counter()
    conn = await asyncpg.connect(url)
    try:
        for schemas, rows in batches(subjects, versions):
            await conn.copy_records_to_table("schemas", records=schemas, columns=SCHEMA_COLUMNS)
            await conn.copy_records_to_table(
                "subject_versions",
                records=rows,
                columns=["subject", "version", "schema_id", "deleted", "ts"],
            )
        await conn.execute("SELECT setval('schema_ids', $1)", subjects * versions + 1)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return time.perf_counter() - started


async def database(admin: str, name: str, create: bool) -> None:
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(
            f'CREATE DATABASE "{name}"' if create else f'DROP DATABASE "{name}" WITH (FORCE)'
        )
    finally:
        await conn.close()


def measured(*args: str, database_url: str) -> tuple[float, float, float, str]:
    """(seconds, CPU seconds, peak RSS in MiB, stdout) of one `llm-schema` run. CPU time is
    the command's own (not PostgreSQL's), and hardly moves with other load on the machine."""
    env = {**os.environ, "REGISTRY_DATABASE_URL": database_url}
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(
            [SCRIPT, "--output", "json", *args], stdout=out, stderr=subprocess.DEVNULL, env=env
        )
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode()
    if process.returncode != 0:
        raise SystemExit(f"llm-schema {' '.join(args)} failed: {text}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text


async def counts(url: str) -> tuple[int, int]:
    if url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            found = [conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES]
        return found[0], found[1]
    conn = await asyncpg.connect(url)
    try:
        found = [await conn.fetchval(f"SELECT COUNT(*) FROM {t}") for t in TABLES]
        return found[0], found[1]
    finally:
        await conn.close()


TABLES = ("schemas", "subject_versions")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=10_000)
    parser.add_argument("--versions", type=int, default=100)
    args = parser.parse_args()
    admin = os.environ.get("REGISTRY_BENCH_PG_DSN")
    if not admin:
        raise SystemExit("set REGISTRY_BENCH_PG_DSN (an admin PostgreSQL DSN)")
    base = admin.rpartition("/")[0]
    source, restored = f"lsr_backup_{uuid.uuid4().hex[:8]}", f"lsr_restore_{uuid.uuid4().hex[:8]}"
    work = Path(tempfile.mkdtemp(prefix="lsr-backup-"))
    total = args.subjects * args.versions
    for name in (source, restored):
        asyncio.run(database(admin, name, True))
    try:
        seconds = asyncio.run(load(f"{base}/{source}", args.subjects, args.versions))
        print(f"loaded {total:,} versions in {seconds:.1f} s", flush=True)
        file = work / "registry.backup"
        runs = [
            ("backup (PostgreSQL)", ("backup", str(file)), f"{base}/{source}"),
            ("restore into PostgreSQL", ("restore", str(file)), f"{base}/{restored}"),
            ("restore into SQLite", ("restore", str(file)), f"sqlite:///{work}/restored.db"),
        ]
        for label, command, url in runs:
            seconds, cpu, rss, _ = measured(*command, database_url=url)
            extra = (
                f", file {file.stat().st_size / 2**20:.0f} MiB" if command[0] == "backup" else ""
            )
            if command[0] == "restore":
                assert asyncio.run(counts(url)) == (total, total), f"{label}: row counts differ"
            print(
                f"{label}: {seconds:.1f} s ({cpu:.1f} s CPU), {total / seconds:,.0f} versions/s, "
                f"peak RSS {rss:.0f} MiB{extra}",
                flush=True,
            )
    finally:
        for name in (source, restored):
            asyncio.run(database(admin, name, False))
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
