"""Dashboard render time at 10,000 subjects: the catalog (plain, searched, filtered, sorted,
a later page) and the subject page, each the full server side of a request (security layer,
routing, services, template) over in-process ASGI, on SQLite. Subjects are seeded straight
through the store; the catalog index is built by the first request (reported apart), as
after any write.

    .venv/bin/python bench/ui.py [--subjects 10000] [--repeat 100]

Targets: catalog p95 < 300 ms, subject page p95 < 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "api"))
from governance_support import DOMAINS, seed_subjects

from llm_schema_registry.api.app import create_app
from llm_schema_registry.settings import Settings

CATALOG = {
    "catalog, first page": "/ui/",
    "catalog, search": "/ui/?q=service%20424",
    "catalog, tag + owner": "/ui/?tag=gold&owner=team-0",
    "catalog, sorted by owner desc": "/ui/?sort=owner&order=desc",
    "catalog, page 100": "/ui/?page=100",
}
SUBJECT = {
    "subject page": "/ui/subjects/chat.svc3.events",
    "subject page (2 versions)": "/ui/subjects/orders",
}
TARGETS = {"catalog": 300.0, "subject": 150.0}


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1] * 1000


async def measure(url: str, subjects: int, repeat: int) -> dict[str, tuple[float, float]]:
    app = create_app(Settings(database_url=url))  # type: ignore[arg-type]
    async with LifespanManager(app) as manager:
        inner: Any = app
        while not hasattr(inner, "state"):
            inner = inner.app
        await seed_subjects(inner.state.store, subjects)
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://registry") as client:
            for version in ({"name": "a", "type": "string"}, {"name": "b", "type": "int"}):
                record = {"type": "record", "name": "O", "fields": [version]}
                await client.post("/subjects/orders/versions", json={"schema": json.dumps(record)})
            started = time.perf_counter()
            assert (await client.get("/ui/")).status_code == 200
            first = (time.perf_counter() - started) * 1000
            results = {"first catalog (index build)": (first, first)}
            for label, path in {**CATALOG, **SUBJECT}.items():
                times = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    response = await client.get(path)
                    times.append(time.perf_counter() - started)
                    assert response.status_code == 200, (path, response.status_code)
                results[label] = (statistics.median(times) * 1000, p95(times))
            after_write = []
            for i in range(20):  # a write, then the catalog: its index must take the write in
                body = {"metadata": {"properties": {"owner": f"bench-{i}"}}}
                path = f"/subjects/{DOMAINS[(i * 7) % len(DOMAINS)]}.svc{i * 7}.events/versions/1"
                assert (await client.put(path, json=body)).status_code == 200
                started = time.perf_counter()
                assert (await client.get(f"/ui/?owner=bench-{i}")).status_code == 200
                after_write.append(time.perf_counter() - started)
            results["first catalog after a write"] = (
                statistics.median(after_write) * 1000,
                p95(after_write),
            )
            return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subjects", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = asyncio.run(measure(f"sqlite:///{tmp}/ui.db", args.subjects, args.repeat))
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"sqlite: {args.subjects} subjects, {args.repeat} requests each (ms), load {load}")
    print(f"  {'page':<32} {'median':>8} {'p95':>8}")
    failed = []
    for label, (median, high) in results.items():
        print(f"  {label:<32} {median:8.1f} {high:8.1f}")
        kind = "catalog" if label.startswith("catalog,") else "subject"
        if not label.startswith("first") and high >= TARGETS[kind]:
            failed.append(label)
    print("targets met" if not failed else f"over target: {', '.join(failed)}")


if __name__ == "__main__":
    main()
