"""`llm-schema backup` / `llm-schema restore` as subprocesses against real databases: a
PostgreSQL registry with history (imported ids, soft deletes, configs, modes, a deprecated
version, consumers, an API key, the audit log) backed up while it serves, restored into a
fresh PostgreSQL database and into SQLite: every read answers the same bytes, the audit chain
verifies, the next registration gets the next id, and a database with data is refused."""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from migration_support import SCRIPT, V1, avro, clean_env, populate_source

from support import ServerProcess, fresh_pg_database


def cli(*args: str, database: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPT, "--output", "json", *args],
        capture_output=True,
        text=True,
        env={**clean_env(), "REGISTRY_DATABASE_URL": database},
        timeout=600,
    )


def add_history(url: str, database: str) -> None:
    """Governance and security state on top of the migration source's content."""
    with httpx.Client(base_url=url, headers={"Content-Type": V1}) as client:
        deprecated = client.put(
            "/subjects/notes-value/versions/1",
            json={"state": "DEPRECATED", "reason": "old", "sunset_date": "2099-01-01"},
        )
        assert deprecated.status_code == 200, deprecated.text
        consumer = {"consumer_id": "billing", "version": "latest"}
        assert client.post("/subjects/inference-value/consumers", json=consumer).status_code == 200
        # Contexts: their own ids (1, 2 again), config and mode.
        for context in (".team-a", ".team-b"):
            for name in ("Ctx", "Other"):
                reply = client.post(
                    f"/contexts/{context}/subjects/{name.lower()}-value/versions",
                    json={"schema": avro(f"{name}{context[-1]}", "x")},
                )
                assert reply.status_code == 200, reply.text
        assert client.put("/contexts/.team-a/config", json={"compatibility": "NONE"}).is_success
        assert client.put("/contexts/.team-b/mode", json={"mode": "READONLY"}).is_success
    created = cli("keys", "create", "--role", "publisher", database=database)
    assert created.returncode == 0, created.stderr


def every_read(url: str) -> dict[str, tuple[int, bytes]]:
    """Status and body bytes of every read, by path (subjects, versions, ids, settings...)."""
    found: dict[str, tuple[int, bytes]] = {}
    with httpx.Client(base_url=url) as client:

        def get(path: str) -> Any:
            reply = client.get(path)
            found[path] = (reply.status_code, reply.content)
            return reply.json()

        for path in ("/subjects", "/schemas?deleted=true", "/config", "/mode", "/admin/keys"):
            get(path)
        for context in get("/contexts"):
            for path in ("/config", "/mode", "/schemas/ids/1", "/schemas/ids/2"):
                get(f"/contexts/{context}{path}")
        ids: set[int] = set()
        for subject in get("/subjects?deleted=true"):
            s = quote(subject, safe="")
            get(f"/subjects/{s}/versions")
            get(f"/subjects/{s}/versions/latest")
            for number in get(f"/subjects/{s}/versions?deleted=true&includeArchived=true"):
                schema_id = get(f"/subjects/{s}/versions/{number}?deleted=true")["id"]
                ids.add(schema_id)
                get(f"/schemas/ids/{schema_id}?subject={s}")  # in the subject's context
            for path in ("overview", "consumers"):
                get(f"/subjects/{s}/{path}")
            get(f"/config/{s}")
            get(f"/mode/{s}")
        for schema_id in sorted(ids):
            for suffix in ("", "/versions", "/subjects"):
                get(f"/schemas/ids/{schema_id}{suffix}")
    return found


@pytest.fixture
def source(tmp_path: Path) -> Iterator[tuple[ServerProcess, str]]:
    with fresh_pg_database() as database:
        server = ServerProcess(database, tmp_path)
        try:
            populate_source(server.url)
            add_history(server.url, database)
            yield server, database
        finally:
            server.stop()


