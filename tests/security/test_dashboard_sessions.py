"""Dashboard sessions and CSRF through the real app (ASGI): the cookie is a credential for
dashboard pages only, is signed and rotated, ends with its API key, and every form post needs
its session's CSRF token, with authentication on or off."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from secsupport import make_key

from llm_schema_registry.api.app import create_app
from llm_schema_registry.settings import Settings

KEYS = "new:0123456789abcdef-new,old:0123456789abcdef-old"
DEPRECATE = {"action": "deprecate", "sunset_date": "2999-01-01", "reason": "use v2"}
AVRO = '{"type":"record","name":"R","fields":[{"name":"a","type":"string"}]}'


@asynccontextmanager
async def app_client(url: str, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=url, api_key_cache_seconds=0, **settings))  # type: ignore[arg-type]
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, client=("10.1.2.3", 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://registry") as client:
            yield client


def session_of(reply: httpx.Response) -> str:
    found = re.search(r"lsr_session=([^;]+)", reply.headers.get("set-cookie", ""))
    assert found is not None, reply.headers
    return found.group(1)


def csrf_of(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


async def sign_in(client: httpx.AsyncClient, secret: str) -> tuple[str, str]:
    """(session cookie, its CSRF token) after signing in through the form."""
    form = await client.get("/ui/sign-in")
    guest = session_of(form)
    reply = await client.post(
        "/ui/sign-in",
        data={"api_key": secret, "csrf_token": csrf_of(form)},
        headers={"cookie": f"lsr_session={guest}"},
    )
    assert reply.status_code == 303, reply.text
    session = session_of(reply)
    assert session != guest  # a new session, never the guest's (no fixation)
    page = await client.get("/ui/", headers={"cookie": f"lsr_session={session}"})
    assert page.status_code == 200
    return session, csrf_of(page)


async def test_pages_need_a_session_and_api_routes_ignore_the_cookie(sqlite_url: str) -> None:
    _, secret = await make_key(sqlite_url, "admin")
    async with app_client(sqlite_url, auth_enabled=True, ui_session_keys=KEYS) as client:
        first = await client.get("/ui/subjects/a%2Fb")
        assert first.status_code == 303
        assert first.headers["location"] == "/ui/sign-in?next=%2Fui%2Fsubjects%2Fa%252Fb"
        session, _ = await sign_in(client, secret)
        api = await client.get("/subjects", headers={"cookie": f"lsr_session={session}"})
        assert api.status_code == 401  # the cookie is no credential outside the dashboard


async def test_sign_in_needs_the_csrf_token_and_refuses_bad_keys(sqlite_url: str) -> None:
    _, secret = await make_key(sqlite_url, "consumer")
    async with app_client(sqlite_url, auth_enabled=True, ui_session_keys=KEYS) as client:
        form = await client.get("/ui/sign-in")
        cookie = {"cookie": f"lsr_session={session_of(form)}"}
        no_token = await client.post("/ui/sign-in", data={"api_key": secret}, headers=cookie)
        assert no_token.status_code == 403 and "CSRF" in no_token.text
        wrong = await client.post(
            "/ui/sign-in", data={"api_key": "nope", "csrf_token": csrf_of(form)}, headers=cookie
        )
        assert wrong.status_code == 401 and "Sign-in failed" in wrong.text
        away = await client.post(
            "/ui/sign-in",
            data={"api_key": secret, "csrf_token": csrf_of(form), "next": "//evil.example/"},
            headers=cookie,
        )
        assert (away.status_code, away.headers["location"]) == (303, "/ui/")


async def test_a_tampered_or_foreign_cookie_is_no_session(sqlite_url: str) -> None:
    _, secret = await make_key(sqlite_url, "admin")
    async with app_client(sqlite_url, auth_enabled=True, ui_session_keys=KEYS) as client:
        session, _ = await sign_in(client, secret)
        body, signature = session.split(".")
        for forged in (f"{body}x.{signature}", f"{body}.{signature[::-1]}", "garbage"):
            reply = await client.get("/ui/", headers={"cookie": f"lsr_session={forged}"})
            assert reply.status_code == 303
    other_keys = "other:0123456789abcdef-other"
    async with app_client(sqlite_url, auth_enabled=True, ui_session_keys=other_keys) as client:
        reply = await client.get("/ui/", headers={"cookie": f"lsr_session={session}"})
        assert reply.status_code == 303


async def test_sessions_survive_key_rotation_and_end_with_their_api_key(sqlite_url: str) -> None:
    key_id, secret = await make_key(sqlite_url, "consumer")
    _, admin = await make_key(sqlite_url, "admin")
    async with app_client(sqlite_url, auth_enabled=True, ui_session_keys=KEYS) as client:
        session, _ = await sign_in(client, secret)
    rotated = "newer:0123456789abcdef-newer," + KEYS  # `new` still verifies, `newer` signs
    async with app_client(sqlite_url, auth_enabled=True, ui_session_keys=rotated) as client:
        cookie = {"cookie": f"lsr_session={session}"}
        assert (await client.get("/ui/", headers=cookie)).status_code == 200
        revoked = await client.delete(f"/admin/keys/{key_id}", headers={"X-API-Key": admin})
        assert revoked.status_code == 200
        assert (await client.get("/ui/", headers=cookie)).status_code == 303


async def test_a_consumer_post_is_403_and_a_publisher_post_needs_the_token(
    sqlite_url: str,
) -> None:
    _, consumer = await make_key(sqlite_url, "consumer")
    _, publisher = await make_key(sqlite_url, "publisher")
    async with app_client(sqlite_url, auth_enabled=True, ui_session_keys=KEYS) as client:
        headers = {"X-API-Key": publisher, "Content-Type": "application/json"}
        await client.post("/subjects/s/versions", json={"schema": AVRO}, headers=headers)
        path = "/ui/subjects/s/versions/1/lifecycle"
        fields = DEPRECATE
        session, token = await sign_in(client, consumer)
        cookie = {"cookie": f"lsr_session={session}"}
        forged = await client.post(path, data={**fields, "csrf_token": token}, headers=cookie)
        assert forged.status_code == 403 and "lacks this permission" in forged.text
        session, token = await sign_in(client, publisher)
        cookie = {"cookie": f"lsr_session={session}"}
        bare = await client.post(path, data=fields, headers=cookie)
        assert bare.status_code == 403 and "CSRF" in bare.text
        elsewhere = {**cookie, "origin": "http://evil.example"}
        moved = await client.post(path, data={**fields, "csrf_token": token}, headers=elsewhere)
        assert moved.status_code == 403
        done = await client.post(path, data={**fields, "csrf_token": token}, headers=cookie)
        assert done.status_code == 303
        state = await client.get(
            "/subjects/s/versions/1?includeArchived=true",
            headers={"X-API-Key": publisher, "Confluent-Accept-Unknown-Properties": "true"},
        )
        assert state.json()["state"] == "DEPRECATED"


async def test_with_authentication_off_pages_are_open_and_posts_still_need_the_token(
    sqlite_url: str,
) -> None:
    async with app_client(sqlite_url) as client:
        await client.post(
            "/subjects/s/versions",
            json={"schema": AVRO},
            headers={"Content-Type": "application/json"},
        )
        page = await client.get("/ui/subjects/s")
        assert page.status_code == 200 and "Sign in" not in page.text
        assert (await client.get("/ui/sign-in")).status_code == 303  # no sign-in exists
        cookie = {"cookie": f"lsr_session={session_of(page)}"}
        path = "/ui/subjects/s/versions/1/lifecycle"
        bare = await client.post(path, data=DEPRECATE, headers=cookie)
        assert bare.status_code == 403
        confirm = await client.get(f"{path}?action=deprecate", headers=cookie)
        token = csrf_of(confirm)
        done = await client.post(path, data={**DEPRECATE, "csrf_token": token}, headers=cookie)
        assert done.status_code == 303


async def test_pages_carry_a_strict_content_security_policy(sqlite_url: str) -> None:
    async with app_client(sqlite_url) as client:
        page = await client.get("/ui/")
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert "<script>" not in page.text and " on" + "click=" not in page.text
        cookie = page.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "path=/ui" in cookie


async def test_wrong_keys_at_the_sign_in_form_are_throttled_and_audited(sqlite_url: str) -> None:
    key_id, secret = await make_key(sqlite_url, "consumer")
    _, admin = await make_key(sqlite_url, "admin")
    settings = {"auth_enabled": True, "ui_session_keys": KEYS, "auth_failures_per_minute": 3}
    async with app_client(sqlite_url, **settings) as client:
        # The admin's key, verified before the attack: it is not held up by it afterwards.
        assert (await client.get("/audit", headers={"X-API-Key": admin})).status_code == 200
        form = await client.get("/ui/sign-in")
        cookie = {"cookie": f"lsr_session={session_of(form)}"}
        fields = {"api_key": f"{key_id}.wrong", "csrf_token": csrf_of(form)}
        statuses = [
            (await client.post("/ui/sign-in", data=fields, headers=cookie)).status_code
            for _ in range(4)
        ]
        refused = await client.post(
            "/ui/sign-in", data={**fields, "api_key": secret}, headers=cookie
        )
        entries = (
            await client.get("/audit?action=auth.throttled", headers={"X-API-Key": admin})
        ).json()
    assert statuses == [401, 401, 401, 429]
    # The key id and the address are throttled: even the right secret waits (never verified).
    assert refused.status_code == 429 and "Too many failed authentication attempts" in refused.text
    assert [(e["client"], e["after"]["via"]) for e in entries] == [("10.1.2.3", "dashboard")] * 2
