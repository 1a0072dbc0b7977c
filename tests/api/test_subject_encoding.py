"""Subjects are decoded once, by the `Subject` path type: every route with a `{subject}`
parameter (enumerated from the app, so routes added later are covered) answers a subject
holding an encoded slash (`%2F`) or a space (`%20`) exactly as it answers a plain one."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from llm_schema_registry.api.access import every_route
from llm_schema_registry.api.app import create_api
from llm_schema_registry.api.front import SLASH_PLACEHOLDER
from llm_schema_registry.settings import Settings

CLOSED = {"type": "object", "additionalProperties": False}
V1 = json.dumps({**CLOSED, "properties": {"a": {"type": "string"}}})
V2 = json.dumps({**CLOSED, "properties": {"a": {"type": "string"}, "b": {"type": "string"}}})
JSON_V2 = {"schema": V2, "schemaType": "JSON"}
PROMPT = json.dumps(
    {
        "messages": [{"role": "user", "content": "Say {{ word }}"}],
        "variables": {"type": "object", "properties": {"word": {"type": "string"}}},
    }
)

# What to send each subject route; {version} is "1" unless given. A route missing here is
# called with no body and no query, and must then succeed for a plain subject.
SAMPLES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/subjects/{subject}"): {"json": {"schema": V1, "schemaType": "JSON"}},
    ("POST", "/subjects/{subject}/versions"): {"json": JSON_V2},
    ("PUT", "/subjects/{subject}/versions/{version}"): {
        "json": {"state": "DEPRECATED", "sunset_date": "2999-01-01", "reason": "superseded by 2"}
    },
    ("DELETE", "/subjects/{subject}/versions/{version}"): {"version": "2"},
    ("GET", "/subjects/{subject}/versions/{version}/export"): {"params": {"target": "openai"}},
    ("GET", "/subjects/{subject}/versions/{version}/diff"): {
        "version": "2",
        "params": {"against": "1"},
    },
    ("POST", "/subjects/{subject}/rollback"): {"json": {"target_version": 1}},
    ("POST", "/subjects/{subject}/consumers"): {"json": {"consumer_id": "c1", "version": 1}},
    ("POST", "/compatibility/subjects/{subject}/versions"): {"json": JSON_V2},
    ("POST", "/compatibility/subjects/{subject}/versions/{version}"): {"json": JSON_V2},
    ("PUT", "/config/{subject}"): {"json": {"compatibility": "FULL"}},
    ("PUT", "/mode/{subject}"): {"json": {"mode": "READWRITE"}},
    # a prompt template, registered as version 3 first (compatibility NONE: another type)
    ("POST", "/subjects/{subject}/versions/{version}/render"): {
        "version": "3",
        "json": {"variables": {"word": "hi"}},
        "prepare": [
            ("PUT", "/config/{subject}", {"compatibility": "NONE"}),
            ("POST", "/subjects/{subject}/versions", {"schema": PROMPT, "schemaType": "PROMPT"}),
        ],
    },
    ("POST", "/subjects/{subject}/impact"): {"json": JSON_V2},
    ("POST", "/subjects/{subject}/samples"): {"json": {"records": [{"a": "x"}]}},
    # dashboard pages: form posts carry a session's cookie and CSRF token ("form")
    ("GET", "/ui/subjects/{subject}/rollback"): {"params": {"target": "1"}},
    ("POST", "/ui/subjects/{subject}/rollback"): {"form": {"target": "1"}},
    ("GET", "/ui/subjects/{subject}/versions/{version}/lifecycle"): {
        "params": {"action": "deprecate"}
    },
    ("POST", "/ui/subjects/{subject}/versions/{version}/lifecycle"): {
        "form": {"action": "deprecate", "sunset_date": "2999-01-01", "reason": "superseded"}
    },
    ("POST", "/ui/subjects/{subject}/impact"): {"form": {**JSON_V2, "references": "[]"}},
    ("POST", "/ui/subjects/{subject}/playground"): {
        "form": {"version": "1", "mode": "record", "input": '{"a": "x"}'}
    },
}


def _subject_routes() -> list[tuple[str, str]]:
    api = create_api(Settings(database_url="sqlite:///unused.db"))  # type: ignore[arg-type]
    return sorted(
        (method, path)
        for path, methods, _ in every_route(api)
        if "{subject}" in path
        for method in methods
    )


SUBJECT_ROUTES = _subject_routes()


async def _prepare(client: httpx.AsyncClient, subject: str) -> None:
    """Two JSON Schema versions, and subject-level config and mode to read or delete."""
    encoded = quote(subject, safe="")
    for schema in (V1, V2):
        reply = await client.post(
            f"/subjects/{encoded}/versions", json={"schema": schema, "schemaType": "JSON"}
        )
        assert reply.status_code == 200, reply.text
    for family, body in (
        ("config", {"compatibility": "BACKWARD"}),
        ("mode", {"mode": "READWRITE"}),
    ):
        assert (await client.put(f"/{family}/{encoded}", json=body)).status_code == 200


async def _call(
    client: httpx.AsyncClient, method: str, template: str, subject: str
) -> httpx.Response:
    sample = SAMPLES.get((method, template), {})
    for step_method, step_path, body in sample.get("prepare", []):
        step = step_path.replace("{subject}", quote(subject, safe=""))
        reply = await client.request(step_method, step, json=body)
        assert reply.status_code == 200, reply.text
    path = template.replace("{subject}", quote(subject, safe="")).replace(
        "{version}", sample.get("version", "1")
    )
    if "form" in sample:
        headers = await _page_session(client)
        return await client.request(method, path, data=sample["form"], headers=headers)
    return await client.request(method, path, json=sample.get("json"), params=sample.get("params"))


async def _page_session(client: httpx.AsyncClient) -> dict[str, str]:
    """Headers of a dashboard form post: a session's cookie and its CSRF token."""
    page = await client.get("/ui/")
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert token is not None
    return {
        "cookie": page.headers["set-cookie"].split(";")[0],
        "x-csrf-token": token.group(1),
        "content-type": "application/x-www-form-urlencoded",
    }


