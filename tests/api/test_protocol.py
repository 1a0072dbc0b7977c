"""HTTP details real clients rely on: media types, spellings, paths, the cached hot read."""

from __future__ import annotations

import httpx
from avro_samples import USER_V1

V1 = "application/vnd.schemaregistry.v1+json"


async def test_every_confluent_request_content_type_is_accepted(
    sqlite_client: httpx.AsyncClient,
) -> None:
    for index, media in enumerate(
        [V1, "application/vnd.schemaregistry+json", "application/json", "application/octet-stream"]
    ):
        reply = await sqlite_client.post(
            f"/subjects/s{index}/versions",
            content=f'{{"schema": {USER_V1!r}}}'.replace("'", '"').encode()
            if False
            else httpx.Request("POST", "/", json={"schema": USER_V1}).content,
            headers={"Content-Type": media},
        )
        assert reply.status_code == 200, (media, reply.text)


async def test_responses_follow_the_accept_header(sqlite_client: httpx.AsyncClient) -> None:
    default = await sqlite_client.get("/subjects")
    assert default.headers["content-type"] == V1
    plain = await sqlite_client.get("/subjects", headers={"Accept": "application/json"})
    assert plain.headers["content-type"] == "application/json"
    ranked = await sqlite_client.get(
        "/subjects",
        headers={"Accept": "application/json; q=0.5, application/vnd.schemaregistry+json"},
    )
    assert ranked.headers["content-type"] == "application/vnd.schemaregistry+json"
    refused = await sqlite_client.get("/subjects", headers={"Accept": "text/html"})
    assert (refused.status_code, refused.json()["error_code"]) == (406, 406)


async def test_a_get_with_a_content_type_and_no_accept_works(
    sqlite_client: httpx.AsyncClient,
) -> None:
    reply = await sqlite_client.get("/config", headers={"Content-Type": V1, "Accept": ""})
    assert reply.status_code == 200


async def test_booleans_in_any_case_and_python_client_spellings(
    sqlite_client: httpx.AsyncClient,
) -> None:
    await sqlite_client.post("/subjects/app.s/versions", json={"schema": USER_V1})
    await sqlite_client.delete("/subjects/app.s/versions/1")
    assert (await sqlite_client.get("/subjects?deleted=True")).json() == ["app.s"]
    assert (await sqlite_client.get("/subjects?deleted_only=TRUE")).json() == ["app.s"]
    assert (await sqlite_client.get("/subjects/app.s/versions?deleted_only=True")).json() == [1]
    assert (await sqlite_client.get("/subjects?deleted=False")).json() == []
    reply = await sqlite_client.get(
        "/subjects/app.s/versions/1?deleted=true&reference_format=x&foo=1"
    )
    assert reply.status_code == 200


async def test_encoded_slashes_stay_inside_subject_names(sqlite_client: httpx.AsyncClient) -> None:
    reply = await sqlite_client.post("/subjects/team%2Fusers/versions", json={"schema": USER_V1})
    assert reply.status_code == 200, reply.text
    assert (await sqlite_client.get("/subjects")).json() == ["team/users"]
    assert (await sqlite_client.get("/subjects/team%2Fusers/versions")).json() == [1]


async def test_trailing_slashes_are_tolerated(sqlite_client: httpx.AsyncClient) -> None:
    assert (await sqlite_client.put("/config/", json={"compatibility": "FULL"})).status_code == 200
    assert (await sqlite_client.get("/config/")).json()["compatibilityLevel"] == "FULL"
    assert (await sqlite_client.get("/subjects/")).status_code == 200


async def test_schema_by_id_is_cached_with_etag_and_revalidates(
    sqlite_client: httpx.AsyncClient,
) -> None:
    schema_id = (await sqlite_client.post("/subjects/s/versions", json={"schema": USER_V1})).json()[
        "id"
    ]
    first = await sqlite_client.get(f"/schemas/ids/{schema_id}")
    second = await sqlite_client.get(f"/schemas/ids/{schema_id}?subject=s")
    assert first.content == second.content
    assert first.headers["etag"] == second.headers["etag"]
    assert "max-age" in first.headers["cache-control"]
    revalidated = await sqlite_client.get(
        f"/schemas/ids/{schema_id}", headers={"If-None-Match": first.headers["etag"]}
    )
    assert revalidated.status_code == 304
    assert set(first.json()) == {"schema", "guid"}


async def test_the_hot_read_is_served_by_the_front_layer_after_the_first_read(
    sqlite_client: httpx.AsyncClient,
) -> None:
    from llm_schema_registry.observability.metrics import CACHES

    await sqlite_client.post("/subjects/s/versions", json={"schema": USER_V1})
    hits, misses = CACHES.hits.get("schema_bodies", 0), CACHES.misses.get("schema_bodies", 0)
    for _ in range(3):
        reply = await sqlite_client.get("/schemas/ids/1")
        assert reply.status_code == 200 and reply.headers["x-request-id"]
    assert CACHES.misses["schema_bodies"] - misses == 1
    assert CACHES.hits["schema_bodies"] - hits == 2
    plain = await sqlite_client.get("/schemas/ids/1", headers={"Accept": "application/json"})
    assert plain.headers["content-type"] == "application/json"


async def test_server_endpoints(sqlite_client: httpx.AsyncClient) -> None:
    assert (await sqlite_client.get("/")).json() == {}
    assert (await sqlite_client.post("/", json={})).json() == {}
    types = (await sqlite_client.get("/schemas/types")).json()
    assert types == ["JSON", "PROTOBUF", "AVRO", "PROMPT"]
    assert (await sqlite_client.get("/contexts")).json() == ["."]
    assert "id" in (await sqlite_client.get("/v1/metadata/id")).json()
    assert "version" in (await sqlite_client.get("/v1/metadata/version")).json()


async def test_openapi_describes_every_route_with_request_and_error_schemas(
    sqlite_client: httpx.AsyncClient,
) -> None:
    document = (await sqlite_client.get("/openapi.json")).json()
    paths = document["paths"]
    for path in [
        "/schemas",
        "/schemas/ids/{id}",
        "/schemas/ids/{id}/schema",
        "/schemas/ids/{id}/subjects",
        "/schemas/ids/{id}/versions",
        "/schemas/guids/{guid}",
        "/subjects",
        "/subjects/{subject}",
        "/subjects/{subject}/metadata",
        "/subjects/{subject}/versions",
        "/subjects/{subject}/versions/{version}",
        "/subjects/{subject}/versions/{version}/schema",
        "/subjects/{subject}/versions/{version}/referencedby",
        "/compatibility/subjects/{subject}/versions/{version}",
        "/compatibility/subjects/{subject}/versions",
        "/config",
        "/config/{subject}",
        "/mode",
        "/mode/{subject}",
        "/contexts",
        "/v1/metadata/id",
        "/v1/metadata/version",
    ]:
        assert path in paths, path
    register = paths["/subjects/{subject}/versions"]["post"]
    assert "RegisterSchemaRequest" in str(register["requestBody"])
    assert "ErrorBody" in str(register["responses"]["409"])
    assert "SchemaObject" in str(register["responses"]["200"])