@pytest.mark.parametrize("restored_on", ["postgresql", "sqlite"])
def test_a_restored_backup_answers_every_read_byte_for_byte(
    source: tuple[ServerProcess, str], restored_on: str, tmp_path: Path
) -> None:
    server, database = source
    before = every_read(server.url)
    backup = tmp_path / "registry.backup"
    done = cli("backup", str(backup), database=database)  # the registry is serving meanwhile
    assert done.returncode == 0, done.stdout + done.stderr
    summary = json.loads(done.stdout)
    assert summary["rows"]["audit_log"] > 0 and summary["rows"]["api_keys"] == 1

    with fresh_pg_database() as fresh:
        target = fresh if restored_on == "postgresql" else f"sqlite:///{tmp_path}/restored.db"
        restored = cli("restore", str(backup), database=target)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert cli("audit", "verify", database=target).returncode == 0
        again = cli("restore", str(backup), database=target)
        assert again.returncode == 1 and "not empty" in again.stdout

        copy = ServerProcess(target, tmp_path)
        try:
            assert every_read(copy.url) == before
            fresh_schema = {"schema": avro("AfterRestore", "x")}
            new = httpx.post(f"{copy.url}/subjects/after/versions", json=fresh_schema).json()
            assert new["id"] == summary["next_schema_id"]
            in_context = f"{copy.url}/contexts/.team-a/subjects/after/versions"
            assert httpx.post(in_context, json=fresh_schema).json()["id"] == 3
        finally:
            copy.stop()
    original = httpx.post(f"{server.url}/subjects/after/versions", json=fresh_schema).json()
    assert original["id"] == new["id"]  # both continue the same sequence


@pytest.mark.parametrize("engine", ["postgresql", "sqlite"])
def test_a_backup_taken_during_registrations_is_one_consistent_snapshot(
    engine: str, tmp_path: Path
) -> None:
    with fresh_pg_database() as pg:
        database = pg if engine == "postgresql" else f"sqlite:///{tmp_path}/live.db"
        server = ServerProcess(database, tmp_path)
        stop = threading.Event()

        def register_forever() -> None:
            with httpx.Client(base_url=server.url) as client:
                index = 0
                while not stop.is_set():
                    body = {"schema": avro(f"Busy{index}", "a")}
                    client.post(f"/subjects/busy-{index % 7}/versions", json=body)
                    index += 1

        writer = threading.Thread(target=register_forever)
        try:
            httpx.post(f"{server.url}/subjects/first/versions", json={"schema": avro("F", "a")})
            writer.start()
            done = cli("backup", str(tmp_path / "busy.backup"), database=database)
        finally:
            stop.set()
            writer.join()
            server.stop()
        assert done.returncode == 0, done.stdout + done.stderr
        with fresh_pg_database() as fresh:
            assert cli("restore", str(tmp_path / "busy.backup"), database=fresh).returncode == 0
            assert cli("audit", "verify", database=fresh).returncode == 0
            copy = ServerProcess(fresh, tmp_path)
            try:
                schemas = httpx.get(f"{copy.url}/schemas?deleted=true").json()
                rows = json.loads(done.stdout)["rows"]
                assert len(schemas) == rows["subject_versions"] >= 1
                for item in schemas:  # every version's schema is there: one snapshot
                    assert httpx.get(f"{copy.url}/schemas/ids/{item['id']}").status_code == 200
            finally:
                copy.stop()


def test_a_truncated_backup_is_refused_and_leaves_the_database_empty(
    source: tuple[ServerProcess, str], tmp_path: Path
) -> None:
    _, database = source
    backup = tmp_path / "whole.backup"
    assert cli("backup", str(backup), database=database).returncode == 0
    import zstandard

    lines = (
        zstandard.ZstdDecompressor().decompressobj().decompress(backup.read_bytes()).splitlines()
    )
    cut = tmp_path / "cut.backup"
    cut.write_bytes(zstandard.ZstdCompressor().compress(b"\n".join(lines[: len(lines) // 2])))
    target = f"sqlite:///{tmp_path}/cut.db"
    refused = cli("restore", str(cut), database=target)
    assert refused.returncode == 1 and "ends early" in refused.stdout
    assert cli("restore", str(backup), database=target).returncode == 0  # still empty
