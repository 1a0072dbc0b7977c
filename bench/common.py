"""What the benchmarks share: starting servers, running wrk, reading its figures."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pinned(command: list[str], core: int) -> list[str]:
    """Pin to one core when `taskset` exists, so server and load generator don't compete."""
    return ["taskset", "-c", str(core), *command] if shutil.which("taskset") else command


CGROUP_V1_CPU = Path("/sys/fs/cgroup/cpu")  # cgroup v1's cpu controller
CGROUP_V2 = Path("/sys/fs/cgroup")


def cpu_limit(pid: int, cpus: float, name: str) -> None:
    """Cap process `pid` (and what it starts later) at `cpus` CPUs, as a container's CPU limit
    does (Kubernetes `resources.limits.cpu`): a CFS quota in a cgroup of its own, made or
    reused under `name`. Needs root and the cpu controller (cgroup v1 or v2)."""
    # A 10 ms period (Kubernetes uses 100 ms): the quota is then spread evenly over a
    # request's lifetime instead of 50 ms of running and 50 ms of throttling at 0.5 CPU,
    # which would make every round's rate swing with where its throttles fell.
    period = 10_000
    quota = int(cpus * period)
    if (CGROUP_V1_CPU / "cgroup.procs").exists():
        group = CGROUP_V1_CPU / name
        group.mkdir(exist_ok=True)
        (group / "cpu.cfs_period_us").write_text(str(period))
        (group / "cpu.cfs_quota_us").write_text(str(quota))
    elif "cpu" in (CGROUP_V2 / "cgroup.controllers").read_text().split():
        group = CGROUP_V2 / name
        group.mkdir(exist_ok=True)
        (group / "cpu.max").write_text(f"{quota} {period}")
    else:
        raise RuntimeError("no cgroup cpu controller to limit a process's CPU with")
    (group / "cgroup.procs").write_text(str(pid))


class Server:
    """A server process on a free port, stopped on exit."""

    def __init__(
        self, command: list[str], env: dict[str, str], cwd: Path, core: int | None = 0
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        full = [part.replace("{port}", str(self.port)) for part in command]
        self.process = subprocess.Popen(
            pinned(full, core) if core is not None else full,
            env={**os.environ, **env},
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url + "/", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"server {command} did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def registry_server(
    database_url: str,
    cwd: Path,
    core: int | None = 0,
    workers: int = 1,
    grpc_port: int = 0,
    source: Path | None = None,
    env: dict[str, str] | None = None,
) -> Server:
    """`llm-schema serve` with `workers` processes, pinned to `core` unless None; gRPC on
    `grpc_port` (0: none); the registry's code from `source` (a `src` folder) when given, so
    a checkout of an earlier commit can run beside this one."""
    command = [
        PYTHON,
        "-m",
        "llm_schema_registry.cli.main",
        "serve",
        "--port",
        "{port}",
        "--workers",
        str(workers),
    ]
    settings = {
        "REGISTRY_DATABASE_URL": database_url,
        "REGISTRY_LOG_LEVEL": "WARNING",
        "REGISTRY_GRPC_PORT": str(grpc_port),
        **(env or {}),
    }
    if source is not None:
        settings["PYTHONPATH"] = str(source)
    return Server(command, settings, cwd, core)


@dataclass
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int

    def line(self) -> str:
        return (
            f"{self.requests_per_second:9.0f} req/s  p50 {self.p50_ms:6.2f} ms  "
            f"p99 {self.p99_ms:6.2f} ms  non-2xx/errors {self.errors}"
        )


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(
    url: str, connections: int, seconds: int, script: Path | None = None, core: int | None = 1
) -> WrkResult:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed for this benchmark: apt-get install -y wrk")
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run(
        pinned([*command, url], core) if core is not None else [*command, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"Socket errors: .*?(\d+)", out))
    assert p50 and p99, out
    return WrkResult(rate, _ms(*p50.groups()), _ms(*p99.groups()), errors)


def avro_version_rows(
    subjects: int, versions: int, prefix: str
) -> Iterator[tuple[tuple[object, ...], tuple[object, ...]]]:
    """(schemas row, subject_versions row) for `subjects` times `versions` distinct Avro schemas
    (each version adds a field), as the tables hold them: for bulk loads by COPY."""
    now = int(time.time() * 1000)
    for s in range(subjects):
        for v in range(1, versions + 1):
            schema_id = s * versions + v
            fields = [{"name": f"f{i}", "type": "long", "default": 0} for i in range(v)][-8:]
            fields.append({"name": "v", "type": "int", "default": v})
            record = {
                "type": "record",
                "name": f"Event{s}",
                "namespace": f"ai.{prefix}",
                "fields": fields,
            }
            text = json.dumps(record, separators=(",", ":"))
            digest = hashlib.sha256(text.encode()).hexdigest()
            yield (
                (schema_id, str(uuid.uuid4()), "AVRO", text, digest, digest, "[]", None, None, now),
                (f"{prefix}.subject.{s}", v, schema_id, False, now),
            )
