"""Change events: registrations/s with events on (a webhook + NATS JetStream) against off, and
commit-to-receipt latency at the webhook and at a JetStream consumer.

Each round starts a real `llm-schema serve` (one worker on core 0, wrk on core 1) on a fresh
store, with `REGISTRY_EVENTS_ENABLED=false` ("off") or with a webhook and JetStream ("on"),
the two interleaved over `--repeat` rounds since this host's speed drifts. wrk POSTs a new
Avro schema per request over 100 subjects (compatibility NONE) from 32 connections. A
collector process (also on core 1) receives the webhook's POSTs and subscribes to the stream;
latency is receipt time minus the event's `time` (taken inside the committing transaction),
both on this machine's clock: once under wrk's saturating load, and once at a steady 20
registrations/s (what a registry usually sees).

    REGISTRY_BENCH_PG_DSN=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/events.py [--seconds 8] [--repeat 3] [--mode external]

`--mode external`: with events on, the server runs with REGISTRY_EVENTS_RELAY=external and a
`llm-schema relay` process (on core 1) delivers; its CPU is reported apart from the worker's.
`--mode deferred`: the same, but the relay starts once the load has ended and then delivers
the whole backlog: what the registering path itself pays for events, with no delivery
competing for this 2-core host (as a relay on machines of its own would not).
`--pg-core N` pins the local PostgreSQL server's processes to core N for the run (restored
after; it needs the right to change their affinity, e.g. root): PostgreSQL then stands apart
from the registry worker on core 0, as a database server of its own would, instead of its
backends landing on the worker's core at random.
`--registry-cpus X` and `--relay-cpus Y` cap the registry's process and the relay's at X and
Y CPUs (a CFS quota in a cgroup of each's own, as a Kubernetes CPU limit does): the Helm
chart's arrangement with `events.relay=external`, where the registry pods and the relay
Deployment each have their own CPU, measured on one host. The registry's cap holds in both
rounds, so the on/off ratio is what events cost the registering pod.
`--delivery-nice N` runs the relay and the collector (webhook receiver, NATS consumer) at nice
N: they stand for other machines, so on this 2-core host they take what CPU wrk and PostgreSQL
leave and catch up after the load, instead of starving the load generator.

Without REGISTRY_BENCH_PG_DSN the store is SQLite. NATS: REGISTRY_BENCH_NATS_URL
(default nats://127.0.0.1:4222).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).parent))
from common import PYTHON, Server, WrkResult, cpu_limit, free_port, pinned, wrk
from registrations import SCRIPT, SUBJECTS, cpu_seconds, fresh_store, median, settled_cpu

STEADY = 200  # registrations at 20/s for the unloaded latency


# ---- the collector (a process of its own: `events.py --collect PORT NATS STREAM PREFIX`) ----


def received_at(body: bytes) -> float | None:
    """Seconds from a registration event's `time` to now (None for other events: the
    configuration each round starts with)."""
    event = orjson.loads(body)
    if event["type"] != "schema.registered":
        return None
    sent = datetime.fromisoformat(event["time"].replace("Z", "+00:00"))
    return time.time() - sent.timestamp()


async def collect(port: int, nats_url: str, stream: str, prefix: str) -> None:
    import nats
    import uvicorn
    from nats.js.api import StreamConfig

    latencies: dict[str, list[float]] = {"webhook": [], "nats": []}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        reply = b"ok"
        if scope["path"] == "/hook":
            if (seconds := received_at(body)) is not None:
                latencies["webhook"].append(seconds)
        elif scope["path"] == "/stats":
            reply = orjson.dumps(latencies)
        elif scope["path"] == "/reset":
            for found in latencies.values():
                found.clear()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": reply})

    connection = await nats.connect(nats_url)
    js = connection.jetstream()
    await js.add_stream(StreamConfig(name=stream, subjects=[f"{prefix}.>"]))

    async def on_message(msg: Any) -> None:
        if (seconds := received_at(msg.data)) is not None:
            latencies["nats"].append(seconds)
        await msg.ack()

    await js.subscribe(f"{prefix}.>", stream=stream, cb=on_message)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    try:
        await server.serve()
    finally:
        await js.delete_stream(stream)
        await connection.close()


# ---- the benchmark --------------------------------------------------------------------


def percentiles(values: list[float]) -> tuple[float, float]:
    """(p50, p99) in milliseconds."""
    if len(values) < 2:
        return (values[0] * 1000, values[0] * 1000) if values else (float("nan"),) * 2
    cuts = statistics.quantiles(values, n=100)
    return cuts[49] * 1000, cuts[98] * 1000


def registry(database_url: str, work: Path, extra: dict[str, str]) -> Server:
    command = [PYTHON, "-m", "llm_schema_registry.cli.main", "serve", "--port", "{port}"]
    env = {
        "REGISTRY_DATABASE_URL": database_url,
        "REGISTRY_LOG_LEVEL": "WARNING",
        "REGISTRY_GRPC_PORT": "0",
        **extra,
    }
    return Server(command, env, work, core=0)


def wait_for(stats: httpx.Client, expected: int, timeout: float = 120.0) -> dict[str, Any]:
    """The collector's figures once both sinks got `expected` events (or time ran out)."""
    deadline = time.monotonic() + timeout
    while True:
        found: dict[str, Any] = stats.get("/stats").json()
        if min(len(v) for v in found.values()) >= expected or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


