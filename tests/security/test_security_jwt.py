"""JWT bearer tokens: JWKS (RS256, ES256, EdDSA), static public key, HS256; every bad token
is refused with 401/40101."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from secsupport import AVRO_V1, secured_client

ISSUER, AUDIENCE = "https://idp.example", "schema-registry"
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
ED_KEY = ed25519.Ed25519PrivateKey.generate()
OTHER_RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KEYS: dict[str, tuple[Any, str]] = {
    "rsa-1": (RSA_KEY, "RS256"),
    "ec-1": (EC_KEY, "ES256"),
    "ed-1": (ED_KEY, "EdDSA"),
}


def _jwks() -> bytes:
    keys = []
    for kid, (private, alg) in KEYS.items():
        algorithm = jwt.get_algorithm_by_name(alg)
        jwk = json.loads(algorithm.to_jwk(private.public_key()))
        keys.append({**jwk, "kid": kid, "alg": alg, "use": "sig"})
    return json.dumps({"keys": keys}).encode()


@pytest.fixture(scope="module")
def jwks_url() -> Iterator[str]:
    body = _jwks()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    server.shutdown()


def claims(**override: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "sub": "alice",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "nbf": now - 5,
        "exp": now + 300,
        "roles": [{"role": "publisher", "subjects": ["telemetry.*"]}],
    }
    base.update(override)
    return {k: v for k, v in base.items() if v is not None}


def token(kid: str = "rsa-1", key: Any = None, **override: Any) -> str:
    private, alg = KEYS[kid]
    return jwt.encode(claims(**override), key or private, algorithm=alg, headers={"kid": kid})


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


async def test_jwks_tokens_of_each_algorithm_are_accepted_within_their_scope(
    jwks_url: str, tmp_path: Path
) -> None:
    settings = {"jwt_jwks_url": jwks_url, "jwt_issuer": ISSUER, "jwt_audience": AUDIENCE}
    async with secured_client(f"sqlite:///{tmp_path}/r.db", **settings) as client:
        for kid in KEYS:
            headers = bearer(token(kid))
            reply = await client.post(
                "/subjects/telemetry.a/versions", json={"schema": AVRO_V1}, headers=headers
            )
            assert reply.status_code == 200, (kid, reply.text)
            reply = await client.post(
                "/subjects/billing.a/versions", json={"schema": AVRO_V1}, headers=headers
            )
            assert (reply.status_code, reply.json()["error_code"]) == (403, 40301)
        plain = bearer(token(roles=["consumer"]))
        assert (await client.get("/subjects", headers=plain)).json() == ["telemetry.a"]
        refused = await client.delete("/subjects/telemetry.a", headers=plain)
        assert refused.status_code == 403


async def test_bad_tokens_are_refused(jwks_url: str, tmp_path: Path) -> None:
    settings = {"jwt_jwks_url": jwks_url, "jwt_issuer": ISSUER, "jwt_audience": AUDIENCE}
    now = int(time.time())
    unsigned = jwt.encode(claims(), "", algorithm="none", headers={"kid": "rsa-1"})
    hs_confusion = jwt.encode(claims(), "x" * 32, algorithm="HS256", headers={"kid": "rsa-1"})
    bad = {
        "wrong signature": token(key=OTHER_RSA),
        "wrong audience": token(aud="someone-else"),
        "wrong issuer": token(iss="https://evil.example"),
        "expired": token(exp=now - 60, nbf=now - 120, iat=now - 120),
        "not yet valid": token(nbf=now + 600),
        "no expiry": token(exp=None),
        "unknown kid": jwt.encode(
            claims(), OTHER_RSA, algorithm="RS256", headers={"kid": "nobody"}
        ),
        "alg none": unsigned,
        "HS256 when only asymmetric keys are configured": hs_confusion,
        "garbage": "not.a.token",
    }
    async with secured_client(f"sqlite:///{tmp_path}/r.db", **settings) as client:
        for name, value in bad.items():
            reply = await client.get("/subjects", headers=bearer(value))
            assert (reply.status_code, reply.json()["error_code"]) == (401, 40101), name
        admin = bearer(token(roles=["auditor"]))
        # Every refusal was audited as a login failure, without the token.
        entries = (await client.get("/audit?action=auth.login", headers=admin)).json()
        assert len(entries) == len(bad)
        assert all(e["result"] == "denied" for e in entries)
        assert not any(value in json.dumps(entries) for value in bad.values())


async def test_static_public_key_and_hs256_secret(tmp_path: Path) -> None:
    pem = tmp_path / "public.pem"
    pem.write_bytes(
        EC_KEY.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    settings = {"jwt_public_key_file": pem, "jwt_secret": "s3cret-shared-value-of-32-bytes!!"}
    async with secured_client(f"sqlite:///{tmp_path}/r.db", **settings) as client:
        ok_ec = bearer(token("ec-1", roles=["consumer"]))
        assert (await client.get("/subjects", headers=ok_ec)).status_code == 200
        hs = jwt.encode(claims(roles=["consumer"]), "s3cret-shared-value-of-32-bytes!!", "HS256")
        assert (await client.get("/subjects", headers=bearer(hs))).status_code == 200
        wrong = jwt.encode(claims(roles=["consumer"]), "another-secret-value-32-bytes!!!", "HS256")
        assert (await client.get("/subjects", headers=bearer(wrong))).status_code == 401
        other_ec = jwt.encode(claims(), ec.generate_private_key(ec.SECP256R1()), "ES256")
        assert (await client.get("/subjects", headers=bearer(other_ec))).status_code == 401
