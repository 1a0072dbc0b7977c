"""JWT bearer tokens: RS256/ES256/EdDSA via a JWKS URL or a static public key, HS256 with a
shared secret. `exp`, `nbf`, `iss` and `aud` are checked; `alg: none` and any algorithm not
configured are refused. Roles come from a claim (REGISTRY_JWT_ROLES_CLAIM, default `roles`):
a list of role names, or of `{"role": …, "subjects": [globs]}`.
"""

from __future__ import annotations

import asyncio
from typing import Any

import jwt

from llm_schema_registry.security.principals import Grant, Principal
from llm_schema_registry.settings import Settings

ASYMMETRIC = ("RS256", "ES256", "EdDSA")


class TokenError(Exception):
    """A token was refused; the message is safe to log (it never includes the token)."""


class JwtVerifier:
    def __init__(self, settings: Settings) -> None:
        self._secret = settings.jwt_secret.get_secret_value() if settings.jwt_secret else None
        self._public_key: str | None = None
        if settings.jwt_public_key_file is not None:
            self._public_key = settings.jwt_public_key_file.read_text(encoding="utf-8")
        self._jwks = (
            jwt.PyJWKClient(settings.jwt_jwks_url, cache_keys=True, lifespan=300)
            if settings.jwt_jwks_url
            else None
        )
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._roles_claim = settings.jwt_roles_claim

    @property
    def configured(self) -> bool:
        return bool(self._secret or self._public_key or self._jwks)

    async def principal(self, token: str) -> Principal:
        return (await self.verified(token))[0]

    async def verified(self, token: str) -> tuple[Principal, int]:
        """The token's principal and its expiry (`exp`, seconds since the epoch)."""
        claims = await self._claims(token)
        principal = Principal(actor=f"jwt:{claims.get('sub', '?')}", grants=self._grants(claims))
        return principal, int(claims["exp"])

    async def _claims(self, token: str) -> dict[str, Any]:
        try:
            alg = jwt.get_unverified_header(token).get("alg")
            key: Any
            if alg == "HS256" and self._secret:
                key = self._secret
            elif alg in ASYMMETRIC and self._public_key:
                key = self._public_key
            elif alg in ASYMMETRIC and self._jwks is not None:
                # PyJWKClient fetches with urllib (blocking): off the event loop.
                key = (await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)).key
            else:
                raise TokenError(f"token algorithm {alg!r} is not accepted")
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[alg],
                issuer=self._issuer,
                audience=self._audience,
                options={
                    "require": ["exp"],
                    "verify_aud": self._audience is not None,
                    "verify_iss": self._issuer is not None,
                },
            )
        except jwt.PyJWTError as error:
            raise TokenError(f"invalid token: {type(error).__name__}") from None
        return claims

    def _grants(self, claims: dict[str, Any]) -> tuple[Grant, ...]:
        raw = claims.get(self._roles_claim) or []
        grants: list[Grant] = []
        for item in raw if isinstance(raw, list) else [raw]:
            if isinstance(item, str):
                grants.append(Grant(item))
            elif isinstance(item, dict) and isinstance(item.get("role"), str):
                subjects = item.get("subjects") or []
                grants.append(Grant(item["role"], tuple(str(s) for s in subjects)))
        return tuple(grants)