@contextlib.contextmanager
def postgres_pinned(core: int | None) -> Iterator[None]:
    """Every `postgres` process (the postmaster, so the backends it forks, too) on `core`."""
    if core is None:
        yield
        return
    pids = subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True).stdout
    everywhere = f"0-{(os.cpu_count() or 1) - 1}"

    def pin(cores: str) -> None:
        for pid in pids.split():
            subprocess.run(["taskset", "-a", "-p", "-c", cores, pid], capture_output=True)

    pin(str(core))
    try:
        yield
    finally:
        pin(everywhere)


def niced(command: list[str], nice: int) -> list[str]:
    return ["nice", "-n", str(nice), *command] if nice else command


def relay_process(
    database_url: str, extra: dict[str, str], nice: int, cpus: float | None = None
) -> subprocess.Popen[bytes]:
    """`llm-schema relay` on core 1 (beside wrk and the collector), for `--mode external`."""
    env = {**os.environ, "REGISTRY_DATABASE_URL": database_url, "REGISTRY_LOG_LEVEL": "WARNING"}
    command = [PYTHON, "-m", "llm_schema_registry.cli.main", "relay"]
    process = subprocess.Popen(niced(pinned(command, 1), nice), env={**env, **extra})
    if cpus is not None:
        cpu_limit(process.pid, cpus, "lsr-bench-relay")
    return process


def run(
    database_url: str,
    work: Path,
    seconds: int,
    on: bool,
    nats_url: str,
    mode: str = "inline",
    nice: int = 0,
    limits: tuple[float | None, float | None] = (None, None),
) -> tuple[WrkResult, float, dict[str, Any] | None]:
    collector = None
    relay = None
    extra = {"REGISTRY_EVENTS_ENABLED": "false"}
    if on:
        tag = uuid.uuid4().hex[:8]
        stream, prefix, port = f"BENCH_{tag}", f"bench-{tag}.events", free_port()
        collector = subprocess.Popen(
            niced(
                pinned([PYTHON, __file__, "--collect", str(port), nats_url, stream, prefix], 1),
                nice,
            )
        )
        extra = {
            "REGISTRY_WEBHOOK_ALLOW_PRIVATE": "true",
            "REGISTRY_EVENTS_NATS_URL": nats_url,
            "REGISTRY_EVENTS_NATS_STREAM": stream,
            "REGISTRY_EVENTS_NATS_SUBJECT_PREFIX": prefix,
            "REGISTRY_EVENTS_RELAY": "inline" if mode == "inline" else "external",
        }
    registry_cpus, relay_cpus = limits
    server = registry(database_url, work, extra)
    if registry_cpus is not None:
        cpu_limit(server.process.pid, registry_cpus, "lsr-bench-registry")
    if on and mode == "external":  # after the server: it has applied the migrations
        relay = relay_process(database_url, extra, nice, relay_cpus)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            for n in range(SUBJECTS):
                client.put(f"/config/w{n}", json={"compatibility": "NONE"}).raise_for_status()
            if collector is not None:
                stats = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)
                for _ in range(100):
                    try:
                        stats.get("/stats")
                        break
                    except httpx.HTTPError:
                        time.sleep(0.1)
                hook = {"url": f"http://127.0.0.1:{port}/hook"}
                client.post("/webhooks", json=hook).raise_for_status()
            before = cpu_seconds(server.process.pid, database_url)
            relay_before = cpu_seconds(relay.pid, database_url)[0] if relay else 0.0
            registered = wrk(server.url, 32, seconds, SCRIPT, core=1)
            done = sum(len(client.get(f"/subjects/w{n}/versions").json()) for n in range(SUBJECTS))
            if on and mode == "deferred":  # the outbox filled under load; now deliver it all
                relay = relay_process(database_url, extra, nice, relay_cpus)
            if collector is not None:
                loaded = wait_for(stats, done)  # the relay catches up after the load
            after = settled_cpu(server.process.pid, database_url)
            relay_after = cpu_seconds(relay.pid, database_url)[0] if relay else 0.0
            registry_ms, postgres_ms = (
                (a - b) / done * 1000 for a, b in zip(after, before, strict=True)
            )
            relay_ms = (relay_after - relay_before) / done * 1000
            print(
                f"      CPU per registration (events delivered included): registry "
                f"{registry_ms:.2f} ms, PostgreSQL {postgres_ms:.2f} ms"
                + (f", relay process {relay_ms:.2f} ms" if relay else "")
            )
            if collector is None:
                return registered, registry_ms, None
            stats.post("/reset")
            for n in range(STEADY):
                body = {"schema": orjson.dumps(steady_schema(n)).decode()}
                client.post(f"/subjects/steady{n}/versions", json=body).raise_for_status()
                time.sleep(0.05)
            steady = wait_for(stats, STEADY, timeout=30)
            return registered, registry_ms, {"loaded": loaded, "steady": steady}
    finally:
        server.stop()
        if relay is not None:
            relay.terminate()
            relay.wait(timeout=30)
        if collector is not None:
            collector.terminate()
            collector.wait(timeout=30)


