"""`llm-schema import --from URL`: a second server of ours, full of history, moved into an
empty one over REST, as the console script does it (a subprocess): ids preserved, verified,
read by confluent-kafka's deserializers through the new registry; killed half-way and
finished by a re-run; a re-run of a finished import writes nothing; conflicts refused."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from migration_support import (
    FILLERS,
    V1,
    audit_entries,
    avro,
    clean_env,
    every_read,
    import_command,
    populate_source,
    report_of,
    run_import,
    without_guids,
)

from support import ServerProcess

SUBJECTS = 9 + FILLERS  # the soft-deleted one too


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp("source")
    server = ServerProcess(f"sqlite:///{workdir}/source.db", workdir)
    populate_source(server.url)
    yield server
    server.stop()


class Target:
    def __init__(self, workdir: Path) -> None:
        self.database = workdir / "target.db"
        self.server = ServerProcess(f"sqlite:///{self.database}", workdir)
        self.url = self.server.url

    def audit_count(self) -> int:
        return audit_entries(self.database)


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Target]:
    found = Target(tmp_path)
    yield found
    found.server.stop()


def test_an_import_keeps_every_id_and_confluent_clients_read_through_the_target(
    source: ServerProcess, target: Target
) -> None:
    done = run_import("--from", source.url, "--verify", target=target.url)
    report = report_of(done)
    assert done.returncode == 0, done.stdout + done.stderr
    assert report["verify"] == {"ok": True, "differences": []}
    assert report["conflicts"] == [] and report["subjects"] == SUBJECTS
    assert report["written"]["registered"] == report["versions"]
    assert without_guids(every_read(target.url)) == without_guids(every_read(source.url))
    with httpx.Client(base_url=target.url) as client:
        legacy = client.get("/subjects/legacy-value/versions/3").json()
        assert (legacy["id"], legacy["metadata"]["properties"]["owner"]) == (250, "team-llm")
        assert client.get("/mode/usage-value").json() == {"mode": "READONLY"}
        assert client.get("/subjects/notes-value/versions").json() == [1, 3]
        refused = client.post(
            "/subjects/usage-value/versions", json={"schema": avro("X", "y")}, headers={}
        )
        assert refused.json()["error_code"] == 42205  # READONLY came along
        fresh = client.post(
            "/subjects/brand-new/versions",
            json={"schema": avro("Fresh", "z")},
            headers={"Content-Type": V1},
        )
        assert fresh.json()["id"] > 250  # new ids continue past the imported ones
    _confluent_clients_read_through(source.url, target.url)


def _confluent_clients_read_through(source_url: str, target_url: str) -> None:
    """Messages serialized against the source decode with the target's URL."""
    latest = {"auto.register.schemas": False, "use.latest.version": True}
    writer_client = SchemaRegistryClient({"url": source_url})
    reader_client = SchemaRegistryClient({"url": target_url})
    context = SerializationContext("inference", MessageField.VALUE)
    schema = writer_client.get_latest_version("inference-value").schema
    record = {"model": "m-1", "usage": {"input_tokens": 3, "output_tokens": 5}, "region": "us"}
    payload = AvroSerializer(writer_client, schema, conf=latest)(record, context)
    assert payload is not None
    assert AvroDeserializer(reader_client)(payload, context) == record
    customers = SerializationContext("customers", MessageField.VALUE)
    schema = writer_client.get_latest_version("customers-value").schema
    customer = {"name": "Ada", "home": {"city": "London"}}
    payload = JSONSerializer(schema, writer_client, conf=latest)(customer, customers)
    assert payload is not None
    assert (
        JSONDeserializer(None, schema_registry_client=reader_client)(payload, customers) == customer
    )


def test_a_killed_import_is_finished_by_a_rerun_and_a_third_run_writes_nothing(
    source: ServerProcess, target: Target
) -> None:
    running = subprocess.Popen(
        import_command("--from", source.url, target=target.url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=clean_env(),
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and running.poll() is None:
            if len(httpx.get(f"{target.url}/subjects").json()) >= 10:
                running.send_signal(signal.SIGKILL)
                break
            time.sleep(0.02)
        running.wait(timeout=30)
    finally:
        if running.poll() is None:
            running.kill()
    assert running.returncode == -signal.SIGKILL, "the import finished before it was killed"
    halfway = len(httpx.get(f"{target.url}/subjects?deleted=true").json())
    assert 10 <= halfway < SUBJECTS

    resumed = run_import("--from", source.url, "--verify", target=target.url)
    report = report_of(resumed)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert report["verify"]["ok"] and report["present"] > 0
    assert without_guids(every_read(target.url)) == without_guids(every_read(source.url))

    entries = target.audit_count()
    again = run_import("--from", source.url, target=target.url)
    assert again.returncode == 0, again.stdout + again.stderr
    assert report_of(again)["written"]["requests"] == 0
    assert target.audit_count() == entries


def test_an_id_taken_by_other_content_is_refused_with_every_conflict_and_nothing_written(
    source: ServerProcess, target: Target
) -> None:
    with httpx.Client(base_url=target.url, headers={"Content-Type": V1}) as client:
        assert client.put("/mode/mine", json={"mode": "IMPORT"}).status_code == 200
        for schema_id, name in ((1, "Mine"), (250, "Other")):
            body = {"schema": avro(name, "q"), "id": schema_id}
            assert client.post("/subjects/mine/versions", json=body).status_code == 200
    before, entries = every_read(target.url), target.audit_count()

    done = run_import("--from", source.url, target=target.url)
    report = report_of(done)
    assert done.returncode == 1, done.stdout + done.stderr
    taken = sorted(c["ids"][0] for c in report["conflicts"] if c["kind"] == "id-taken")
    assert taken == [1, 250]
    assert report["written"]["requests"] == 0
    assert every_read(target.url) == before and target.audit_count() == entries


def test_dry_run_and_subject_glob_plan_the_selection_and_its_references(
    source: ServerProcess, target: Target
) -> None:
    done = run_import(
        "--from", source.url, "--subjects", "inference-*", "--dry-run", target=target.url
    )
    report = report_of(done)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (report["subjects"], report["planned"]["register"]) == (2, 3)  # + usage-value
    assert httpx.get(f"{target.url}/subjects").json() == []
    human = subprocess.run(
        [*import_command("--from", source.url, "--dry-run", target=target.url)][:-2],
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=120,
    )
    assert human.returncode == 0 and "to register" in human.stdout, human.stdout + human.stderr
    assert json.dumps(report)  # the report is plain JSON
