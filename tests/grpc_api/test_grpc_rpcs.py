"""Every RPC of llm_schema_registry.v1.SchemaRegistry with a real grpcio client, on SQLite and
PostgreSQL, beside REST in the same registry: one store, one set of ids, errors with the same
Confluent codes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import grpc
import pytest
from grpcsupport import (
    AVRO_BREAKING,
    AVRO_V1,
    AVRO_V2,
    JSON_SCHEMA,
    Registry,
    failure,
    grpc_registry,
    register_request,
)

from llm_schema_registry.rpc.v1 import registry_pb2 as pb


@pytest.fixture
async def registry(database_url: str) -> AsyncIterator[Registry]:
    async with grpc_registry(database_url) as both:
        yield both


async def test_rest_registration_is_read_over_grpc_with_the_same_id(registry: Registry) -> None:
    made = (
        await registry.http.post(
            "/subjects/a/versions",
            json={"schema": AVRO_V1},
            headers={"Confluent-Accept-Unknown-Properties": "true"},  # for `ts`
        )
    ).json()
    by_id = await registry.stub.GetSchemaById(pb.GetSchemaByIdRequest(id=made["id"]))
    assert (by_id.id, by_id.guid, by_id.schema) == (made["id"], made["guid"], AVRO_V1)
    assert by_id.schema_type == pb.SCHEMA_TYPE_AVRO
    latest = await registry.stub.GetVersion(pb.GetVersionRequest(subject="a"))
    assert (latest.subject, latest.version, latest.schema.id) == ("a", 1, made["id"])
    assert latest.state == pb.LIFECYCLE_STATE_ACTIVE and latest.ts == made["ts"]


async def test_grpc_registration_is_read_over_rest_with_the_same_id(registry: Registry) -> None:
    metadata = pb.Metadata(properties={"owner": "team-a"}, tags={"$.n": pb.Tags(tags=["PII"])})
    rules = pb.RuleSet(
        domain_rules=[pb.Rule(name="positive", kind="CONDITION", type="CEL", expr="message.n > 0")]
    )
    made = await registry.stub.RegisterSchema(
        register_request(
            "j", JSON_SCHEMA, schema_type=pb.SCHEMA_TYPE_JSON, metadata=metadata, rule_set=rules
        )
    )
    assert (made.version, made.state) == (1, pb.LIFECYCLE_STATE_ACTIVE)
    body = (await registry.http.get(f"/schemas/ids/{made.id}")).json()
    assert body == {
        "schemaType": "JSON",
        "metadata": {"tags": {"$.n": ["PII"]}, "properties": {"owner": "team-a"}},
        "ruleSet": {
            "domainRules": [
                {"name": "positive", "kind": "CONDITION", "type": "CEL", "expr": "message.n > 0"}
            ]
        },
        "schema": JSON_SCHEMA,
        "guid": made.guid,
    }
    again = await registry.stub.RegisterSchema(register_request("j", JSON_SCHEMA, schema_type=3))
    assert again.id == made.id  # the contract carries over, as over REST
    rest = await registry.http.post(
        "/subjects/j/versions", json={"schema": JSON_SCHEMA, "schemaType": "JSON"}
    )
    assert rest.json()["id"] == made.id


async def test_reads_by_guid_version_and_listings(registry: Registry) -> None:
    first = await registry.stub.RegisterSchema(register_request("s1"))
    second = await registry.stub.RegisterSchema(register_request("s1", AVRO_V2))
    await registry.stub.RegisterSchema(register_request("t1"))
    by_guid = await registry.stub.GetSchemaByGuid(pb.GetSchemaByGuidRequest(guid=second.guid))
    assert (by_guid.id, by_guid.schema) == (second.id, AVRO_V2)
    one = await registry.stub.GetVersion(pb.GetVersionRequest(subject="s1", version=1))
    assert one.schema.id == first.id
    latest = await registry.stub.GetVersion(pb.GetVersionRequest(subject="s1", version=-1))
    assert latest.version == 2
    subjects = await registry.stub.ListSubjects(pb.ListSubjectsRequest())
    assert list(subjects.subjects) == ["s1", "t1"]
    prefixed = await registry.stub.ListSubjects(pb.ListSubjectsRequest(prefix="t"))
    assert list(prefixed.subjects) == ["t1"]
    versions = await registry.stub.ListVersions(pb.ListVersionsRequest(subject="s1"))
    assert list(versions.versions) == [1, 2]
    found = await registry.stub.LookupSchema(pb.LookupSchemaRequest(subject="s1", schema=AVRO_V1))
    assert (found.version, found.schema.id) == (1, first.id)
    rest = await registry.http.get("/subjects/s1/versions/2")
    assert rest.json()["id"] == second.id


async def test_compatibility_answers_with_the_reasons(registry: Registry) -> None:
    await registry.stub.RegisterSchema(register_request("c"))
    fine = await registry.stub.CheckCompatibility(
        pb.CheckCompatibilityRequest(subject="c", schema=AVRO_V2)
    )
    assert (fine.is_compatible, list(fine.messages)) == (True, [])
    broken = await registry.stub.CheckCompatibility(
        pb.CheckCompatibilityRequest(subject="c", schema=AVRO_BREAKING, version=-1)
    )
    assert not broken.is_compatible
    rest = await registry.http.post(
        "/compatibility/subjects/c/versions/latest?verbose=true", json={"schema": AVRO_BREAKING}
    )
    assert list(broken.messages) == rest.json()["messages"]
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await registry.stub.RegisterSchema(register_request("c", AVRO_BREAKING))
    assert failure(refused.value) == (grpc.StatusCode.FAILED_PRECONDITION, 40901)
    refusal = await registry.http.post("/subjects/c/versions", json={"schema": AVRO_BREAKING})
    assert (refusal.json()["error_code"], refusal.json()["message"]) == (
        40901,
        refused.value.details(),
    )


async def test_validation_of_a_record_a_batch_llm_output_and_a_stream(registry: Registry) -> None:
    made = await registry.stub.RegisterSchema(
        register_request("v", JSON_SCHEMA, schema_type=pb.SCHEMA_TYPE_JSON)
    )
    target = pb.ValidationTarget(subject="v")
    one = await registry.stub.ValidateData(pb.ValidateDataRequest(target=target, record='{"n":1}'))
    assert [r.valid for r in one.results] == [True]
    batch = await registry.stub.ValidateData(
        pb.ValidateDataRequest(
            target=target, batch=pb.RecordBatch(records=['{"n":1}', '{"n":"x"}'])
        )
    )
    assert [r.valid for r in batch.results] == [True, False]
    rest = await registry.http.post("/validate", json={"subject": "v", "records": [{"n": "x"}]})
    assert [(e.path, e.message) for e in batch.results[1].errors] == [
        (e["path"], e["message"]) for e in rest.json()["results"][0]["errors"]
    ]
    llm = await registry.stub.ValidateData(
        pb.ValidateDataRequest(target=target, llm_output='Here you go:\n```json\n{"n": "two"}\n```')
    )
    assert not llm.results[0].valid
    assert json.loads(llm.llm_output.extracted) == {"n": "two"}
    assert llm.llm_output.source == "fenced" and llm.llm_output.HasField("repair_prompt")

    async def stream() -> AsyncIterator[pb.ValidateDataStreamRequest]:
        by_id = pb.ValidationTarget(schema_id=made.id)
        yield pb.ValidateDataStreamRequest(target=by_id, records=['{"n":1}'])
        for start in range(0, 300, 100):
            yield pb.ValidateDataStreamRequest(
                records=[json.dumps({"n": i if i % 7 else "x"}) for i in range(start, start + 100)]
            )

    streamed = await registry.stub.ValidateDataStream(stream())
    assert len(streamed.results) == 301
    assert [i for i, r in enumerate(streamed.results) if not r.valid] == [
        1 + i for i in range(300) if i % 7 == 0
    ]


async def test_errors_carry_the_confluent_code_and_message(registry: Registry) -> None:
    calls = [
        (registry.stub.GetVersion(pb.GetVersionRequest(subject="nope")), 40401),
        (registry.stub.GetSchemaById(pb.GetSchemaByIdRequest(id=999)), 40403),
        (registry.stub.RegisterSchema(register_request("bad", "{not avro")), 42201),
        (registry.stub.GetVersion(pb.GetVersionRequest(subject="nope", version=0)), 42202),
        (registry.stub.ValidateData(pb.ValidateDataRequest(target=pb.ValidationTarget())), 422),
    ]
    statuses = {
        40401: grpc.StatusCode.NOT_FOUND,
        40403: grpc.StatusCode.NOT_FOUND,
        42201: grpc.StatusCode.INVALID_ARGUMENT,
        42202: grpc.StatusCode.INVALID_ARGUMENT,
        422: grpc.StatusCode.INVALID_ARGUMENT,
    }
    for pending, code in calls:
        with pytest.raises(grpc.aio.AioRpcError) as failed:
            await pending
        assert failure(failed.value) == (statuses[code], code)
    rest = (await registry.http.get("/subjects/nope/versions/latest")).json()
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await registry.stub.GetVersion(pb.GetVersionRequest(subject="nope"))
    assert missing.value.details() == rest["message"]
