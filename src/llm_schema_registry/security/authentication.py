"""Credentials → Principal: an API key, Basic `key_id:secret` (the key's id and secret), or a
Bearer JWT. Transport-free: an edge hands over what the caller sent (HTTP headers, gRPC
metadata, an MCP session's settings) and gets a principal or `UnauthenticatedError`."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from llm_schema_registry.security.apikeys import KEY_ACTOR, ApiKeyAuthenticator
from llm_schema_registry.security.errors import UnauthenticatedError
from llm_schema_registry.security.jwt_auth import JwtVerifier, TokenError
from llm_schema_registry.security.principals import Principal
from llm_schema_registry.security.sessions import Session


@dataclass(frozen=True, slots=True)
class SignIn:
    """Who signed in (the dashboard), and what bounds their session: an API key's id (its
    sessions end with the key) or a token's expiry."""

    principal: Principal
    key_id: str | None = None
    expires: int | None = None  # seconds since the epoch


class Authenticator:
    """Turns a caller's credentials into a principal (API keys first, then `Authorization`)."""

    def __init__(self, keys: ApiKeyAuthenticator, tokens: JwtVerifier) -> None:
        self.keys = keys
        self.tokens = tokens

    async def authenticate(
        self, *, api_key: str | None = None, authorization: str | None = None
    ) -> Principal:
        """`api_key`: an `X-API-Key` secret; `authorization`: an `Authorization` value.
        Raises `UnauthenticatedError` naming why (also when nothing was given)."""
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
        raise UnauthenticatedError("no credentials")

    async def sign_in(self, *, api_key: str = "", token: str = "") -> SignIn:
        """A person signing in with an API key secret or a bearer token (one of them);
        raises `UnauthenticatedError`."""
        if api_key.strip():
            principal = await self._key(api_key.strip(), None, "invalid API key")
            return SignIn(principal, key_id=principal.actor.removeprefix(KEY_ACTOR))
        if token.strip() and self.tokens.configured:
            try:
                principal, expires = await self.tokens.verified(token.strip())
            except TokenError as error:
                raise UnauthenticatedError(str(error)) from None
            return SignIn(principal, expires=expires)
        raise UnauthenticatedError("no credentials" if not token.strip() else "tokens not accepted")

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


def _basic(value: str) -> tuple[str, str]:
    """(key_id, secret) from Basic credentials."""
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise UnauthenticatedError("malformed Basic credentials") from None
    key_id, _, secret = decoded.partition(":")
    return key_id, secret
