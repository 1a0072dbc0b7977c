"""Malformed requests get Confluent-shaped errors with the right code, and change nothing."""

from __future__ import annotations

import httpx
import pytest
from avro_samples import USER_V1


async def assert_unchanged(client: httpx.AsyncClient) -> None:
    assert (await client.get("/subjects")).json() == []
    assert (await client.get("/schemas")).json() == []


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{bad json", 400, 400),
        (b"", 422, 422),
        (b'{"schema": 123}', 422, 422),
        (b'{"schema": "{}", "references": "x"}', 422, 422),
        (b'{"nothing": true}', 422, 42201),  # "Empty schema", as Confluent
        (b'["schema"]', 422, 422),
        (b'{"schema": "{\\"type\\": \\"recrd\\"}"}', 422, 42201),
        (b'{"schema": "not json at all"}', 422, 42201),
        (b'{"schema": "{\\"type\\": \\"record\\", \\"name\\": \\"x\\""}', 422, 42201),
        (b'{"schema": "{}", "schemaType": "XML"}', 422, 42201),
        (b'{"schema": "\\"string\\"", "metadata": {"properties": {"a": 1}}}', 422, 42210),
        (b'{"schema": "\\"string\\"", "ruleSet": {"domainRules": [{"kind": "X"}]}}', 422, 42210),
    ],
)
async def test_malformed_registrations_answer_with_the_right_code(
    client: httpx.AsyncClient, body: bytes, status: int, code: int
) -> None:
    reply = await client.post("/subjects/s/versions", content=body)
    assert reply.status_code == status, reply.text
    assert reply.json()["error_code"] == code
    assert reply.json()["message"]
    await assert_unchanged(client)


async def test_the_message_says_what_is_wrong_with_a_schema(
    sqlite_client: httpx.AsyncClient,
) -> None:
    bad = (
        '{"type": "record", "name": "x", "fields": '
        '[{"name": "a", "type": "int"}, {"name": "a", "type": "int"}]}'
    )
    reply = await sqlite_client.post("/subjects/s/versions", json={"schema": bad})
    assert reply.json()["error_code"] == 42201
    assert "a" in reply.json()["message"] and "uplicate" in reply.json()["message"]


async def test_a_body_over_the_size_limit_is_413(sqlite_client: httpx.AsyncClient) -> None:
    huge = '"' + "x" * (1024 * 1024 + 10) + '"'
    reply = await sqlite_client.post("/subjects/s/versions", content=huge.encode())
    assert (reply.status_code, reply.json()["error_code"]) == (413, 41301)
    await assert_unchanged(sqlite_client)


async def test_a_streamed_body_over_the_limit_is_413(sqlite_client: httpx.AsyncClient) -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(20):
            yield b"x" * 65536

    reply = await sqlite_client.post("/subjects/s/versions", content=chunks())
    assert (reply.status_code, reply.json()["error_code"]) == (413, 41301)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/nope"),
        ("GET", "/associations/resources/x/topic"),
        ("POST", "/subjects/s/x"),
        ("GET", "/schemas/ids/abc"),
        ("GET", "/schemas/ids/99"),
    ],
)
async def test_unknown_paths_answer_a_confluent_shaped_404(
    sqlite_client: httpx.AsyncClient, method: str, path: str
) -> None:
    reply = await sqlite_client.request(method, path)
    assert reply.status_code == 404
    assert set(reply.json()) == {"error_code", "message"}
    assert reply.json()["error_code"] in (404, 40403)


async def test_a_wrong_method_is_405_in_confluent_shape(sqlite_client: httpx.AsyncClient) -> None:
    reply = await sqlite_client.put("/schemas/types")
    assert (reply.status_code, reply.json()["error_code"]) == (405, 405)


async def test_bad_query_parameters_are_400(sqlite_client: httpx.AsyncClient) -> None:
    reply = await sqlite_client.get("/subjects?offset=abc")
    assert (reply.status_code, reply.json()["error_code"]) == (400, 400)


async def test_invalid_subject_names_are_42208(sqlite_client: httpx.AsyncClient) -> None:
    reply = await sqlite_client.post("/subjects/%20/versions", json={"schema": USER_V1})
    assert (reply.status_code, reply.json()["error_code"]) == (422, 42208)
