"""Authentication, rate limits and authorization as plain calls, without HTTP: what a gRPC or
MCP edge uses ("credentials → principal", "may this principal do P on subject S")."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from secsupport import make_key

from llm_schema_registry.security.apikeys import ApiKeyAuthenticator
from llm_schema_registry.security.authentication import Authenticator
from llm_schema_registry.security.authorization import ADMIN_ONLY, READ, Rule, authorize, visible
from llm_schema_registry.security.errors import (
    ForbiddenError,
    RateLimitedError,
    UnauthenticatedError,
    UnknownRouteError,
)
from llm_schema_registry.security.jwt_auth import JwtVerifier
from llm_schema_registry.security.principals import Grant, Principal
from llm_schema_registry.security.ratelimit import LocalRateLimiter, RateLimits
from llm_schema_registry.security.route_table import UNKNOWN
from llm_schema_registry.settings import Settings
from llm_schema_registry.storage.security_sql import SqlSecurityStore

SECRET = "a-test-secret-of-at-least-32-bytes!!"
SCOPED = Principal("key:scoped", (Grant("consumer", ("telemetry.*",)),))
ADMIN = Principal("key:admin", (Grant("admin"),))


@pytest.fixture
async def keys(tmp_path: Path) -> AsyncIterator[tuple[Authenticator, str, str]]:
    url = f"sqlite:///{tmp_path}/registry.db"
    key_id, secret = await make_key(url, "consumer", ("telemetry.*",))
    store = SqlSecurityStore(url)
    settings = Settings(database_url=url, jwt_secret=SECRET)  # type: ignore[arg-type]
    yield Authenticator(ApiKeyAuthenticator(store), JwtVerifier(settings)), key_id, secret
    await store.close()


async def test_each_kind_of_credentials_gives_the_principal(
    keys: tuple[Authenticator, str, str],
) -> None:
    authenticator, key_id, secret = keys
    basic = base64.b64encode(f"{key_id}:{secret}".encode()).decode()
    token = jwt.encode({"sub": "ana", "exp": 4102444800, "roles": ["auditor"]}, SECRET)
    by_key = await authenticator.authenticate(api_key=secret)
    by_basic = await authenticator.authenticate(authorization=f"Basic {basic}")
    by_token = await authenticator.authenticate(authorization=f"Bearer {token}")
    assert by_key == by_basic
    assert (by_key.actor, by_key.grants) == (
        f"key:{key_id}",
        (Grant("consumer", ("telemetry.*",)),),
    )
    assert (by_token.actor, by_token.roles) == ("jwt:ana", ("auditor",))


@pytest.mark.parametrize(
    ("credentials", "reason"),
    [
        ({}, "no credentials"),
        ({"api_key": "lsk_0000.nope"}, "invalid API key"),
        ({"authorization": "Basic !!!"}, "malformed Basic credentials"),
        ({"authorization": "Digest abc"}, "unsupported authorization scheme"),
        ({"authorization": "Bearer not.a.token"}, "invalid token: DecodeError"),
    ],
)
async def test_refusals_say_why_for_the_audit_log_only(
    keys: tuple[Authenticator, str, str], credentials: dict[str, Any], reason: str
) -> None:
    with pytest.raises(UnauthenticatedError) as refused:
        await keys[0].authenticate(**credentials)
    assert refused.value.reason == reason
    assert str(refused.value) == "Unauthorized: missing or invalid credentials"


def test_a_permission_is_checked_on_the_subject_named() -> None:
    authorize(SCOPED, Rule(READ), "telemetry.events")
    authorize(SCOPED, Rule(READ), None)  # reads by id name no subject
    with pytest.raises(ForbiddenError):
        authorize(SCOPED, Rule(READ), "billing.invoices")
    with pytest.raises(ForbiddenError):
        authorize(SCOPED, Rule(frozenset({"schema.create"})), "telemetry.events")


def test_unknown_routes_are_hidden_from_all_but_admins() -> None:
    with pytest.raises(UnknownRouteError):
        authorize(SCOPED, UNKNOWN, None)
    authorize(ADMIN, UNKNOWN, None)
    authorize(ADMIN, Rule(ADMIN_ONLY), "anything")


def test_listings_keep_only_readable_subjects() -> None:
    names = ["telemetry.events", "billing.invoices"]
    pairs = [{"subject": name, "version": 1} for name in names]
    assert visible(SCOPED, "subjects", names) == ["telemetry.events"]
    assert visible(SCOPED, "versions", pairs) == pairs[:1]
    assert visible(ADMIN, "subjects", names) == names


async def test_a_principal_over_its_rate_waits() -> None:
    limits = RateLimits(LocalRateLimiter(), default_rate=60, role_rates={"consumer": 1})
    await limits.admit(SCOPED)
    with pytest.raises(RateLimitedError) as limited:
        await limits.admit(SCOPED)
    assert limited.value.retry_after_seconds >= 1
    await limits.admit(ADMIN)  # buckets are per principal
    await limits.close()
