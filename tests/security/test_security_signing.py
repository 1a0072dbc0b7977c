"""Schema signatures: round trip, rotation (old signatures still verify), tampering fails."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from secsupport import AVRO_V1, AVRO_V2, api_key, make_key, secured_client

from llm_schema_registry.client.signatures import digest_of, verify_document


def write_key(path: Path, kind: str = "ed25519") -> Path:
    private = (
        ed25519.Ed25519PrivateKey.generate()
        if kind == "ed25519"
        else ec.generate_private_key(ec.SECP256R1())
    )
    path.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


async def test_round_trip_rotation_and_tampering(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    admin = api_key((await make_key(url, "admin"))[1])
    old_key = write_key(tmp_path / "old.pem")
    async with secured_client(url, signing_key_file=old_key) as client:
        reply = await client.post("/subjects/s/versions", json={"schema": AVRO_V1}, headers=admin)
        schema_id = reply.json()["id"]
        old_doc = (await client.get(f"/schemas/ids/{schema_id}/signature", headers=admin)).json()
        old_keys = (await client.get("/keys")).json()
        text = (await client.get(f"/schemas/ids/{schema_id}", headers=admin)).json()["schema"]
    assert old_doc["alg"] == "EdDSA" and old_doc["digest"] == digest_of(text)
    assert old_doc["canonical"] == text and old_doc["id"] == schema_id
    assert verify_document(old_doc, old_keys)
    assert not verify_document(old_doc, old_keys, canonical=text.replace('"a"', '"z"'))
    assert not verify_document(
        {**old_doc, "canonical": AVRO_V2, "digest": digest_of(AVRO_V2)}, old_keys
    )

    new_key = write_key(tmp_path / "new.pem", "p256")
    settings = {"signing_key_file": new_key, "signing_previous_key_files": str(old_key)}
    async with secured_client(url, **settings) as client:
        keys = (await client.get("/keys")).json()
        new_doc = (await client.get(f"/schemas/ids/{schema_id}/signature", headers=admin)).json()
    assert [k["alg"] for k in keys["keys"]] == ["ES256", "EdDSA"]
    assert new_doc["kid"] != old_doc["kid"] and new_doc["alg"] == "ES256"
    assert verify_document(new_doc, keys)
    assert verify_document(old_doc, keys)  # signed before the rotation, still verifies
    assert not verify_document(old_doc, {"keys": keys["keys"][:1]})  # retired key withdrawn


async def test_signature_without_a_key_is_40403(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    admin = api_key((await make_key(url, "admin"))[1])
    async with secured_client(url) as client:
        await client.post("/subjects/s/versions", json={"schema": AVRO_V1}, headers=admin)
        reply = await client.get("/schemas/ids/1/signature", headers=admin)
        assert (reply.status_code, reply.json()["error_code"]) == (404, 40403)
        assert (await client.get("/keys")).json() == {"keys": []}
