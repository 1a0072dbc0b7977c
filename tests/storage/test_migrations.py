"""Migrations form one chain, and a database any earlier release left, data included,
upgrades to its head and keeps working: the branched chain's states (built with its own
scripts, kept in `branched_migrations/`) and every point of the linear chain."""

from __future__ import annotations

import asyncio
import base64
import json
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Iterator
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from asgi_lifespan import LifespanManager
from pydantic import SecretStr
from sqlalchemy import Connection, inspect, text

from llm_schema_registry.api.app import create_app
from llm_schema_registry.security.apikeys import new_key
from llm_schema_registry.security.audit import first_bad_entry
from llm_schema_registry.settings import Settings
from llm_schema_registry.storage.engine import create_engines
from llm_schema_registry.storage.migrate import (
    BRANCHED_HEADS,
    MIGRATIONS,
    UnknownRevisionsError,
)
from llm_schema_registry.storage.security_sql import SqlSecurityStore
from llm_schema_registry.storage.sql import SqlStore
from support import fresh_pg_database

BRANCHED = Path(__file__).parent / "branched_migrations"
LINEAR = ["0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008"]
V1 = "application/vnd.schemaregistry.v1+json"

# Where a database may stand: the scripts that built it and the revisions upgraded to, in turn.
STARTS: dict[str, tuple[Path, tuple[str, ...]]] = {
    "branched-0001": (BRANCHED, ("0001",)),
    "branched-id-sequence": (BRANCHED, ("0002_id_sequence",)),
    "branched-id-sequence+governance": (BRANCHED, ("0002_id_sequence", "0002_governance")),
    "branched-all-heads": (BRANCHED, ("heads",)),
    **{f"linear-{revision}": (MIGRATIONS, (revision,)) for revision in LINEAR},
}

CUSTOMER = {"type": "record", "name": "Customer", "fields": [{"name": "name", "type": "string"}]}
ORDER = {"type": "record", "name": "Order", "fields": [{"name": "id", "type": "string"}]}
WITH_CUSTOMER = {"name": "customer", "type": ["null", "Customer"], "default": None}
WITH_NOTE = {"name": "note", "type": "string", "default": ""}
CUSTOMER_REF = {"name": "Customer", "subject": "customer", "version": 1}
GONE = {"type": "record", "name": "Gone", "fields": [{"name": "x", "type": "int"}]}


def order(*extra: dict[str, Any]) -> str:
    return json.dumps({**ORDER, "fields": [*ORDER["fields"], *extra]})


@dataclass(frozen=True)
class Written:
    """Every table's rows as this release writes them, and what the test needs to know."""

    rows: dict[str, list[dict[str, Any]]]
    ids: dict[str, int]  # "customer", "orders-1", "orders-2", "gone" -> schema id
    key_id: str
    secret: str


@asynccontextmanager
async def registry(url: str, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=SecretStr(url), **settings))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://registry", headers={"Content-Type": V1}
        ) as client:
            yield client


async def ok(reply: Awaitable[httpx.Response]) -> Any:
    response = await reply
    assert response.status_code == 200, response.text
    return response.json()


