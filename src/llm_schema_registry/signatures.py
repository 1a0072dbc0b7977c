"""Schema signature primitives shared by the server (which signs) and the SDK (which
verifies offline): what exactly is signed, and how a signature document is checked.

A registry with a signing key signs the UTF-8 text `sha256:<hex digest of the canonical
schema text>` (Ed25519, or ECDSA P-256 with SHA-256) and publishes its current and retired
public keys at `GET /keys`. Neutral: only `cryptography`, nothing of the server or the SDK.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519


def digest_of(canonical: str) -> str:
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def signed_bytes(digest: str) -> bytes:
    """The bytes a signature covers: the digest's text, UTF-8."""
    return digest.encode()


def verify_document(
    document: dict[str, Any], keys: dict[str, Any], canonical: str | None = None
) -> bool:
    """True when `document` (a `/schemas/ids/{id}/signature` body) is signed by one of `keys`
    (a `/keys` body) over the digest of `canonical` (default: the document's own text)."""
    text = document["canonical"] if canonical is None else canonical
    digest = digest_of(text)
    if digest != document.get("digest"):
        return False
    return _signed_by(document, keys, signed_bytes(digest))


def head_bytes(count: int, hash_: str, time: str | None) -> bytes:
    """The bytes an audit head's signature covers (`GET /audit/head`): its three fields in a
    fixed order, so nothing else can be passed off as a head."""
    return f"audit-head:{count}:{hash_}:{time or ''}".encode()


def verify_head(head: dict[str, Any], keys: dict[str, Any]) -> bool:
    """True when an audit head (`{count, hash, time, kid, alg, signature}`) is signed by one
    of `keys` (a `/keys` body)."""
    try:
        message = head_bytes(int(head["count"]), str(head["hash"]), head.get("time"))
    except (KeyError, TypeError, ValueError):
        return False
    return "signature" in head and _signed_by(head, keys, message)


def _signed_by(document: dict[str, Any], keys: dict[str, Any], message: bytes) -> bool:
    """Whether `document["signature"]` over `message` verifies with its `kid` among `keys`."""
    key = next((k for k in keys.get("keys", []) if k.get("kid") == document.get("kid")), None)
    if key is None:
        return False
    public = serialization.load_pem_public_key(key["public_key"].encode())
    try:
        signature = base64.b64decode(document["signature"], validate=True)
        if isinstance(public, ed25519.Ed25519PublicKey):
            public.verify(signature, message)
        elif isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, message, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True
