"""Dashboard sessions: a signed cookie standing for a signed-in principal, and the CSRF token
bound to it. Transport-free: the security layer reads the cookie, the dashboard issues it.

Stateless, so every node of a cluster accepts every node's sessions without shared storage:
the cookie is `payload.signature`, the payload (base64url JSON) naming the signing key's id,
a random nonce, the expiry and who signed in, the signature HMAC-SHA256 over the payload
with that key (`REGISTRY_UI_SESSION_KEYS`, `kid:secret` pairs: the first signs, every one
verifies, so keys rotate without signing anyone out). An API-key session carries only the
key's id: the key is re-read (cached like API keys) on every request, so revoking or expiring
the key ends its sessions. A token session carries the token's grants and ends when the
token would have expired. Signing out deletes the cookie; a copied cookie stays valid until
its expiry (`REGISTRY_UI_SESSION_HOURS`) or its key's revocation, which is what HttpOnly,
SameSite=Strict and Secure guard against.

A visitor who has not signed in gets a guest session (no principal), so the sign-in form has
a CSRF token too; signing in issues a new session (a new nonce), never reusing the guest's.
The CSRF token is HMAC(key, "csrf:" + nonce): it is valid for that session alone.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from llm_schema_registry.security.principals import Grant, Principal

SESSION_COOKIE = "lsr_session"
CSRF_FIELD = "csrf_token"  # the form field (or `X-CSRF-Token` header) carrying the token
CSRF_HEADER = b"x-csrf-token"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionKeyError(ValueError):
    """`REGISTRY_UI_SESSION_KEYS` is malformed (a configuration error, found at start-up)."""


@dataclass(frozen=True, slots=True)
class Session:
    """One browser's session. `actor` None: a guest (signed out), carrying only a nonce."""

    kid: str
    nonce: str
    expires: int  # seconds since the epoch
    actor: str | None = None
    key_id: str | None = None  # an API-key session: the key is re-checked per request
    grants: tuple[Grant, ...] = ()

    @property
    def signed_in(self) -> bool:
        return self.actor is not None

    def principal(self) -> Principal:
        """A token session's principal (an API-key session asks the key store instead)."""
        return Principal(actor=self.actor or "anonymous", grants=self.grants)


def parse_keys(value: str | None) -> dict[str, bytes]:
    """`kid:secret,kid2:secret2` → keys in order (the first signs); unset → one random key
    (sessions then hold on this process alone)."""
    if not value or not value.strip():
        return {"local": secrets.token_bytes(32)}
    keys: dict[str, bytes] = {}
    for item in value.split(","):
        kid, sep, secret = item.strip().partition(":")
        if not sep or not kid or len(secret) < 16:
            raise SessionKeyError(
                "REGISTRY_UI_SESSION_KEYS: give kid:secret pairs, each secret 16+ characters"
            )
        keys[kid] = secret.encode()
    return keys


class Sessions:
    """Issues and reads session cookies and the CSRF tokens bound to them."""

    def __init__(
        self,
        keys: Mapping[str, bytes],
        lifetime_seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not keys:
            raise SessionKeyError("at least one session key is needed")
        self._keys = dict(keys)
        self._current = next(iter(self._keys))
        self.lifetime_seconds = lifetime_seconds
        self._clock = clock

    def guest(self) -> Session:
        return self._new(None, None, (), None)

    def signed_in(
        self, principal: Principal, key_id: str | None, expires: int | None = None
    ) -> Session:
        """A new session for `principal` (`key_id`: signed in with that API key; `expires`:
        the credential's own end, if sooner than the session's)."""
        grants = () if key_id is not None else principal.grants
        return self._new(principal.actor, key_id, grants, expires)

    def _new(
        self, actor: str | None, key_id: str | None, grants: tuple[Grant, ...], until: int | None
    ) -> Session:
        expires = int(self._clock() + self.lifetime_seconds)
        if until is not None:
            expires = min(expires, until)
        return Session(self._current, secrets.token_urlsafe(18), expires, actor, key_id, grants)

    def encode(self, session: Session) -> str:
        payload = {
            "k": session.kid,
            "n": session.nonce,
            "e": session.expires,
            "a": session.actor,
            "i": session.key_id,
            "g": [[grant.role, list(grant.subjects)] for grant in session.grants],
        }
        body = _b64(json.dumps(payload, separators=(",", ":")).encode())
        return f"{body}.{_b64(self._sign(session.kid, body.encode()))}"

    def decode(self, cookie: str | None) -> Session | None:
        """The session a cookie holds, or None (absent, forged, unknown key, expired)."""
        if not cookie or cookie.count(".") != 1:
            return None
        body, signature = cookie.split(".")
        try:
            payload = json.loads(_unb64(body))
            given = _unb64(signature)
        except (ValueError, binascii.Error):
            return None
        kid = payload.get("k") if isinstance(payload, dict) else None
        if not isinstance(kid, str) or kid not in self._keys:
            return None
        if not hmac.compare_digest(given, self._sign(kid, body.encode())):
            return None
        try:
            session = Session(
                kid=kid,
                nonce=str(payload["n"]),
                expires=int(payload["e"]),
                actor=payload["a"],
                key_id=payload["i"],
                grants=tuple(Grant(str(role), tuple(globs)) for role, globs in payload["g"]),
            )
        except (KeyError, TypeError, ValueError):
            return None
        return session if session.expires > self._clock() else None

    def csrf_token(self, session: Session) -> str:
        return _b64(self._sign(session.kid, b"csrf:" + session.nonce.encode()))

    def csrf_valid(self, session: Session | None, token: str | None) -> bool:
        if session is None or not token:
            return False
        return hmac.compare_digest(token.encode(), self.csrf_token(session).encode())

    def _sign(self, kid: str, data: bytes) -> bytes:
        return hmac.new(self._keys[kid], data, hashlib.sha256).digest()
