"""The same security over gRPC as over REST: credentials in metadata (x-api-key, Basic,
Bearer), roles and subject scopes, one rate-limit bucket per principal, and the audit trail
of writes, refusals and failed logins."""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Any

import grpc
import jwt
import pytest
from grpcsupport import (
    AVRO_V1,
    JSON_SCHEMA,
    detail,
    failure,
    grpc_registry,
    make_key,
    register_request,
)

from llm_schema_registry.rpc.v1 import registry_pb2 as pb

JWT_SECRET = "s3cret-shared-value-of-32-bytes!!"
REGISTER = "gRPC /llm_schema_registry.v1.SchemaRegistry/RegisterSchema"


def api_key(secret: str) -> tuple[tuple[str, str], ...]:
    return (("x-api-key", secret),)


def basic(key_id: str, secret: str) -> tuple[tuple[str, str], ...]:
    token = base64.b64encode(f"{key_id}:{secret}".encode()).decode()
    return (("authorization", f"Basic {token}"),)


def bearer(**claims: Any) -> tuple[tuple[str, str], ...]:
    now = int(time.time())
    body = {"sub": "alice", "iat": now, "nbf": now - 5, "exp": now + 300, **claims}
    return (("authorization", f"Bearer {jwt.encode(body, JWT_SECRET, 'HS256')}"),)


