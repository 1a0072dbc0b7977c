"""The audit chain's head, published (`GET /audit/head`, signed) and checked later:
`llm-schema audit verify --head FILE` catches the newest rows deleted from the real database,
and a log rewritten from there on."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
from secsupport import AVRO_V1, api_key, make_key
from test_security_signing import write_key

from llm_schema_registry.signatures import verify_head
from support import ServerProcess

CLI = [sys.executable, "-m", "llm_schema_registry.cli.main"]


def _cli(url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "REGISTRY_DATABASE_URL": url, **env}
    return subprocess.run([*CLI, *args], env=full, capture_output=True, text=True, timeout=60)


async def _pg(url: str, statement: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def _delete_newest(url: str, keep: int) -> None:
    """Deletes every audit row after entry `keep`, in the database itself."""
    statement = f"DELETE FROM audit_log WHERE id > {int(keep)}"
    if url.startswith("sqlite"):
        with sqlite3.connect(url.split("///", 1)[1]) as db:
            db.execute(statement)
    else:
        asyncio.run(_pg(url, statement))


def _changes(server: ServerProcess, secret: str, subjects: list[str]) -> None:
    for subject in subjects:
        made = httpx.post(
            f"{server.url}/subjects/{subject}/versions",
            json={"schema": AVRO_V1},
            headers=api_key(secret),
        )
        assert made.status_code == 200, made.text


def test_verify_head_catches_the_newest_audit_rows_deleted(
    database_url: str, tmp_path: Path
) -> None:
    _, secret = asyncio.run(make_key(database_url, "admin"))
    signing = {"REGISTRY_SIGNING_KEY_FILE": str(write_key(tmp_path / "signing.pem"))}
    env = {"REGISTRY_AUTH_ENABLED": "true", **signing}
    server = ServerProcess(database_url, tmp_path, env)
    try:
        _changes(server, secret, ["a", "b", "c"])
        head: dict[str, Any] = httpx.get(f"{server.url}/audit/head", headers=api_key(secret)).json()
        keys = httpx.get(f"{server.url}/keys").json()
        _changes(server, secret, ["d"])  # the log grows past the saved head: still fine
    finally:
        server.stop()
    assert head["count"] == 3 and len(head["hash"]) == 64 and head["time"].endswith("Z")
    assert verify_head(head, keys)
    assert not verify_head({**head, "count": 2}, keys)
    saved = tmp_path / "head.json"
    saved.write_text(json.dumps(head))

    intact = _cli(database_url, "audit", "verify", "--head", str(saved), **signing)
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "reaches the saved head (entry 3)" in intact.stdout

    _delete_newest(database_url, keep=1)  # entries 2, 3 and 4 gone
    plain = _cli(database_url, "audit", "verify")
    assert plain.returncode == 0  # the chain that is left is intact: why a head is needed
    cut = _cli(database_url, "audit", "verify", "--head", str(saved), **signing)
    assert cut.returncode == 1
    assert "shorter than the saved head: it ends at entry 1" in cut.stdout
    assert "entries 2 to 3 are gone" in cut.stdout

    # Rewritten from there on: as long again, but not the same entries.
    server = ServerProcess(database_url, tmp_path, env)
    try:
        _changes(server, secret, ["x", "y", "z"])
    finally:
        server.stop()
    rewritten = _cli(database_url, "audit", "verify", "--head", str(saved), **signing)
    assert rewritten.returncode == 1
    assert "differs from the saved head at entry 3" in rewritten.stdout

    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps({**head, "count": 1}))
    refused = _cli(database_url, "audit", "verify", "--head", str(forged), **signing)
    assert refused.returncode == 1 and "signature does not verify" in refused.stdout


def test_audit_head_of_the_cli_and_a_malformed_saved_head(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    asyncio.run(make_key(url, "admin"))
    empty = _cli(url, "audit", "head")
    assert empty.returncode == 0 and json.loads(empty.stdout) == {
        "count": 0,
        "hash": "0" * 64,
        "time": None,
    }
    (tmp_path / "bad.json").write_text('{"count": "many"}')
    bad = _cli(url, "audit", "verify", "--head", str(tmp_path / "bad.json"))
    assert bad.returncode == 2 and "count" in bad.stderr
