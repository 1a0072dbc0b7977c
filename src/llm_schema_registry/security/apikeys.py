"""API keys: created by an admin, shown once, stored as a scrypt hash, revocable, expiring.

A key's secret embeds its id (`<key_id>.<random>`), so `X-API-Key: <secret>` alone finds the
row. Verifying scrypt takes tens of milliseconds, so a verified secret is remembered in
memory under its SHA-256; the row itself (revoked? expired?) is re-read at most every
`ttl` seconds, which bounds how long a revocation takes to reach every node.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from llm_schema_registry.security.model import ApiKey
from llm_schema_registry.security.principals import ROLES, Grant, Principal
from llm_schema_registry.security.store import SecurityStore

# scrypt cost: ~50 ms and 16 MiB per verification (OWASP's minimum is N=2^17 with r=8 at
# p=1 for passwords; these secrets are 256-bit random, so brute force is not the threat).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
CACHE_TTL_SECONDS = 5.0
_MAX_CACHED = 10_000


class InvalidKeyRequestError(ValueError):
    """A key request the caller got wrong (unknown role, bad expiry); the message is safe."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_secret(secret: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_secret(secret: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    expected = _unb64(digest)
    found = hashlib.scrypt(
        secret.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
    )
    return hmac.compare_digest(found, expected)


def now_ms() -> int:
    return int(time.time() * 1000)


def new_key(
    role: str,
    subjects: tuple[str, ...] = (),
    *,
    expires_ms: int | None = None,
    rate_limit_per_minute: int | None = None,
    description: str | None = None,
) -> tuple[ApiKey, str]:
    """A new key and its secret (the only time the secret exists outside the caller)."""
    if role not in ROLES:
        raise InvalidKeyRequestError(f"Unknown role '{role}': use one of {', '.join(ROLES)}")
    if expires_ms is not None and expires_ms <= now_ms():
        raise InvalidKeyRequestError("expires_at must be in the future")
    key_id = "lsk_" + secrets.token_hex(8)
    secret = f"{key_id}.{secrets.token_urlsafe(32)}"
    key = ApiKey(
        key_id=key_id,
        secret_hash=hash_secret(secret),
        role=role,
        subjects=subjects,
        created_ms=now_ms(),
        expires_ms=expires_ms,
        rate_limit_per_minute=rate_limit_per_minute,
        description=description,
    )
    return key, secret


KEY_ACTOR = "key:"  # an API key's principal is named `key:<key_id>`


def principal_of(key: ApiKey) -> Principal:
    return Principal(
        actor=f"{KEY_ACTOR}{key.key_id}",
        grants=(Grant(key.role, key.subjects),),
        rate_limit_per_minute=key.rate_limit_per_minute,
    )


@dataclass(slots=True)
class _Verified:
    key: ApiKey
    checked_at: float


class ApiKeyAuthenticator:
    """Secrets → principals, with the verified-secret cache described above."""

    def __init__(self, store: SecurityStore, ttl: float = CACHE_TTL_SECONDS) -> None:
        self._store = store
        self._ttl = ttl
        self._verified: dict[bytes, _Verified] = {}
        self._by_id: dict[str, _Verified] = {}

    async def authenticate(self, secret: str, key_id: str | None = None) -> Principal | None:
        """The key's principal, or None (unknown, wrong secret, revoked or expired)."""
        fast = hashlib.sha256(secret.encode()).digest()
        now = time.monotonic()
        known = self._verified.get(fast)
        if known is not None and now - known.checked_at < self._ttl:
            key = known.key
        else:
            found = await self._load(secret, key_id, known)
            if found is None:
                self._verified.pop(fast, None)
                return None
            key = found
            if len(self._verified) >= _MAX_CACHED:
                self._verified.clear()
            self._verified[fast] = _Verified(key, now)
        if key_id is not None and key.key_id != key_id:
            return None
        if not key.usable(now_ms()):
            return None
        return principal_of(key)

    def remembers(self, secret: str) -> bool:
        """Whether `secret` was verified already (checking it again costs no scrypt)."""
        return hashlib.sha256(secret.encode()).digest() in self._verified

    async def by_id(self, key_id: str) -> Principal | None:
        """The principal of a key already verified once (a dashboard session holds its id):
        None when it is unknown, revoked or expired. The row is re-read every `ttl`."""
        now = time.monotonic()
        known = self._by_id.get(key_id)
        if known is None or now - known.checked_at >= self._ttl:
            key = await self._store.key(key_id)
            if key is None:
                self._by_id.pop(key_id, None)
                return None
            if len(self._by_id) >= _MAX_CACHED:
                self._by_id.clear()
            known = self._by_id[key_id] = _Verified(key, now)
        return principal_of(known.key) if known.key.usable(now_ms()) else None

    async def _load(
        self, secret: str, key_id: str | None, known: _Verified | None
    ) -> ApiKey | None:
        wanted = key_id or secret.split(".", 1)[0]
        key = await self._store.key(wanted)
        if key is None:
            return None
        if known is not None and known.key.secret_hash == key.secret_hash:
            return key  # the secret was verified against this very hash already
        # scrypt in a thread: the event loop keeps serving other requests meanwhile.
        if not await asyncio.to_thread(verify_secret, secret, key.secret_hash):
            return None
        return key
