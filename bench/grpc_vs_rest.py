"""`GetSchemaById` over gRPC against REST's `GET /schemas/ids/{id}`, and `ValidateDataStream`.

One registry (`llm-schema serve`, one worker, SQLite) pinned to core 0 serves both APIs;
1,000 schemas are registered and read once through each API (both caches warm). h2load (the
same load generator for both, on core 1) then runs interleaved rounds of 64 concurrent calls:
REST over 64 HTTP/1.1 connections; gRPC over 64 HTTP/2 connections (one call each) and over
one connection carrying 64 streams. Each round reads the server's CPU time from /proc, so the
cost per call is known whatever else loads the machine. Then a Python grpc.aio client streams
records to `ValidateDataStream` (and, for comparison, posts the same batches to
`POST /validate`).

    .venv/bin/python bench/grpc_vs_rest.py [--seconds 8] [--repeat 3] [--records 200000]

Needs h2load (Debian: apt-get install nghttp2-client). Named so it does not shadow `grpc`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import httpx

sys.path.insert(0, str(Path(__file__).parent))
from common import free_port, pinned, registry_server
from hot_path import schema

from llm_schema_registry.rpc import method_path
from llm_schema_registry.rpc.v1 import registry_pb2 as pb
from llm_schema_registry.rpc.v1 import registry_pb2_grpc as pb_grpc

TICKS = os.sysconf("SC_CLK_TCK")
RECORD_SCHEMA = json.dumps(
    {
        "type": "object",
        "properties": {
            "model": {"type": "string"},
            "tokens": {"type": "integer", "minimum": 0},
            "latency_ms": {"type": "number"},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["model", "tokens"],
    }
)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


@dataclass
class Round:
    name: str
    calls_per_second: float
    p50_ms: float
    p99_ms: float
    cpu_us_per_call: float
    failed: int

    def line(self) -> str:
        return (
            f"{self.name:28} {self.calls_per_second:8.0f} calls/s  p50 {self.p50_ms:6.2f} ms  "
            f"p99 {self.p99_ms:6.2f} ms  server CPU {self.cpu_us_per_call:6.1f} µs/call  "
            f"failed {self.failed}"
        )


def h2load(name: str, args: list[str], seconds: int, pid: int, work: Path) -> Round:
    log = work / "h2load.log"
    log.unlink(missing_ok=True)
    command = ["h2load", "-D", str(seconds), "--log-file", str(log), *args]
    before = cpu_seconds(pid)
    out = subprocess.run(pinned(command, 1), capture_output=True, text=True, check=True).stdout
    spent = cpu_seconds(pid) - before
    rows = [line.split("\t") for line in log.read_text().splitlines() if line]
    latencies = sorted(int(row[2]) / 1000 for row in rows)
    if not latencies:
        raise SystemExit(f"h2load made no request:\n{out}")
    failed = sum(1 for row in rows if not row[1].startswith("2"))
    rate = float(out.split(" req/s")[0].rsplit(" ", 1)[1])  # "finished in 8.00s, 1234.5 req/s"
    return Round(
        name,
        rate,
        statistics.median(latencies),
        latencies[int(len(latencies) * 0.99)],
        spent / len(latencies) * 1e6,
        failed,
    )


def raw_grpc_server(work: Path, body: bytes) -> tuple[subprocess.Popen[bytes], str]:
    """`raw_grpc.py` on core 0, answering `body`: grpcio's ceiling here."""
    (work / "reply.bin").write_bytes(body)
    port = free_port()
    script = str(Path(__file__).parent / "raw_grpc.py")
    process = subprocess.Popen(
        pinned([sys.executable, script, str(port), str(work / "reply.bin")], 0),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        grpc.channel_ready_future(channel).result(timeout=30)
    return process, f"127.0.0.1:{port}"


def grpc_body(schema_id: int) -> bytes:
    message = pb.GetSchemaByIdRequest(id=schema_id).SerializeToString()
    return b"\x00" + struct.pack(">I", len(message)) + message


async def stream_records(target: str, subject: str, records: int, per_message: int) -> int:
    """Streams `records` records in messages of `per_message`; returns how many came back."""
    texts = [
        json.dumps({"model": f"m{i % 7}", "tokens": i, "latency_ms": i / 3, "tags": ["a"]})
        for i in range(per_message)
    ]

    async def requests() -> AsyncIterator[pb.ValidateDataStreamRequest]:
        head = pb.ValidationTarget(subject=subject)
        for sent in range(0, records, per_message):
            yield pb.ValidateDataStreamRequest(target=head if sent == 0 else None, records=texts)

    options = [("grpc.max_receive_message_length", 256 * 1024 * 1024)]
    async with grpc.aio.insecure_channel(target, options=options) as channel:
        reply = await pb_grpc.SchemaRegistryStub(channel).ValidateDataStream(requests())
    return len(reply.results)


def validation(server_url: str, target: str, pid: int, records: int) -> list[str]:
    per_message = 1000
    lines = []
    before, started = cpu_seconds(pid), time.perf_counter()
    got = asyncio.run(stream_records(target, "bench-records", records, per_message))
    wall, spent = time.perf_counter() - started, cpu_seconds(pid) - before
    assert got == records, got
    lines.append(
        f"ValidateDataStream ({per_message}/message): {records / wall:8.0f} records/s  "
        f"server CPU {spent / records * 1e6:5.1f} µs/record"
    )
    batch = [
        {"model": f"m{i % 7}", "tokens": i, "latency_ms": i / 3, "tags": ["a"]}
        for i in range(per_message)
    ]
    before, started = cpu_seconds(pid), time.perf_counter()
    with httpx.Client(base_url=server_url, timeout=60) as client:
        for _ in range(0, records, per_message):
            reply = client.post("/validate", json={"subject": "bench-records", "records": batch})
            reply.raise_for_status()
    wall, spent = time.perf_counter() - started, cpu_seconds(pid) - before
    lines.append(
        f"POST /validate ({per_message}/request):    {records / wall:8.0f} records/s  "
        f"server CPU {spent / records * 1e6:5.1f} µs/record"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--schemas", type=int, default=1000)
    parser.add_argument("--records", type=int, default=200_000)
    args = parser.parse_args()
    if shutil.which("h2load") is None:
        raise SystemExit("h2load is needed: apt-get install -y nghttp2-client")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        grpc_port = free_port()
        server = registry_server(f"sqlite:///{work}/bench.db", work, grpc_port=grpc_port)
        target = f"127.0.0.1:{grpc_port}"
        pid = server.process.pid
        try:
            with httpx.Client(base_url=server.url, timeout=30) as client:
                for n in range(args.schemas):
                    reply = client.post(f"/subjects/bench-{n}/versions", json={"schema": schema(n)})
                    reply.raise_for_status()
                body = {"schema": RECORD_SCHEMA, "schemaType": "JSON"}
                client.post("/subjects/bench-records/versions", json=body).raise_for_status()
                for schema_id in range(1, args.schemas + 1):
                    client.get(f"/schemas/ids/{schema_id}").raise_for_status()
            middle = args.schemas // 2
            with grpc.insecure_channel(target) as channel:
                stub = pb_grpc.SchemaRegistryStub(channel)
                for schema_id in range(1, args.schemas + 1):
                    stub.GetSchemaById(pb.GetSchemaByIdRequest(id=schema_id))
                reply = stub.GetSchemaById(pb.GetSchemaByIdRequest(id=middle))
                assert reply.id == middle
            raw, raw_target = raw_grpc_server(work, reply.SerializeToString())
            (work / "uris.txt").write_text(
                "".join(f"{server.url}/schemas/ids/{i}\n" for i in range(1, args.schemas + 1))
            )
            (work / "body.bin").write_bytes(grpc_body(middle))
            path = method_path("GetSchemaById")
            grpc_headers = ["-H", "content-type: application/grpc", "-H", "te: trailers"]
            grpc_args = [*grpc_headers, "-d", str(work / "body.bin"), f"http://{target}{path}"]
            raw_args = [*grpc_headers, "-d", str(work / "body.bin"), f"http://{raw_target}{path}"]
            plans = [
                ("REST 64 connections", ["--h1", "-c64", "-m1", "-i", str(work / "uris.txt")]),
                ("gRPC 64 connections", ["-c64", "-m1", *grpc_args]),
                ("gRPC 1 connection x 64", ["-c1", "-m64", *grpc_args]),
                ("bare grpcio 64 connections", ["-c64", "-m1", *raw_args]),
            ]
            rounds: dict[str, list[Round]] = {name: [] for name, _ in plans}
            try:
                for repeat in range(args.repeat):
                    for name, plan in plans:
                        serving = raw.pid if name.startswith("bare") else pid
                        found = h2load(name, plan, args.seconds, serving, work)
                        rounds[name].append(found)
                        print(f"round {repeat + 1}: {found.line()}", flush=True)
            finally:
                raw.terminate()
                raw.wait(timeout=30)
            print("\nmedians (by calls/s):")
            for found in rounds.values():
                ordered = sorted(found, key=lambda r: r.calls_per_second)
                print(ordered[len(ordered) // 2].line())
            print(f"\nload average: {os.getloadavg()}")
            print()
            for line in validation(server.url, target, pid, args.records):
                print(line)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
