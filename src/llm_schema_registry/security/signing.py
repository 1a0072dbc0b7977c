"""Detached schema signatures: Ed25519 (default) or ECDSA P-256 over the UTF-8 text
`sha256:<hex digest of the schema's canonical text>`. Signed on request from the stored
text (the registry stores the canonical form), so nothing extra is stored; retired keys stay
published (REGISTRY_SIGNING_PREVIOUS_KEY_FILES) so signatures made before a rotation verify.
What is signed, and verification, live in the neutral `llm_schema_registry.signatures` (the
SDK verifies with it offline).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from llm_schema_registry.signatures import digest_of, head_bytes, signed_bytes, verify_document

__all__ = ["ED25519", "ES256", "Signer", "SigningKey", "digest_of", "verify_document"]

ED25519, ES256 = "EdDSA", "ES256"


@dataclass(frozen=True, slots=True)
class SigningKey:
    kid: str
    alg: str
    private: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey

    @classmethod
    def load(cls, path: Path) -> SigningKey:
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if isinstance(private, ed25519.Ed25519PrivateKey):
            alg = ED25519
        elif isinstance(private, ec.EllipticCurvePrivateKey) and isinstance(
            private.curve, ec.SECP256R1
        ):
            alg = ES256
        else:
            raise ValueError(f"{path}: signing keys are Ed25519 or ECDSA P-256")
        der = private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return cls(hashlib.sha256(der).hexdigest()[:16], alg, private)

    def public_pem(self) -> str:
        return (
            self.private.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )

    def sign(self, message: bytes) -> bytes:
        if isinstance(self.private, ed25519.Ed25519PrivateKey):
            return self.private.sign(message)
        return self.private.sign(message, ec.ECDSA(hashes.SHA256()))


class Signer:
    """The current key signs; it and the retired ones are published."""

    def __init__(self, current: SigningKey, previous: list[SigningKey]) -> None:
        self.current = current
        self.published = [current, *previous]

    @classmethod
    def from_files(cls, current: Path, previous: str) -> Signer:
        retired = [SigningKey.load(Path(p.strip())) for p in previous.split(",") if p.strip()]
        return cls(SigningKey.load(current), retired)

    def signature(self, schema_id: int, canonical: str) -> dict[str, Any]:
        digest = digest_of(canonical)
        return {
            "id": schema_id,
            "kid": self.current.kid,
            "alg": self.current.alg,
            "digest": digest,
            "canonical": canonical,
            "signature": base64.b64encode(self.current.sign(signed_bytes(digest))).decode(),
        }

    def signed_head(self, head: dict[str, Any]) -> dict[str, Any]:
        """An audit head (`{count, hash, time}`) with its signature (`signatures.head_bytes`)."""
        message = head_bytes(head["count"], head["hash"], head["time"])
        return {
            **head,
            "kid": self.current.kid,
            "alg": self.current.alg,
            "signature": base64.b64encode(self.current.sign(message)).decode(),
        }

    def keys(self) -> dict[str, Any]:
        return {
            "keys": [
                {"kid": key.kid, "alg": key.alg, "public_key": key.public_pem()}
                for key in self.published
            ]
        }
