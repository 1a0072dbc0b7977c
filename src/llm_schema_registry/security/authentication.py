"""Credentials → Principal: an API key, Basic `key_id:secret` (the key's id and secret), or a
Bearer JWT. Transport-free: an edge hands over what the caller sent (HTTP headers, gRPC
metadata, an MCP session's settings) and gets a principal or `UnauthenticatedError`."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from llm_schema_registry.security.apikeys import KEY_ACTOR, ApiKeyAuthenticator
from llm_schema_registry.security.errors import LoginThrottledError, UnauthenticatedError
from llm_schema_registry.security.jwt_auth import JwtVerifier, TokenError
from llm_schema_registry.security.principals import Principal
from llm_schema_registry.security.sessions import Session
from llm_schema_registry.security.throttle import FailedLogins, attempt_names

NO_CREDENTIALS = "no credentials"  # costs nothing to refuse: not counted as a failure
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SignIn:
    """Who signed in (the dashboard), and what bounds their session: an API key's id (its
    sessions end with the key) or a token's expiry."""

    principal: Principal
    key_id: str | None = None
    expires: int | None = None  # seconds since the epoch


class Authenticator:
    """Turns a caller's credentials into a principal (API keys first, then `Authorization`);
    with `failures`, failed attempts are throttled per client address and key id."""

    def __init__(
        self, keys: ApiKeyAuthenticator, tokens: JwtVerifier, failures: FailedLogins | None = None
    ) -> None:
        self.keys = keys
        self.tokens = tokens
        self.failures = failures

    async def authenticate(
        self,
        *,
        api_key: str | None = None,
        authorization: str | None = None,
        client: str | None = None,
    ) -> Principal:
        """`api_key`: an `X-API-Key` secret; `authorization`: an `Authorization` value;
        `client`: the caller's address. Raises `UnauthenticatedError` naming why (also when
        nothing was given), `LoginThrottledError` after too many failures from `client` or
        for the key id, before the credentials are checked."""
        if api_key is None and not authorization:
            raise UnauthenticatedError(NO_CREDENTIALS)  # nothing to check, nothing to throttle
        if api_key is None and not _is_basic(authorization):
            # A bearer token costs one signature check, no slow hash: not throttled, so a
            # valid token works from any address.
            return await self._credentials(api_key, authorization)
        return await self._throttled(
            client,
            _key_id(api_key, authorization),
            self._remembered(api_key, authorization),
            lambda: self._credentials(api_key, authorization),
        )

    async def _throttled(
        self,
        client: str | None,
        key_id: str | None,
        remembered: bool,
        attempt: Callable[[], Awaitable[T]],
    ) -> T:
        """`attempt()`, unless `client` or `key_id` failed too often lately (`remembered`:
        the secret was verified before, so letting it through costs no hash)."""
        if self.failures is None:
            return await attempt()
        names = attempt_names(client, key_id)
        if not remembered:
            wait = self.failures.wait_seconds(names)
            if wait:
                raise LoginThrottledError(wait)
        try:
            return await attempt()
        except UnauthenticatedError as refusal:
            if refusal.reason != NO_CREDENTIALS:
                self.failures.failed(names)
            raise

    def _remembered(self, api_key: str | None, authorization: str | None) -> bool:
        """A secret verified before: letting it through costs no hash, so a caller sharing
        an address with an attacker keeps working."""
        if api_key is not None:
            return self.keys.remembers(api_key)
        scheme, _, value = (authorization or "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            return self.keys.remembers(_basic(value)[1])
        except UnauthenticatedError:
            return False

    async def _credentials(self, api_key: str | None, authorization: str | None) -> Principal:
        if api_key is not None:
            return await self._key(api_key, None, "invalid API key")
        scheme, _, value = (authorization or "").partition(" ")
        if scheme.lower() == "basic":
            key_id, secret = _basic(value)
            return await self._key(secret, key_id, "invalid Basic credentials")
        if scheme.lower() == "bearer" and self.tokens.configured:
            try:
                return await self.tokens.principal(value.strip())
            except TokenError as error:
                raise UnauthenticatedError(str(error)) from None
        if authorization:
            raise UnauthenticatedError("unsupported authorization scheme")
        raise UnauthenticatedError(NO_CREDENTIALS)

    async def sign_in(
        self, *, api_key: str = "", token: str = "", client: str | None = None
    ) -> SignIn:
        """A person signing in with an API key secret or a bearer token (one of them);
        raises `UnauthenticatedError`, or `LoginThrottledError` as `authenticate` does."""
        secret = api_key.strip()
        return await self._throttled(
            client,
            secret.split(".", 1)[0] if secret else None,
            bool(secret) and self.keys.remembers(secret),
            lambda: self._sign_in(secret, token),
        )

    async def _sign_in(self, api_key: str, token: str) -> SignIn:
        if api_key:
            principal = await self._key(api_key, None, "invalid API key")
            return SignIn(principal, key_id=principal.actor.removeprefix(KEY_ACTOR))
        if token.strip() and self.tokens.configured:
            try:
                principal, expires = await self.tokens.verified(token.strip())
            except TokenError as error:
                raise UnauthenticatedError(str(error)) from None
            return SignIn(principal, expires=expires)
        raise UnauthenticatedError(NO_CREDENTIALS if not token.strip() else "tokens not accepted")

    async def session_principal(self, session: Session) -> Principal:
        """The principal a signed-in dashboard session stands for, as of now: an API key
        session's key is re-checked (revoked or expired: `UnauthenticatedError`)."""
        if session.key_id is None:
            return session.principal()
        found = await self.keys.by_id(session.key_id)
        if found is None:
            raise UnauthenticatedError("session's API key revoked or expired")
        return found

    async def _key(self, secret: str, key_id: str | None, refusal: str) -> Principal:
        found = await self.keys.authenticate(secret, key_id=key_id)
        if found is None:
            raise UnauthenticatedError(refusal)
        return found


def _is_basic(authorization: str | None) -> bool:
    return (authorization or "").partition(" ")[0].lower() == "basic"


def _key_id(api_key: str | None, authorization: str | None) -> str | None:
    """The key id an attempt names, if any (a secret embeds its id: `<key_id>.<random>`)."""
    if api_key is not None:
        return api_key.split(".", 1)[0]
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        return _basic(value)[0]
    except UnauthenticatedError:
        return None


def _basic(value: str) -> tuple[str, str]:
    """(key_id, secret) from Basic credentials."""
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise UnauthenticatedError("malformed Basic credentials") from None
    key_id, _, secret = decoded.partition(":")
    return key_id, secret
