"""Standard Webhooks signatures: how the registry signs a delivery and how a receiver checks it.

Neutral on purpose (standard library only): the server's webhook sink signs with it and the SDK
re-exports `verify_webhook`, so the client never imports server code. The scheme is the one at
standardwebhooks.com: headers `webhook-id`, `webhook-timestamp` (Unix seconds) and
`webhook-signature` = `v1,` + base64(HMAC-SHA256(key, f"{id}.{timestamp}.".encode() + body)),
with secrets written `whsec_` + base64(key). Receivers may equally use the `standardwebhooks`
libraries; the tests check both directions against the Python one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping
from typing import Any

SECRET_PREFIX = "whsec_"
ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
DEFAULT_TOLERANCE_SECONDS = 300  # the libraries' window against replayed deliveries


class WebhookVerificationError(ValueError):
    """A delivery whose headers are missing, stale or whose signature does not match."""


def generate_secret(size: int = 24) -> str:
    """A fresh signing secret in Standard Webhooks form (`whsec_` + base64 of `size` bytes)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(size)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key a secret stands for; the `whsec_` prefix is optional, as in the libraries."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        # Unpadded base64 is accepted too: b64decode ignores surplus padding.
        key = base64.b64decode(encoded + "==", validate=False)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("A webhook secret is base64, optionally prefixed with 'whsec_'.") from exc
    if not key:
        raise ValueError("A webhook secret may not be empty.")
    return key


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `v1,<base64>` signature of one delivery."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signature_headers(
    secret: str, msg_id: str, body: bytes, timestamp: int | None = None
) -> dict[str, str]:
    """The three headers of a signed delivery; `timestamp` defaults to now."""
    stamp = int(time.time()) if timestamp is None else timestamp
    return {
        ID_HEADER: msg_id,
        TIMESTAMP_HEADER: str(stamp),
        SIGNATURE_HEADER: sign(secret, msg_id, stamp, body),
    }


def verify_webhook(
    headers: Mapping[str, str],
    body: bytes | str,
    secret: str,
    *,
    tolerance: float = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> Any:
    """Check a delivery and return its parsed JSON body (the CloudEvent).

    `body` must be the raw request body as received. `headers` may be any mapping (names are
    compared case-insensitively). Several space-separated signatures are accepted (secret
    rotation); any matching `v1` one is enough. Raises `WebhookVerificationError`.
    """
    found = {name.lower(): value for name, value in headers.items()}
    msg_id, stamp, signatures = (
        found.get(ID_HEADER),
        found.get(TIMESTAMP_HEADER),
        found.get(SIGNATURE_HEADER),
    )
    if not (msg_id and stamp and signatures):
        raise WebhookVerificationError("Missing webhook-id, webhook-timestamp or signature.")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise WebhookVerificationError("webhook-timestamp is not a Unix time.") from None
    clock = time.time() if now is None else now
    if abs(clock - timestamp) > tolerance:
        raise WebhookVerificationError("webhook-timestamp is outside the tolerance window.")
    raw = body.encode() if isinstance(body, str) else body
    expected = sign(secret, msg_id, timestamp, raw).encode()
    if not any(hmac.compare_digest(expected, given.encode()) for given in signatures.split(" ")):
        raise WebhookVerificationError("No matching webhook signature.")
    return json.loads(raw)
