"""Compatibility check latency against a 100-version subject, per format, transitive mode.

Spec NFR-1.1: under 200 ms p95. Runs the real app in-process (httpx over ASGI, SQLite file),
registers 100 versions per format, then times `POST /compatibility/subjects/{s}/versions`
under FULL_TRANSITIVE (every version read both ways) and prints p50/p95/p99.

    .venv/bin/python bench/compatibility.py [--versions 100] [--rounds 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from asgi_lifespan import LifespanManager

from llm_schema_registry.api.app import create_app
from llm_schema_registry.settings import Settings


def avro(n: int) -> str:
    fields = [{"name": f"f{i}", "type": "long", "default": 0} for i in range(n)]
    return json.dumps(
        {
            "type": "record",
            "name": "Event",
            "namespace": "bench",
            "fields": [{"name": "id", "type": "string"}, *fields],
        }
    )


def json_schema(n: int) -> str:
    props = {f"f{i}": {"type": "integer", "minimum": 0} for i in range(n)}
    return json.dumps(
        {"type": "object", "properties": {"id": {"type": "string"}, **props}, "required": ["id"]}
    )


def protobuf(n: int) -> str:
    fields = "\n".join(f"  int64 f{i} = {i + 2};" for i in range(n))
    return f'syntax = "proto3";\npackage bench;\nmessage Event {{\n  string id = 1;\n{fields}\n}}\n'


FORMATS: dict[str, Callable[[int], str]] = {"AVRO": avro, "JSON": json_schema, "PROTOBUF": protobuf}


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(versions: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings(database_url=f"sqlite:///{tmp}/bench.db"))  # type: ignore[arg-type]
        async with LifespanManager(app) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
                print(
                    f"compatibility check vs {versions} versions, FULL_TRANSITIVE, {rounds} "
                    f"rounds (load average {load})"
                )
                for kind, make in FORMATS.items():
                    subject = f"bench-{kind.lower()}"
                    await client.put(f"/config/{subject}", json={"compatibility": "NONE"})
                    for n in range(versions):
                        reply = await client.post(
                            f"/subjects/{subject}/versions",
                            json={"schema": make(n), "schemaType": kind},
                        )
                        reply.raise_for_status()
                    await client.put(
                        f"/config/{subject}", json={"compatibility": "FULL_TRANSITIVE"}
                    )
                    # The same candidate each round (a CI pipeline re-checking one schema), and a
                    # new one each round (nothing about it can have been remembered).
                    for label, grows in (("same", 0), ("new", 1)):
                        samples: list[float] = []
                        cpu: list[float] = []  # this process's CPU: not the machine's load
                        for r in range(rounds):
                            candidate = {"schema": make(versions + grows * r), "schemaType": kind}
                            started, cpu_started = time.perf_counter(), time.process_time()
                            reply = await client.post(
                                f"/compatibility/subjects/{subject}/versions", json=candidate
                            )
                            samples.append((time.perf_counter() - started) * 1000)
                            cpu.append((time.process_time() - cpu_started) * 1000)
                            reply.raise_for_status()
                        print(
                            f"  {kind:9} {label:4} candidate  "
                            f"p50 {statistics.median(samples):7.1f} ms  "
                            f"p95 {percentile(samples, 0.95):7.1f} ms  "
                            f"p99 {percentile(samples, 0.99):7.1f} ms  "
                            f"(CPU p50 {statistics.median(cpu):.1f} "
                            f"p95 {percentile(cpu, 0.95):.1f})  "
                            f"compatible={reply.json()['is_compatible']}"
                        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(run(args.versions, args.rounds))


if __name__ == "__main__":
    main()
