"""The audit trail: what is recorded, queried over HTTP, exported, and tampering detected by
`llm-schema audit verify` reading the database directly."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path

import httpx
from secsupport import AVRO_V1, AVRO_V2, api_key, make_key, secured_client
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner

from llm_schema_registry.cli.main import app as cli
from llm_schema_registry.storage.engine import async_url


def cli_run(url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"REGISTRY_DATABASE_URL": url})
    return result.exit_code, result.output


async def _sql(url: str, *statements: str) -> None:
    engine = create_async_engine(async_url(url))
    try:
        async with engine.begin() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def _fill(url: str) -> str:
    """Six or more entries: mutations (with before/after), a denial, a login failure."""
    admin_secret = (await make_key(url, "admin"))[1]
    consumer = api_key((await make_key(url, "consumer"))[1])
    admin = {**api_key(admin_secret), "X-Request-ID": "req-42"}
    async with secured_client(url) as client:
        await client.post("/subjects/a/versions", json={"schema": AVRO_V1}, headers=admin)
        await client.post("/subjects/a/versions", json={"schema": AVRO_V2}, headers=admin)
        await client.put("/config/a", json={"compatibility": "NONE"}, headers=admin)
        await client.put("/config/a", json={"compatibility": "FULL"}, headers=admin)
        await client.delete("/subjects/a/versions/2", headers=admin)
        await client.delete("/subjects/a", headers=consumer)
        await client.get("/subjects", headers={"X-API-Key": "lsk_nobody.wrong"})
    return admin_secret


async def test_entries_record_actor_action_result_and_changes(database_url: str) -> None:
    secret = await _fill(database_url)
    admin = api_key(secret)
    async with secured_client(database_url) as client:
        entries = (await client.get("/audit?subject=a", headers=admin)).json()
        by_action = [(e["action"], e["result"]) for e in entries]
        assert by_action == [
            ("schema.create", "success"),
            ("schema.create", "success"),
            ("PUT /config/{subject}", "success"),
            ("PUT /config/{subject}", "success"),
            ("schema.delete", "success"),
            ("schema.delete", "denied"),
        ]
        first = entries[0]
        assert first["request_id"] == "req-42" and first["client"] == "10.1.2.3"
        assert first["actor"].startswith("key:lsk_") and first["after"]["version"] == 1
        assert entries[3]["before"]["compatibilityLevel"] == "NONE"
        assert entries[3]["after"]["compatibilityLevel"] == "FULL"
        assert entries[4]["before"] == {"subject": "a", "version": 2, "permanent": False}
        login = (await client.get("/audit?action=auth.login", headers=admin)).json()
        assert [e["result"] for e in login] == ["denied"]
        paged = (await client.get("/audit?limit=2&offset=1", headers=admin)).json()
        assert [e["id"] for e in paged] == [2, 3]
        since = entries[2]["time"]
        assert (await client.get(f"/audit?since={since}&subject=a", headers=admin)).json()[0][
            "id"
        ] == entries[2]["id"]
        # Only auditors and admins read the log.
        publisher = api_key((await make_key(database_url, "publisher"))[1])
        assert (await client.get("/audit", headers=publisher)).status_code == 403
    assert (await asyncio.to_thread(cli_run, database_url, "audit", "verify"))[0] == 0
    assert secret not in json.dumps(entries)


def _tamper_case(url: str, *statements: str) -> tuple[int, str]:
    asyncio.run(_fill(url))
    assert cli_run(url, "audit", "verify")[0] == 0
    asyncio.run(_sql(url, *statements))
    return cli_run(url, "audit", "verify")


def test_an_edited_entry_is_named(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    code, output = _tamper_case(url, "UPDATE audit_log SET actor = 'mallory' WHERE id = 4")
    assert code == 1 and "entry 4" in output


def test_a_deleted_entry_is_named_by_its_successor(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    code, output = _tamper_case(url, "DELETE FROM audit_log WHERE id = 3")
    assert code == 1 and "entry 4" in output


def test_swapped_entries_are_named(database_url: str) -> None:
    swap = (
        "UPDATE audit_log SET id = -1 WHERE id = 3",
        "UPDATE audit_log SET id = 3 WHERE id = 5",
        "UPDATE audit_log SET id = 5 WHERE id = -1",
    )
    code, output = _tamper_case(database_url, *swap)
    assert code == 1 and "entry 3" in output


def test_an_inserted_entry_is_named(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    shift = (
        "UPDATE audit_log SET id = id + 100 WHERE id >= 3",
        "UPDATE audit_log SET id = id - 99 WHERE id >= 103",
        "INSERT INTO audit_log (id, time, actor, action, resource, result, prev_hash, hash) "
        "SELECT 3, time, 'mallory', 'schema.delete', 'x', 'success', hash, hash "
        "FROM audit_log WHERE id = 2",
    )
    code, output = _tamper_case(url, *shift)
    assert code == 1 and "entry 3" in output


def test_export_as_json_lines_and_csv(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    asyncio.run(_fill(url))
    code, lines = cli_run(url, "audit", "export")
    assert code == 0
    entries = [json.loads(line) for line in lines.splitlines()]
    assert [e["id"] for e in entries] == list(range(1, len(entries) + 1))
    assert entries[1]["prev_hash"] == entries[0]["hash"]
    code, table = cli_run(url, "audit", "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(table)))
    assert code == 0 and [r["hash"] for r in rows] == [e["hash"] for e in entries]


async def test_mutations_are_audited_as_anonymous_with_auth_off(sqlite_url: str) -> None:
    from asgi_lifespan import LifespanManager

    from llm_schema_registry.api.app import create_app
    from llm_schema_registry.settings import Settings

    app = create_app(Settings(database_url=sqlite_url))  # type: ignore[arg-type]
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://r") as client:
            reply = await client.post("/subjects/a/versions", json={"schema": AVRO_V1})
            assert reply.status_code == 200
            entries = (await client.get("/audit")).json()
    assert [(e["actor"], e["action"]) for e in entries] == [("anonymous", "schema.create")]