async def fill(url: str) -> tuple[dict[str, int], str, str]:
    """Data in every table, written through the app and the security store."""
    ids: dict[str, int] = {}
    async with registry(url) as client:

        async def register(subject: str, schema: str, **body: Any) -> int:
            reply = await ok(
                client.post(f"/subjects/{subject}/versions", json=body | {"schema": schema})
            )
            return int(reply["id"])

        ids["customer"] = await register("customer", json.dumps(CUSTOMER))
        ids["orders-1"] = await register("orders", order())
        ids["orders-2"] = await register("orders", order(WITH_CUSTOMER), references=[CUSTOMER_REF])
        ids["gone"] = await register("gone", json.dumps(GONE))
        await ok(client.delete("/subjects/gone"))
        await ok(client.put("/config", json={"compatibility": "BACKWARD_TRANSITIVE"}))
        await ok(client.put("/mode/customer", json={"mode": "READONLY"}))
        deprecated = {"state": "DEPRECATED", "sunset_date": "2999-01-01", "reason": "use v2"}
        await ok(client.put("/subjects/orders/versions/1", json=deprecated))
        await ok(
            client.post("/subjects/orders/consumers", json={"consumer_id": "billing", "version": 2})
        )
        await ok(client.get("/subjects/orders/versions/2"))  # a usage count (flushed at exit)
        await ok(client.post("/subjects/orders/samples", json={"records": [{"id": "o1"}]}))
    store = SqlSecurityStore(url)
    key, secret = new_key("admin")
    await store.add_key(key)
    await store.close()
    return ids, key.key_id, secret


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Written:
    path = tmp_path_factory.mktemp("written") / "registry.db"
    ids, key_id, secret = asyncio.run(fill(f"sqlite:///{path}"))
    with closing(sqlite3.connect(path)) as db:
        db.row_factory = sqlite3.Row
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        rows = {
            table: [dict(row) for row in db.execute(f'SELECT * FROM "{table}"')]
            for table in tables
            if table not in ("alembic_version", "id_counter")
        }
    for row in rows["subject_versions"]:
        row["deleted"] = bool(row["deleted"])  # SQLite keeps booleans as 0/1
    for table in ("lifecycle_events", "events", "event_attempts", "schema_samples"):
        for row in rows.get(table, []):
            del row["id"]  # a serial: the database numbers its rows (PostgreSQL's sequence moves)
    return Written(rows, ids, key_id, secret)


def build(conn: Connection, scripts: Path, revisions: tuple[str, ...], written: Written) -> None:
    """Migrate with `scripts` to `revisions`, then store the rows its tables can hold, as the
    release that ran those scripts would have (ids from its allocator)."""
    config = Config()
    config.set_main_option("script_location", str(scripts))
    config.attributes["connection"] = conn
    for revision in revisions:
        command.upgrade(config, revision)
    present = inspect(conn)
    for table, rows in written.rows.items():
        if not present.has_table(table) or not rows:
            continue
        columns = {column["name"] for column in present.get_columns(table)}
        clause = sa.table(table, *(sa.column(name) for name in columns))
        conn.execute(
            sa.insert(clause), [{k: v for k, v in r.items() if k in columns} for r in rows]
        )
    last_id = max(written.ids.values())
    if conn.dialect.name == "postgresql" and present.has_sequence("schema_ids"):
        # Since the sequence came (0002), that release took ids from nextval().
        conn.execute(text("SELECT setval('schema_ids', :id)"), {"id": last_id})
    else:
        conn.execute(
            text("UPDATE id_counter SET next_id = :n WHERE name = 'schema'"), {"n": last_id + 1}
        )


async def run_sync_on(url: str, work: Any, *args: Any) -> Any:
    engine, reads = create_engines(url)
    try:
        async with engine.begin() as conn:
            return await conn.run_sync(work, *args)
    finally:
        await reads.dispose()
        await engine.dispose()