def steady_schema(n: int) -> dict[str, Any]:
    return {"type": "record", "name": f"S{n}", "fields": [{"name": "a", "type": "int"}]}


def latency_line(found: dict[str, list[float]]) -> str:
    parts = []
    for sink in ("webhook", "nats"):
        p50, p99 = percentiles(found[sink])
        parts.append(f"{sink} n={len(found[sink])} p50 {p50:.1f} ms p99 {p99:.1f} ms")
    return "; ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--mode",
        choices=("inline", "external", "deferred"),
        default="inline",
        help="events on: the relay in the registry worker, `llm-schema relay` on core 1, "
        "or that relay started after the load",
    )
    parser.add_argument(
        "--delivery-nice",
        type=int,
        default=0,
        help="nice level of the relay (external mode) and of the collector",
    )
    parser.add_argument(
        "--pg-core", type=int, default=None, help="pin the PostgreSQL server to this core"
    )
    parser.add_argument(
        "--registry-cpus", type=float, default=None, help="cap the registry at this many CPUs"
    )
    parser.add_argument(
        "--relay-cpus", type=float, default=None, help="cap the relay at this many CPUs"
    )
    parser.add_argument("--collect", nargs=4, metavar=("PORT", "NATS", "STREAM", "PREFIX"))
    args = parser.parse_args()
    if args.collect:
        port, nats_url, stream, prefix = args.collect
        asyncio.run(collect(int(port), nats_url, stream, prefix))
        return
    admin = os.environ.get("REGISTRY_BENCH_PG_DSN")
    nats_url = os.environ.get("REGISTRY_BENCH_NATS_URL", "nats://127.0.0.1:4222")
    print(
        f"store: {'PostgreSQL' if admin else 'SQLite'}; registry on core 0, wrk on core 1; "
        f"relay {args.mode}; relay and collector at nice {args.delivery_nice}; "
        f"PostgreSQL on {'core ' + str(args.pg_core) if args.pg_core is not None else 'any core'}"
        f"; CPU caps: registry {args.registry_cpus or 'none'}, relay {args.relay_cpus or 'none'}"
    )
    rates: dict[bool, list[WrkResult]] = {False: [], True: []}
    worker_ms: dict[bool, list[float]] = {False: [], True: []}
    with tempfile.TemporaryDirectory() as tmp, postgres_pinned(args.pg_core):
        for round_number in range(1, args.repeat + 1):
            for on in (False, True):
                with fresh_store(admin, Path(tmp)) as url:
                    registered, cpu_ms, latencies = run(
                        url,
                        Path(tmp),
                        args.seconds,
                        on,
                        nats_url,
                        args.mode,
                        args.delivery_nice,
                        (args.registry_cpus, args.relay_cpus),
                    )
                rates[on].append(registered)
                worker_ms[on].append(cpu_ms)
                label = "events on " if on else "events off"
                print(f"  round {round_number} {label}  {registered.line()}")
                if latencies is not None:
                    print(f"      under load: {latency_line(latencies['loaded'])}")
                    print(f"      at 20/s:    {latency_line(latencies['steady'])}")
    off, on_ = median(rates[False]), median(rates[True])
    print(f"medians of {args.repeat} rounds:")
    print(f"  events off {off.line()}")
    print(f"  events on  {on_.line()}")
    pairs = zip(rates[False], rates[True], strict=True)
    ratios = [b.requests_per_second / a.requests_per_second for a, b in pairs]
    overall = on_.requests_per_second / off.requests_per_second
    listed = ", ".join(f"{r:.2f}" for r in ratios)
    print(f"  on/off per round: {listed}; of the medians {overall:.2f}")
    cpu = ", ".join(f"{b / a:.2f}" for a, b in zip(worker_ms[False], worker_ms[True], strict=True))
    print(f"  registry CPU per registration, on/off per round: {cpu}")


if __name__ == "__main__":
    main()
