"""Credentials → Principal: an API key, Basic `key_id:secret` (the key's id and secret), or a
Bearer JWT. Transport-free: an edge hands over what the caller sent (HTTP headers, gRPC
metadata, an MCP session's settings) and gets a principal or `UnauthenticatedError`."""

from __future__ import annotations

import base64
import binascii

from llm_schema_registry.security.apikeys import ApiKeyAuthenticator
from llm_schema_registry.security.errors import UnauthenticatedError
from llm_schema_registry.security.jwt_auth import JwtVerifier, TokenError
from llm_schema_registry.security.principals import Principal


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