def tables_of(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


def stamped(conn: Connection) -> list[str]:
    return sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


@pytest.mark.parametrize("start", list(STARTS))
async def test_a_database_left_by_an_earlier_release_upgrades_and_keeps_its_data(
    database_url: str, start: str, written: Written
) -> None:
    await run_sync_on(database_url, build, *STARTS[start], written)
    had = await run_sync_on(database_url, tables_of)
    governance, security = "subject_consumers" in had, "api_keys" in had

    async with registry(database_url) as client:
        await check_registry_data(client, written, governance)
    assert await run_sync_on(database_url, stamped) == [LINEAR[-1]]
    await check_security_data(database_url, written, security)


async def check_registry_data(
    client: httpx.AsyncClient, written: Written, governance: bool
) -> None:
    ids = written.ids
    assert await ok(client.get("/subjects")) == ["customer", "orders"]
    assert "gone" in await ok(client.get("/subjects", params={"deleted": "true"}))
    referencing = await ok(client.get(f"/schemas/ids/{ids['orders-2']}"))
    assert referencing["references"] == [CUSTOMER_REF]
    found = await ok(client.post("/subjects/orders", json={"schema": order()}))
    assert (found["id"], found["version"]) == (ids["orders-1"], 1)
    assert await ok(client.get("/subjects/customer/versions/1/referencedby")) == [ids["orders-2"]]
    assert (await ok(client.get("/config")))["compatibilityLevel"] == "BACKWARD_TRANSITIVE"
    assert (await ok(client.get("/mode/customer")))["mode"] == "READONLY"

    added = await ok(
        client.post(
            "/subjects/orders/versions",
            json={"schema": order(WITH_CUSTOMER, WITH_NOTE), "references": [CUSTOMER_REF]},
        )
    )
    assert added["id"] > max(ids.values())  # ids continue after every one handed out
    overview = await ok(client.get("/subjects/orders/overview"))
    states = [version["state"] for version in overview["versions"]]
    consumers = [(c["consumer_id"], c["version"]) for c in overview["consumers"]]
    if governance:
        assert (states, consumers) == (["DEPRECATED", "ACTIVE", "ACTIVE"], [("billing", 2)])
    else:  # the lifecycle columns arrived with their defaults
        assert (states, consumers) == (["ACTIVE", "ACTIVE", "ACTIVE"], [])


async def check_security_data(url: str, written: Written, security: bool) -> None:
    store = SqlSecurityStore(url)
    try:
        keys = [key.key_id for key in await store.keys()]
        entries = [entry async for entry in store.chain()]
        assert await first_bad_entry(store.chain()) is None  # old links and new ones
    finally:
        await store.close()
    copied = len(written.rows["audit_log"]) if security else 0
    assert keys == ([written.key_id] if security else [])
    assert len(entries) > copied  # the registration above was audited onto the chain
    if security:
        token = base64.b64encode(f"{written.key_id}:{written.secret}".encode()).decode()
        async with registry(url, auth_enabled=True) as client:
            reply = await client.get("/subjects", headers={"Authorization": f"Basic {token}"})
            assert reply.status_code == 200


@pytest.fixture
def other_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second empty database on the same engine."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path}/other.db"
    else:
        with fresh_pg_database() as url:
            yield url


def shape(conn: Connection) -> dict[str, Any]:
    """Tables with their columns and indexes, and sequences: what migrations made."""
    present = inspect(conn)
    tables = {
        table: (
            sorted((c["name"], str(c["type"]), c["nullable"]) for c in present.get_columns(table)),
            sorted((i["name"], tuple(i["column_names"])) for i in present.get_indexes(table)),
        )
        for table in present.get_table_names()
        if table != "alembic_version"
    }
    sequences = present.get_sequence_names() if conn.dialect.name == "postgresql" else []
    return {"tables": tables, "sequences": sorted(sequences)}


def migrate_to(conn: Connection, scripts: Path, revisions: tuple[str, ...]) -> dict[str, Any]:
    config = Config()
    config.set_main_option("script_location", str(scripts))
    config.attributes["connection"] = conn
    for revision in revisions:
        command.upgrade(config, revision)
    return shape(conn)


@pytest.mark.parametrize(
    "heads", sorted(BRANCHED_HEADS, key=len), ids=lambda h: "+".join(sorted(h))
)
async def test_branched_heads_are_restamped_to_the_linear_revision_that_built_the_same(
    database_url: str, other_url: str, heads: frozenset[str]
) -> None:
    branched = await run_sync_on(database_url, migrate_to, BRANCHED, tuple(sorted(heads)))
    linear = await run_sync_on(other_url, migrate_to, MIGRATIONS, (BRANCHED_HEADS[heads],))
    assert branched == linear


def test_the_migrations_form_one_linear_chain() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    assert script.get_heads() == [LINEAR[-1]]
    chain = list(reversed(list(script.walk_revisions())))
    assert [revision.revision for revision in chain] == LINEAR
    assert [revision.down_revision for revision in chain] == [None, *LINEAR[:-1]]
    assert set(BRANCHED_HEADS.values()) <= set(LINEAR)


async def test_revisions_no_release_combined_are_refused(sqlite_url: str) -> None:
    await run_sync_on(sqlite_url, migrate_to, BRANCHED, ("0002_governance",))
    store = SqlStore(sqlite_url)
    try:
        with pytest.raises(UnknownRevisionsError, match="0002_governance"):
            await store.start()
    finally:
        await store.close()
