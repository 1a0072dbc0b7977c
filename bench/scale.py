"""A million versions: 10,000 subjects x 100 versions in PostgreSQL, against 1,000 versions.

Loads the store directly with COPY (what a migration from another registry would do), then
starts one node and measures start-up time, memory, and `GET /schemas/ids/{id}` latency:
for a hot working set of 1,000 ids (what serializers' lookups look like) and for random ids
over the whole store (every read a cache miss at first). The same runs on a 1,000-version
store give the baseline. Needs REGISTRY_BENCH_PG_DSN (an admin DSN; scratch databases).

Start-up is timed to `/health/ready`; then, where the node warms its body cache after start
(`api/warmup.py`), the runs wait for that warm-up to finish and its time, the bodies loaded
and the node's RSS are recorded first. `--full-cache-bytes N` adds a run of this checkout
with REGISTRY_SCHEMA_BODY_CACHE_BYTES=N (e.g. enough for every schema: RSS fully loaded).

    REGISTRY_BENCH_PG_DSN=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/scale.py [--subjects 10000] [--versions 100] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).parent))
from common import WrkResult, avro_version_rows, registry_server, wrk

from llm_schema_registry.storage.sql import SqlStore

LUA = """
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/schemas/ids/" .. math.random(1, %d))
end
"""


def rows(subjects: int, versions: int) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    pairs = list(avro_version_rows(subjects, versions, "scale"))
    return [schema for schema, _ in pairs], [row for _, row in pairs]


async def load(url: str, subjects: int, versions: int) -> float:
    store = SqlStore(url)
    await store.start()  # migrations
    await store.close()
    schemas, subject_versions = rows(subjects, versions)
    started = time.perf_counter()
    conn = await asyncpg.connect(url)
    try:
        await conn.copy_records_to_table(
            "schemas",
            records=schemas,
            columns=[
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
            ],
        )
        await conn.copy_records_to_table(
            "subject_versions",
            records=subject_versions,
            columns=["subject", "version", "schema_id", "deleted", "ts"],
        )
        await conn.execute("SELECT setval('schema_ids', $1)", len(schemas) + 1)
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


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def gauge(url: str, name: str) -> float | None:
    for line in httpx.get(f"{url}/metrics", timeout=10).text.splitlines():
        if line.startswith(f"{name} "):
            return float(line.split()[1])
    return None


def warmed(url: str, started: float) -> str:
    """Waits for the warm-up after start (if this code has one); what it loaded, and when."""
    while gauge(url, "schema_registry_body_cache_warmup_running") == 1.0:
        time.sleep(0.2)
    took = time.perf_counter() - started
    entries = gauge(url, "schema_registry_body_cache_entries")
    if entries is None:
        return "no warm-up"
    size = (gauge(url, "schema_registry_body_cache_bytes") or 0) / 2**20
    return f"warm-up done {took:.1f} s after launch: {entries:,.0f} bodies, {size:.0f} MiB"


def measure(
    label: str,
    url: str,
    total: int,
    seconds: int,
    source: Path | None = None,
    env: dict[str, str] | None = None,
) -> dict[str, WrkResult]:
    work = Path(tempfile.mkdtemp())
    started = time.perf_counter()
    server = registry_server(url, work, source=source, env=env)
    while httpx.get(f"{server.url}/health/ready", timeout=10).status_code != 200:
        time.sleep(0.05)
    startup = time.perf_counter() - started
    results: dict[str, WrkResult] = {}
    try:
        warm = warmed(server.url, started)
        print(
            f"  {label}: ready {startup:.2f} s; {warm}; RSS {rss_mib(server.process.pid):.0f} MiB"
        )
        hot, cold = work / "hot.lua", work / "cold.lua"
        hot.write_text(LUA % min(1000, total))
        cold.write_text(LUA % total)
        # Random ids first: from a cold start (before) or right after the warm-up (after).
        results["cold"] = wrk(server.url, 64, seconds, cold)
        # Warm the hot set: read each of its ids once, so the timed run measures the hot path
        # only (a random warm-up run leaves some ids unread, and their first reads in the
        # timed run would set its p99).
        with httpx.Client(base_url=server.url) as client:
            for schema_id in range(1, min(1000, total) + 1):
                client.get(f"/schemas/ids/{schema_id}").raise_for_status()
        results["hot"] = wrk(server.url, 64, seconds, hot)
        print(
            f"  {label}: start-up {startup:.1f} s, node RSS {rss_mib(server.process.pid):.0f} MiB "
            "after the runs"
        )
        for kind, result in results.items():
            print(f"    {kind:4} ids  {result.line()}")
    finally:
        server.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=10_000)
    parser.add_argument("--versions", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument(
        "--before",
        type=Path,
        help="src folder of an earlier checkout: the large store is then measured with it "
        "and with this checkout, alternately (--repeat times), on one load",
    )
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--full-cache-bytes",
        type=int,
        help="also measure this checkout with REGISTRY_SCHEMA_BODY_CACHE_BYTES set to this",
    )
    parser.add_argument("--skip-small", action="store_true", help="only the large store")
    args = parser.parse_args()
    admin = os.environ.get("REGISTRY_BENCH_PG_DSN")
    if not admin:
        raise SystemExit("set REGISTRY_BENCH_PG_DSN (an admin PostgreSQL DSN)")
    base = admin.rpartition("/")[0]
    sizes = {"small": (10, 100), "large": (args.subjects, args.versions)}
    if args.skip_small:
        del sizes["small"]
    found: dict[str, dict[str, WrkResult]] = {}
    for label, (subjects, versions) in sizes.items():
        name = f"lsr_scale_{uuid.uuid4().hex[:8]}"
        asyncio.run(database(admin, name, True))
        try:
            seconds = asyncio.run(load(f"{base}/{name}", subjects, versions))
            total = subjects * versions
            print(
                f"{label} store: {subjects} subjects x {versions} versions = {total:,} "
                f"versions, loaded in {seconds:.1f} s"
            )
            this = Path(__file__).resolve().parent.parent / "src"
            found[label] = measure(label, f"{base}/{name}", total, args.seconds, this)
            if label == "large" and args.before is not None:
                for n in range(args.repeat):
                    load_now = " ".join(Path("/proc/loadavg").read_text().split()[:3])
                    print(f"  round {n + 1}, load average {load_now}")
                    measure("large, before", f"{base}/{name}", total, args.seconds, args.before)
                    if n + 1 < args.repeat:
                        measure(label, f"{base}/{name}", total, args.seconds, this)
            if label == "large" and args.full_cache_bytes:
                bound = {"REGISTRY_SCHEMA_BODY_CACHE_BYTES": str(args.full_cache_bytes)}
                measure(
                    "large, cache bound raised", f"{base}/{name}", total, args.seconds, this, bound
                )
        finally:
            asyncio.run(database(admin, name, False))
    for kind in ("hot", "cold") if "small" in found else ():
        ratio = found["large"][kind].p99_ms / found["small"][kind].p99_ms
        print(f"p99 {kind} ids, large / small store: {ratio:.2f}")


if __name__ == "__main__":
    main()
