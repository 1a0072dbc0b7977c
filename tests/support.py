"""Test support: real PostgreSQL databases and real server processes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parents[1]
# Conformance vectors live beside the checkout (CI clones shared/ next to it); read in place.
CONFORMANCE = REPO.parent / "shared" / "conformance"


def load_cases(path: Path) -> list[dict[str, Any]]:
    """The neutral cases of one `extracted-*.json` conformance file."""
    cases: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return cases


def pg_admin_dsn() -> str | None:
    """The PostgreSQL DSN tests may use; under CI an unreachable server is a failure."""
    dsn = os.environ.get("REGISTRY_TEST_PG_DSN")
    if not dsn:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but REGISTRY_TEST_PG_DSN is not set")
        return None
    try:
        asyncio.run(_pg_execute(dsn, "SELECT 1"))
    except Exception as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {dsn} is unreachable under CI: {exc}")
        return None
    return dsn


def require_redis() -> str:
    """The Redis URL tests may use; under CI an unreachable Redis is a failure."""
    url = os.environ.get("REGISTRY_TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but REGISTRY_TEST_REDIS_URL is not set")
        pytest.skip("set REGISTRY_TEST_REDIS_URL to run Redis tests")
    import redis

    try:
        redis.from_url(url).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {url} is unreachable under CI: {exc}")
        pytest.skip(f"Redis at {url} is unreachable")
    return url


def require_pg() -> str:
    dsn = pg_admin_dsn()
    if dsn is None:
        pytest.skip("set REGISTRY_TEST_PG_DSN to run PostgreSQL tests")
    return dsn


async def _pg_execute(dsn: str, statement: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@contextmanager
def fresh_pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test; dropped afterwards."""
    admin = require_pg()
    name = f"lsr_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_execute(admin, f'CREATE DATABASE "{name}"'))
    base, _, _ = admin.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        asyncio.run(_pg_execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """`llm-schema serve` in a child process, on its own port; with `grpc`, its gRPC API on
    another (`grpc_target`), else none."""

    def __init__(
        self,
        database_url: str,
        workdir: Path,
        env: dict[str, str] | None = None,
        *,
        grpc: bool = False,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.grpc_port = free_port() if grpc else 0
        self.grpc_target = f"127.0.0.1:{self.grpc_port}"
        self.log = workdir / f"server-{self.port}.log"
        full_env = {
            **os.environ,
            "REGISTRY_DATABASE_URL": database_url,
            "REGISTRY_GRPC_PORT": str(self.grpc_port),
            **(env or {}),
        }
        self._handle = self.log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "llm_schema_registry.cli.main",
                "serve",
                "--port",
                str(self.port),
            ],
            env=full_env,
            cwd=workdir,
            stdout=self._handle,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log.read_text()}")
            try:
                if httpx.get(self.url + "/", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._handle.close()


PG_BIN = Path("/usr/lib/postgresql/15/bin")


class ThrowawayPostgres:
    """A private PostgreSQL cluster in a temp folder, on its own port, that a test may stop.

    Never the shared server: tests that take storage away use one of these. initdb refuses
    to run as root, so the cluster runs as the `postgres` system user.
    """

    def __init__(self) -> None:
        if not (PG_BIN / "initdb").exists():
            pytest.skip("PostgreSQL server binaries are not installed")
        self.port = free_port()
        # Outside pytest's root-only temp folders, so the postgres user can reach it.
        self.workdir = Path(tempfile.mkdtemp(prefix="lsr-pg-"))
        self.workdir.chmod(0o755)
        self.dir = self.workdir / "pgdata"
        self.socket_dir = self.workdir / "pgsock"
        for folder in (self.dir, self.socket_dir):
            folder.mkdir()
        subprocess.run(["chown", "-R", "postgres", str(self.dir), str(self.socket_dir)], check=True)
        self._as_postgres(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(self.dir),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ]
        )
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self.start()

    def _as_postgres(self, command: list[str]) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.dir),
                "-o",
                options,
                "-w",
                "-l",
                str(self.dir / "server.log"),
                "start",
            ]
        )

    def stop(self) -> None:
        self._as_postgres(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-m", "immediate", "-w", "stop"]
        )

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one series in Prometheus text format (0 when absent)."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split(" ")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0
