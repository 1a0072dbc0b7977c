"""`llm-schema import` of a source with contexts: each context arrives as a context, with its
own ids (the same id in two contexts), references, soft deletes, config and mode; verified,
read by confluent-kafka through the target's context URL, and a re-run writes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from migration_support import V1, avro, put, register, report_of, run_import

from support import ServerProcess

CUSTOMER = {"type": "record", "name": "Customer", "fields": [{"name": "name", "type": "string"}]}
ORDER = {
    "type": "record",
    "name": "Order",
    "fields": [{"name": "id", "type": "string"}, {"name": "customer", "type": "Customer"}],
}


def populate(url: str) -> None:
    """The default context and two named ones, each numbering its ids from 1."""
    with httpx.Client(base_url=url, headers={"Content-Type": V1}) as client:
        register(client, "plain-value", schema=avro("Plain", "a"))
        for context in (".team-a", ".team-b"):
            prefix = f"/contexts/{context}"
            with httpx.Client(base_url=url + prefix, headers={"Content-Type": V1}) as scoped:
                register(scoped, "customer", schema=json.dumps(CUSTOMER))
                ref = [{"name": "Customer", "subject": "customer", "version": 1}]
                register(scoped, "orders-value", schema=json.dumps(ORDER), references=ref)
                register(scoped, "notes-value", schema=avro(f"Note{context[-1].upper()}", "t"))
                register(scoped, "notes-value", schema=avro(f"Note{context[-1].upper()}", "t", "u"))
                assert scoped.delete("/subjects/notes-value/versions/1").status_code == 200
        put(client, "/contexts/.team-a/config", {"compatibility": "FULL"})
        put(client, "/contexts/.team-b/mode", {"mode": "READONLY"})
        put(client, "/config/:.team-a:customer", {"compatibility": "NONE"})


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp("source")
    server = ServerProcess(f"sqlite:///{workdir}/source.db", workdir)
    populate(server.url)
    yield server
    server.stop()


@pytest.fixture
def target(tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(f"sqlite:///{tmp_path}/target.db", tmp_path)
    yield server
    server.stop()


def reads(url: str) -> dict[str, object]:
    """What must read the same on both sides, context by context."""
    found: dict[str, object] = {}
    with httpx.Client(base_url=url) as client:
        found["/contexts"] = client.get("/contexts").json()
        found["/subjects"] = client.get("/subjects", params={"deleted": "true"}).json()
        for context in (".team-a", ".team-b"):
            for path in (
                "/subjects/orders-value/versions/1",
                "/subjects/notes-value/versions",
                "/schemas/ids/1",
                "/schemas/ids/2",
                "/config",
                "/mode",
            ):
                reply = client.get(f"/contexts/{context}{path}")
                body = reply.json()
                if isinstance(body, dict):
                    body.pop("guid", None)
                found[f"{context}{path}"] = (reply.status_code, body)
        found["customer config"] = client.get("/config/:.team-a:customer").json()
    return found


def test_a_sources_contexts_are_imported_as_contexts(
    source: ServerProcess, target: ServerProcess
) -> None:
    done = run_import("--from", source.url, "--verify", target=target.url)
    report = report_of(done)
    assert done.returncode == 0, done.stdout + done.stderr
    assert report["context"] == "." and report["subjects"] == 1
    named = {found["context"]: found for found in report["contexts"]}
    assert set(named) == {".team-a", ".team-b"}
    for found in named.values():
        assert found["verify"] == {"ok": True, "differences": []}
        assert found["subjects"] == 3 and found["conflicts"] == []
    assert reads(target.url) == reads(source.url)
    # The same id, different schemas, in each context and in the default one.
    with httpx.Client(base_url=target.url) as client:
        a = client.get("/contexts/.team-a/schemas/ids/3").json()["schema"]
        b = client.get("/contexts/.team-b/schemas/ids/3").json()["schema"]
        assert ("NoteA" in a, "NoteB" in b) == (True, True)
        assert "Plain" in client.get("/schemas/ids/1").json()["schema"]
    # Running it again writes nothing, in any context.
    again = report_of(run_import("--from", source.url, target=target.url))
    for found in (again, *again["contexts"]):
        assert found["written"]["requests"] == 0, found
    # Messages written against the source's context (a new subject, known content: id 1)
    # read back through the target's.
    writer = SchemaRegistryClient({"url": f"{source.url}/contexts/.team-a"})
    reader = SchemaRegistryClient({"url": f"{target.url}/contexts/.team-a"})
    context = SerializationContext("buyers", MessageField.VALUE)
    schema = writer.get_latest_version("customer").schema
    payload = AvroSerializer(writer, schema.schema_str)({"name": "Ada"}, context)
    assert payload is not None
    assert AvroDeserializer(reader)(payload, context) == {"name": "Ada"}
