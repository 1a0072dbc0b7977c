"""`GET /schemas/ids/{id}`: the registry against the raw-ASGI ceiling, in one run.

Registers 1,000 schemas (~400-byte bodies) in a fresh SQLite store, reads each once (the
first read fills the in-process cache), then wrk asks for random ids at 64 and 256
connections. The same bytes are then served by a bare ASGI callable on the same server
(uvicorn, one worker) for the ceiling. Server pinned to core 0, wrk to core 1.

    .venv/bin/python bench/hot_path.py [--seconds 10] [--schemas 1000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from common import PYTHON, Server, WrkResult, registry_server, wrk

LUA = """
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/schemas/ids/" .. math.random(1, %d))
end
"""


def schema(n: int) -> str:
    fields = [
        {
            "name": f"field_{i}",
            "type": ["null", "string"],
            "default": None,
            "doc": f"attribute {i} of inference event {n}",
        }
        for i in range(4)
    ]
    return json.dumps(
        {"type": "record", "name": f"Inference{n}", "namespace": "ai.llm.events", "fields": fields}
    )


def median(results: list[WrkResult]) -> WrkResult:
    ordered = sorted(results, key=lambda r: r.requests_per_second)
    return ordered[len(ordered) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--schemas", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        script = work / "ids.lua"
        script.write_text(LUA % args.schemas)
        server = registry_server(f"sqlite:///{work}/bench.db", work)
        ceiling_server: Server | None = None
        try:
            bodies: dict[str, str] = {}
            with httpx.Client(base_url=server.url, timeout=30) as client:
                for n in range(args.schemas):
                    reply = client.post(f"/subjects/bench-{n}/versions", json={"schema": schema(n)})
                    reply.raise_for_status()
                for schema_id in range(1, args.schemas + 1):
                    bodies[str(schema_id)] = client.get(f"/schemas/ids/{schema_id}").text
            (work / "bodies.json").write_text(json.dumps(bodies))
            ceiling_server = Server(
                [
                    PYTHON,
                    "-m",
                    "uvicorn",
                    "raw_asgi:app",
                    "--port",
                    "{port}",
                    "--log-level",
                    "warning",
                    "--no-access-log",
                ],
                {
                    "RAW_ASGI_BODIES": str(work / "bodies.json"),
                    "PYTHONPATH": str(Path(__file__).parent),
                },
                Path(__file__).parent,
            )
            size = sum(len(b) for b in bodies.values()) / len(bodies)
            print(
                f"GET /schemas/ids/{{id}}: {args.schemas} ids, {size:.0f}-byte bodies, "
                f"{args.seconds}s runs, medians of {args.repeat} interleaved repetitions, "
                "uvicorn 1 worker on core 0, wrk -t1 on core 1"
            )
            for connections in (64, 256):
                registry: list[WrkResult] = []
                ceiling: list[WrkResult] = []
                for _ in range(args.repeat):  # interleaved, so drift hits both alike
                    registry.append(wrk(server.url, connections, args.seconds, script))
                    ceiling.append(wrk(ceiling_server.url, connections, args.seconds, script))
                ours, raw = median(registry), median(ceiling)
                ratio = ours.requests_per_second / raw.requests_per_second
                print(f"  {connections:3} conns  registry {ours.line()}")
                print(f"  {connections:3} conns  raw ASGI {raw.line()}")
                print(f"  {connections:3} conns  ratio    {ratio:.2f}")
        finally:
            server.stop()
            if ceiling_server is not None:
                ceiling_server.stop()


if __name__ == "__main__":
    main()
