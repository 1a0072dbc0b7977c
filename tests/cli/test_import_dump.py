"""`llm-schema import --from-dump FILE`: a `_schemas` topic dump, written here from the record
shapes docs/migration.md documents (every key type, tombstones, a permanent delete), replayed
into an empty registry; the documented result read back over the REST API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from migration_support import avro, report_of, run_import

from support import ServerProcess


def key(keytype: str, subject: str | None = None, version: int | None = None) -> str:
    found: dict[str, Any] = {"keytype": keytype}
    if subject is not None or keytype in ("CONFIG", "MODE"):
        found["subject"] = subject
    if version is not None:
        found["version"] = version
    found["magic"] = 1 if keytype == "SCHEMA" else 0
    return json.dumps(found)


def schema(subject: str, version: int, schema_id: int, deleted: bool = False, **extra: Any) -> str:
    text = avro(subject.split("-")[0].title(), *(f"f{i}" for i in range(version)))
    body = {"subject": subject, "version": version, "id": schema_id, "schema": text, **extra}
    return json.dumps({**body, "deleted": deleted})


ORDER_JSON = json.dumps({"type": "object", "properties": {"total": {"type": "number"}}})
RECORDS = [
    (key("NOOP"), "null"),
    (key("SCHEMA", "orders-value", 1), schema("orders-value", 1, 1)),
    (key("SCHEMA", "orders-value", 2), schema("orders-value", 2, 2)),
    (key("SCHEMA", "orders-value", 3), schema("orders-value", 3, 5)),  # ids with a gap
    (
        key("SCHEMA", "payments-value", 1),
        json.dumps(
            {
                "subject": "payments-value",
                "version": 1,
                "id": 3,
                "schemaType": "JSON",
                "schema": ORDER_JSON,
                "metadata": {"properties": {"owner": "billing"}},
            }
        ),
    ),
    (key("SCHEMA", "payments-value", 2), schema("payments-value", 2, 4)),
    # A soft delete, then the permanent one: a tombstone of the SCHEMA key.
    (key("SCHEMA", "payments-value", 2), schema("payments-value", 2, 4, deleted=True)),
    (key("SCHEMA", "payments-value", 2), "null"),
    # One version soft-deleted by its record.
    (key("SCHEMA", "orders-value", 2), schema("orders-value", 2, 2, deleted=True)),
    (key("CONFIG", None), json.dumps({"compatibilityLevel": "FULL"})),
    (
        key("CONFIG", "orders-value"),
        json.dumps({"subject": "orders-value", "compatibilityLevel": "NONE"}),
    ),
    (key("CONFIG", "payments-value"), json.dumps({"compatibilityLevel": "FORWARD"})),
    (key("CONFIG", "payments-value"), "null"),  # its config deleted
    (key("MODE", None), json.dumps({"mode": "READWRITE"})),
    (key("MODE", "orders-value"), json.dumps({"subject": "orders-value", "mode": "READONLY"})),
    # A whole subject soft-deleted up to version 2.
    (key("SCHEMA", "audit-value", 1), schema("audit-value", 1, 6)),
    (key("SCHEMA", "audit-value", 2), schema("audit-value", 2, 7)),
    (key("DELETE_SUBJECT", "audit-value"), json.dumps({"subject": "audit-value", "version": 2})),
    (key("DELETE_SUBJECT", "audit-value"), "null"),  # non-schema tombstones change nothing
    # IMPORT mode on a subject: Confluent hard-deletes, writes CLEAR_SUBJECT, then imports.
    (key("SCHEMA", "scratch-value", 1), schema("scratch-value", 1, 8, deleted=True)),
    (key("CLEAR_SUBJECT", "scratch-value"), json.dumps({"subject": "scratch-value"})),
    (key("MODE", "scratch-value"), json.dumps({"mode": "IMPORT"})),
    (key("SCHEMA", "scratch-value", 1), schema("scratch-value", 1, 9)),
    (key("MODE", "scratch-value"), "null"),
    (json.dumps({"keytype": "CONTEXT", "tenant": "default", "context": ".", "magic": 0}), "{}"),
]


@pytest.fixture
def target(tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(f"sqlite:///{tmp_path}/target.db", tmp_path)
    yield server
    server.stop()


def test_a_schemas_topic_dump_replays_to_the_documented_registry(
    target: ServerProcess, tmp_path: Path
) -> None:
    dump = tmp_path / "schemas.dump"
    dump.write_text("".join(f"{k}\t{v}\n" for k, v in RECORDS))
    done = run_import("--from-dump", str(dump), "--verify", target=target.url)
    report = report_of(done)
    assert done.returncode == 0, done.stdout + done.stderr
    assert report["verify"]["ok"] and report["skipped_records"] == {"CONTEXT": 1}

    with httpx.Client(base_url=target.url) as client:

        def get(path: str) -> Any:
            reply = client.get(path)
            return reply.json() if reply.status_code == 200 else reply.status_code

        assert get("/subjects") == ["orders-value", "payments-value", "scratch-value"]
        assert "audit-value" in get("/subjects?deleted=true")
        assert get("/subjects/audit-value/versions?deleted=true") == [1, 2]
        assert get("/subjects/orders-value/versions") == [1, 3]
        assert get("/subjects/orders-value/versions?deleted=true") == [1, 2, 3]
        assert get("/subjects/orders-value/versions/latest")["id"] == 5
        payments = get("/subjects/payments-value/versions?deleted=true")
        assert payments == [1]
        assert get("/subjects/payments-value/versions/1")["schemaType"] == "JSON"
        assert get("/subjects/payments-value/versions/1")["metadata"]["properties"] == {
            "owner": "billing"
        }
        assert get("/subjects/scratch-value/versions/1")["id"] == 9
        assert (get("/schemas/ids/4"), get("/schemas/ids/8")) == (404, 404)
        assert get("/config")["compatibilityLevel"] == "FULL"
        assert get("/config/orders-value")["compatibilityLevel"] == "NONE"
        assert get("/config/payments-value") == 404
        assert get("/mode/orders-value") == {"mode": "READONLY"}
        assert (get("/mode"), get("/mode/scratch-value")) == ({"mode": "READWRITE"}, 404)

    again = run_import("--from-dump", str(dump), target=target.url)
    assert report_of(again)["written"]["requests"] == 0


def test_a_line_without_a_tab_is_refused_with_its_number(
    target: ServerProcess, tmp_path: Path
) -> None:
    dump = tmp_path / "bad.dump"
    dump.write_text(f"{key('NOOP')}\tnull\n{key('SCHEMA', 's', 1)} {schema('s', 1, 1)}\n")
    done = run_import("--from-dump", str(dump), target=target.url)
    assert done.returncode == 1
    assert "line 2" in report_of(done)["error"]
    assert httpx.get(f"{target.url}/subjects").json() == []


def team_schema(version: int, schema_id: int, *fields: str) -> str:
    subject = ":.team-a:orders-value"
    body = {"subject": subject, "version": version, "id": schema_id, "deleted": False}
    return json.dumps({**body, "schema": avro("TeamOrder", *fields)})


CONTEXT_RECORDS = [
    (key("SCHEMA", "orders-value", 1), schema("orders-value", 1, 1)),
    (key("CONFIG", None), json.dumps({"compatibilityLevel": "FULL"})),
    # `.team-a`: qualified subjects, its own id space (id 1 again, a different schema).
    (key("SCHEMA", ":.team-a:orders-value", 1), team_schema(1, 1, "a", "b")),
    (key("SCHEMA", ":.team-a:orders-value", 2), team_schema(2, 2, "a", "b", "c")),
    (key("CONFIG", ":.team-a:"), json.dumps({"compatibilityLevel": "NONE"})),
    (key("CONFIG", ":.team-a:orders-value"), json.dumps({"compatibilityLevel": "FORWARD"})),
    (key("MODE", ":.team-a:"), json.dumps({"mode": "READONLY"})),
    (
        key("DELETE_SUBJECT", ":.team-a:orders-value"),
        json.dumps({"subject": ":.team-a:orders-value", "version": 1}),
    ),
]


def test_qualified_records_replay_into_their_own_context(
    target: ServerProcess, tmp_path: Path
) -> None:
    dump = tmp_path / "contexts.dump"
    dump.write_text("".join(f"{k}\t{v}\n" for k, v in CONTEXT_RECORDS))
    done = run_import("--from-dump", str(dump), "--verify", target=target.url)
    report = report_of(done)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [c["context"] for c in report["contexts"]] == [".team-a"]
    assert report["contexts"][0]["verify"]["ok"]

    with httpx.Client(base_url=target.url) as client:

        def get(path: str) -> Any:
            reply = client.get(path)
            return reply.json() if reply.status_code == 200 else reply.status_code

        default, team = get("/schemas/ids/1"), get("/contexts/.team-a/schemas/ids/1")
        assert json.loads(default["schema"])["name"] == "Orders"
        assert json.loads(team["schema"])["name"] == "TeamOrder"
        assert get("/contexts/.team-a/schemas/ids/2") != 404
        assert get("/schemas/ids/2") == 404
        assert get("/subjects") == [":.team-a:orders-value", "orders-value"]
        assert get("/contexts/.team-a/subjects/orders-value/versions") == [2]
        assert get("/contexts/.team-a/subjects/orders-value/versions?deleted=true") == [1, 2]
        assert get("/config")["compatibilityLevel"] == "FULL"
        assert get("/contexts/.team-a/config")["compatibilityLevel"] == "NONE"
        assert get("/config/:.team-a:orders-value")["compatibilityLevel"] == "FORWARD"
        assert get("/contexts/.team-a/mode") == {"mode": "READONLY"}
        assert get("/mode") == {"mode": "READWRITE"}

    again = run_import("--from-dump", str(dump), target=target.url)
    assert report_of(again)["written"]["requests"] == 0
    assert report_of(again)["contexts"][0]["written"]["requests"] == 0
