"""What wrong API keys cost the server, with the failed-login throttle and without.

Two served registries side by side, authentication on: one with the default throttle
(REGISTRY_AUTH_FAILURES_PER_MINUTE=10), one with it out of reach (1,000,000). Each round
sends N wrong secrets for a real key id from one address to each, interleaved, and reads the
server process's CPU seconds (user + system, /proc/<pid>/stat) before and after.

    .venv/bin/python bench/login_throttle.py --attempts 50 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from common import PYTHON, Server

TICKS = os.sysconf("SC_CLK_TCK")
CLI = [PYTHON, "-m", "llm_schema_registry.cli.main"]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def start(folder: Path, failures_per_minute: int) -> tuple[Server, str]:
    """A registry with authentication on, and an admin key id in its database."""
    url = f"sqlite:///{folder}/r.db"
    made = subprocess.run(
        [*CLI, "--output", "json", "keys", "create", "--role", "admin"],
        env={**os.environ, "REGISTRY_DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=True,
    )
    key_id = json.loads(made.stdout)["key_id"]
    env = {
        "REGISTRY_DATABASE_URL": url,
        "REGISTRY_AUTH_ENABLED": "true",
        "REGISTRY_GRPC_PORT": "0",
        "REGISTRY_LOG_LEVEL": "WARNING",
        "REGISTRY_AUTH_FAILURES_PER_MINUTE": str(failures_per_minute),
    }
    command = [*CLI, "serve", "--port", "{port}"]
    return Server(command, env, folder, core=None), key_id


def attack(
    server: Server, key_id: str, attempts: int, round_: int
) -> tuple[float, float, dict[int, int]]:
    """(CPU seconds, wall seconds, statuses counted) for `attempts` wrong secrets."""
    statuses: dict[int, int] = {}
    with httpx.Client(base_url=server.url, timeout=30) as client:
        cpu, wall = cpu_seconds(server.process.pid), time.perf_counter()
        for n in range(attempts):
            reply = client.get("/subjects", headers={"X-API-Key": f"{key_id}.wrong-{round_}-{n}"})
            statuses[reply.status_code] = statuses.get(reply.status_code, 0) + 1
        return cpu_seconds(server.process.pid) - cpu, time.perf_counter() - wall, statuses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        servers = {}
        for name, rate in (("throttled", 10), ("unthrottled", 1_000_000)):
            folder = Path(tmp) / name
            folder.mkdir()
            servers[name] = start(folder, rate)
        spent: dict[str, list[float]] = {name: [] for name in servers}
        try:
            for round_ in range(args.rounds):
                for name, (server, key_id) in servers.items():
                    cpu, wall, statuses = attack(server, key_id, args.attempts, round_)
                    spent[name].append(cpu)
                    figures = f"CPU {cpu:5.2f} s, wall {wall:5.2f} s, statuses {statuses}"
                    print(f"round {round_ + 1} {name:11}: {figures}")
        finally:
            for server, _ in servers.values():
                server.stop()
    throttled, unthrottled = (statistics.median(spent[n]) for n in ("throttled", "unthrottled"))
    print(
        f"median CPU for {args.attempts} wrong keys: throttled {throttled:.2f} s, "
        f"unthrottled {unthrottled:.2f} s, ratio {throttled / unthrottled:.2f}"
    )


if __name__ == "__main__":
    main()