def test_the_app_has_subject_routes() -> None:
    assert len(SUBJECT_ROUTES) > 20
    assert ("GET", "/subjects/{subject}/versions/{version}/export") in SUBJECT_ROUTES


@pytest.mark.parametrize(("method", "template"), SUBJECT_ROUTES)
async def test_subject_route_decodes_slash_and_space(
    sqlite_client: httpx.AsyncClient, method: str, template: str
) -> None:
    answers: dict[str, tuple[int, Any]] = {}
    for subject in ("plain", "team/usage", "team usage"):
        await _prepare(sqlite_client, subject)
        reply = await _call(sqlite_client, method, template, subject)
        assert SLASH_PLACEHOLDER not in reply.text
        answers[subject] = (reply.status_code, _error_code(reply))
    assert answers["plain"][0] < 400, f"{method} {template}: add a working sample to SAMPLES"
    assert answers["team/usage"] == answers["plain"], f"{method} {template} with %2F"
    assert answers["team usage"] == answers["plain"], f"{method} {template} with %20"


def _error_code(reply: httpx.Response) -> Any:
    try:
        body = reply.json()
    except ValueError:
        return None
    return body.get("error_code") if isinstance(body, dict) else None


async def test_export_of_a_subject_with_an_encoded_slash(
    sqlite_client: httpx.AsyncClient,
) -> None:
    await _prepare(sqlite_client, "team/usage")
    reply = await sqlite_client.get("/subjects/team%2Fusage/versions/1/export?target=openai")
    assert reply.status_code == 200, reply.text
    assert reply.json()["payload"]


async def test_a_route_echoes_the_decoded_subject(sqlite_client: httpx.AsyncClient) -> None:
    await _prepare(sqlite_client, "team/usage")
    reply = await sqlite_client.get("/subjects/team%2Fusage/versions/1")
    assert reply.json()["subject"] == "team/usage"
