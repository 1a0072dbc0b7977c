"""`GET /schemas/ids/{id}`: the registry against the raw-ASGI ceiling, in one run.

Registers 1,000 schemas (~400-byte bodies) in a fresh SQLite store, reads each once (the
first read fills the in-process cache), then wrk asks for random ids at 64 and 256
connections. The registry and a bare ASGI callable serving the same bytes (the ceiling) each
run on uvicorn and on granian (one worker each, pinned to core 0; wrk on core 1), all four
measured in interleaved repetitions of one run; ratios are to uvicorn's raw-ASGI ceiling.

    .venv/bin/python bench/hot_path.py [--seconds 10] [--schemas 1000] [--connections 64]
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


def granian(target: str, factory: bool = False) -> list[str]:
    command = [PYTHON, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1"]
    command += ["--port", "{port}", "--workers", "1", "--runtime-threads", "1", "--loop"]
    command += ["uvloop", "--log-level", "warning", "--no-access-log"]
    return [*command, *(["--factory"] if factory else []), target]


def uvicorn(target: str) -> list[str]:
    command = [PYTHON, "-m", "uvicorn", target, "--port", "{port}", "--log-level", "warning"]
    return [*command, "--no-access-log"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--schemas", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--connections", type=int, nargs="+", default=[64, 256])
    args = parser.parse_args()
    source = Path(__file__).resolve().parent.parent / "src"
    here = Path(__file__).resolve().parent
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        script = work / "ids.lua"
        script.write_text(LUA % args.schemas)
        database = f"sqlite:///{work}/bench.db"
        servers: dict[str, Server] = {}
        try:
            servers["uvicorn registry"] = registry_server(database, work, source=source)
            bodies: dict[str, str] = {}
            with httpx.Client(base_url=servers["uvicorn registry"].url, timeout=30) as client:
                for n in range(args.schemas):
                    reply = client.post(f"/subjects/bench-{n}/versions", json={"schema": schema(n)})
                    reply.raise_for_status()
                for schema_id in range(1, args.schemas + 1):
                    bodies[str(schema_id)] = client.get(f"/schemas/ids/{schema_id}").text
            (work / "bodies.json").write_text(json.dumps(bodies))
            raw_env = {"RAW_ASGI_BODIES": str(work / "bodies.json"), "PYTHONPATH": str(here)}
            registry_env = {
                "REGISTRY_DATABASE_URL": database,
                "REGISTRY_LOG_LEVEL": "WARNING",
                "REGISTRY_GRPC_PORT": "0",
                "PYTHONPATH": str(source),
            }
            servers["uvicorn raw ASGI"] = Server(uvicorn("raw_asgi:app"), raw_env, here)
            servers["granian registry"] = Server(
                granian("llm_schema_registry.cli.serve:app_from_environment", factory=True),
                registry_env,
                work,
            )
            servers["granian raw ASGI"] = Server(granian("raw_asgi:app"), raw_env, here)
            with httpx.Client(base_url=servers["granian registry"].url, timeout=30) as client:
                for schema_id in range(1, args.schemas + 1):  # its own cache, filled once
                    client.get(f"/schemas/ids/{schema_id}").raise_for_status()
            size = sum(len(b) for b in bodies.values()) / len(bodies)
            load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
            print(
                f"GET /schemas/ids/{{id}}: {args.schemas} ids, {size:.0f}-byte bodies, "
                f"{args.seconds}s runs, medians of {args.repeat} interleaved repetitions, "
                f"1 worker on core 0, wrk -t1 on core 1 (load average {load})"
            )
            for connections in args.connections:
                runs: dict[str, list[WrkResult]] = {name: [] for name in servers}
                for _ in range(args.repeat):  # interleaved, so drift hits all alike
                    for name, server in servers.items():
                        runs[name].append(wrk(server.url, connections, args.seconds, script))
                found = {name: median(results) for name, results in runs.items()}
                for name, result in found.items():
                    print(f"  {connections:3} conns  {name:17} {result.line()}")
                ceiling = found["uvicorn raw ASGI"].requests_per_second
                for name, result in found.items():
                    print(
                        f"  {connections:3} conns  {name:17} / uvicorn raw ASGI: "
                        f"{result.requests_per_second / ceiling:.2f}"
                    )
        finally:
            for server in servers.values():
                server.stop()


if __name__ == "__main__":
    main()
