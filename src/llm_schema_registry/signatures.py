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
    key = next((k for k in keys.get("keys", []) if k.get("kid") == document.get("kid")), None)
    if key is None:
        return False
    public = serialization.load_pem_public_key(key["public_key"].encode())
    signature = base64.b64decode(document["signature"])
    try:
        if isinstance(public, ed25519.Ed25519PublicKey):
            public.verify(signature, signed_bytes(digest))
        elif isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, signed_bytes(digest), ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except InvalidSignature:
        return False
    return True