async def test_credentials_in_metadata_and_refusals(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    key_id, secret = await make_key(url, "publisher")
    admin = (await make_key(url, "admin"))[1]
    async with grpc_registry(url, auth_enabled=True, jwt_secret=JWT_SECRET) as registry:
        stub = registry.stub
        for nobody in ((), api_key("lsk_nobody.wrong"), (("authorization", "Digest x"),)):
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await stub.ListSubjects(pb.ListSubjectsRequest(), metadata=nobody)
            assert failure(refused.value) == (grpc.StatusCode.UNAUTHENTICATED, 40101)
        for credentials in (
            api_key(secret),
            basic(key_id, secret),
            bearer(roles=[{"role": "publisher"}]),
        ):
            made = await stub.RegisterSchema(register_request("a", AVRO_V1), metadata=credentials)
            assert made.version == 1
        entries = (
            await registry.http.get("/audit?action=auth.login", headers={"X-API-Key": admin})
        ).json()
        assert [(e["actor"], e["result"]) for e in entries] == [("anonymous", "denied")] * 3
        assert {e["resource"] for e in entries} == {
            "gRPC /llm_schema_registry.v1.SchemaRegistry/ListSubjects"
        }


async def test_subject_scope_refuses_and_writes_nothing(database_url: str) -> None:
    publisher_id, publisher = await make_key(database_url, "publisher", ("telemetry.*",))
    consumer = (await make_key(database_url, "consumer", ("telemetry.*",)))[1]
    admin = {"X-API-Key": (await make_key(database_url, "admin"))[1]}
    async with grpc_registry(database_url, auth_enabled=True) as registry:
        stub = registry.stub
        with pytest.raises(grpc.aio.AioRpcError) as outside:
            await stub.RegisterSchema(register_request("billing.x"), metadata=api_key(publisher))
        assert failure(outside.value) == (grpc.StatusCode.PERMISSION_DENIED, 40301)
        with pytest.raises(grpc.aio.AioRpcError) as reader:
            await stub.RegisterSchema(register_request("telemetry.x"), metadata=api_key(consumer))
        assert failure(reader.value) == (grpc.StatusCode.PERMISSION_DENIED, 40301)
        assert (await registry.http.get("/subjects", headers=admin)).json() == []

        made = await stub.RegisterSchema(
            register_request("telemetry.a"), metadata=api_key(publisher)
        )
        await registry.http.post(
            "/subjects/billing.b/versions", json={"schema": AVRO_V1}, headers=admin
        )
        seen = await stub.ListSubjects(pb.ListSubjectsRequest(), metadata=api_key(consumer))
        assert list(seen.subjects) == ["telemetry.a"]  # cut to the caller's scope
        read = await stub.GetVersion(
            pb.GetVersionRequest(subject="telemetry.a"), metadata=api_key(consumer)
        )
        assert read.schema.id == made.id

        written = (await registry.http.get("/audit?subject=telemetry.a", headers=admin)).json()
        assert [(e["action"], e["result"], e["actor"]) for e in written] == [
            ("schema.create", "success", f"key:{publisher_id}")
        ]
        assert written[0]["resource"] == REGISTER and written[0]["client"] == "127.0.0.1"
        assert written[0]["after"] == {"subject": "telemetry.a", "version": 1, "id": made.id}
        denied = (await registry.http.get("/audit?subject=billing.x", headers=admin)).json()
        assert [(e["action"], e["result"]) for e in denied] == [("schema.create", "denied")]


async def test_one_rate_limit_bucket_for_both_apis(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    secret = (await make_key(url, "consumer", rate_limit_per_minute=2))[1]
    async with grpc_registry(url, auth_enabled=True) as registry:
        assert (
            await registry.http.get("/subjects", headers={"X-API-Key": secret})
        ).status_code == 200
        await registry.stub.ListSubjects(pb.ListSubjectsRequest(), metadata=api_key(secret))
        with pytest.raises(grpc.aio.AioRpcError) as limited:
            await registry.stub.ListSubjects(pb.ListSubjectsRequest(), metadata=api_key(secret))
        assert failure(limited.value) == (grpc.StatusCode.RESOURCE_EXHAUSTED, 42901)
        assert detail(limited.value).retry_after_seconds >= 1


async def test_writes_without_authentication_are_audited_as_anonymous(tmp_path: Path) -> None:
    async with grpc_registry(f"sqlite:///{tmp_path}/r.db") as registry:
        await registry.stub.RegisterSchema(register_request("open"))
        entries = (await registry.http.get("/audit?subject=open")).json()
        assert [(e["actor"], e["action"], e["resource"]) for e in entries] == [
            ("anonymous", "schema.create", REGISTER)
        ]


async def test_a_blocked_registration_lists_its_violations(tmp_path: Path) -> None:
    pii = '{"type":"object","properties":{"email":{"type":"string"}}}'
    async with grpc_registry(f"sqlite:///{tmp_path}/r.db", policy_pii="block") as registry:
        with pytest.raises(grpc.aio.AioRpcError) as blocked:
            await registry.stub.RegisterSchema(
                register_request("p", pii, schema_type=pb.SCHEMA_TYPE_JSON)
            )
        assert failure(blocked.value) == (grpc.StatusCode.INVALID_ARGUMENT, 42251)
        assert [v.policy for v in detail(blocked.value).violations] == ["pii"]
        entries = (await registry.http.get("/audit?subject=p")).json()
        assert [(e["action"], e["result"]) for e in entries] == [("schema.create", "denied")]
        fine = await registry.stub.RegisterSchema(
            register_request("q", JSON_SCHEMA, schema_type=pb.SCHEMA_TYPE_JSON)
        )
        assert fine.version == 1


async def test_failed_logins_are_throttled_per_peer_before_the_hash(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    key_id, _ = await make_key(url, "publisher")
    admin = (await make_key(url, "admin"))[1]
    async with grpc_registry(url, auth_enabled=True, auth_failures_per_minute=3) as registry:
        refusals = []
        for n in range(5):
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await registry.stub.ListSubjects(
                    pb.ListSubjectsRequest(), metadata=api_key(f"{key_id}.wrong-{n}")
                )
            refusals.append(failure(refused.value))
        throttled = await registry.http.get(
            "/audit?action=auth.throttled", headers={"X-API-Key": admin}
        )
    unauthenticated = (grpc.StatusCode.UNAUTHENTICATED, 40101)
    exhausted = (grpc.StatusCode.RESOURCE_EXHAUSTED, 42902)
    assert refusals == [unauthenticated] * 3 + [exhausted] * 2
    assert [(e["result"], e["after"]["retry_after"] > 0) for e in throttled.json()] == [
        ("denied", True)
    ] * 2
