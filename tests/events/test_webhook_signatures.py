"""Standard Webhooks signatures: ours verify with the reference library and the other way round."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook as StandardWebhook
from standardwebhooks.webhooks import WebhookVerificationError as LibraryVerificationError

from llm_schema_registry.webhooks import (
    WebhookVerificationError,
    generate_secret,
    signature_headers,
    verify_webhook,
)

BODY = json.dumps({"specversion": "1.0", "id": "e-1", "type": "schema.registered"}).encode()


def test_generated_secret_is_whsec_base64_of_24_bytes() -> None:
    secret = generate_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 24
    assert generate_secret() != secret


def test_our_signature_verifies_with_the_standardwebhooks_library() -> None:
    secret = generate_secret()
    headers = signature_headers(secret, "msg_1", BODY)
    assert StandardWebhook(secret).verify(BODY, headers) == json.loads(BODY)


def test_library_signature_verifies_with_ours() -> None:
    secret = generate_secret()
    now = int(time.time())
    signature = StandardWebhook(secret).sign("msg_2", datetime.fromtimestamp(now, UTC), BODY)
    headers = {"Webhook-Id": "msg_2", "Webhook-Timestamp": str(now), "Webhook-Signature": signature}
    assert verify_webhook(headers, BODY, secret) == json.loads(BODY)


def test_secret_without_prefix_is_the_same_key() -> None:
    secret = generate_secret()
    headers = signature_headers(secret.removeprefix("whsec_"), "msg_3", BODY)
    assert verify_webhook(headers, BODY, secret)["id"] == "e-1"


def test_any_of_several_signatures_is_enough_for_rotation() -> None:
    old, new = generate_secret(), generate_secret()
    headers = signature_headers(new, "msg_4", BODY)
    headers["webhook-signature"] = (
        signature_headers(old, "msg_4", BODY)["webhook-signature"]
        + " "
        + headers["webhook-signature"]
    )
    assert verify_webhook(headers, BODY, new)["type"] == "schema.registered"
    assert StandardWebhook(new).verify(BODY, headers)


@pytest.mark.parametrize(
    "tamper",
    ["body", "id", "secret", "stale", "future", "missing"],
)
def test_tampered_or_stale_deliveries_are_refused_by_both(tamper: str) -> None:
    secret, other = generate_secret(), generate_secret()
    stamp = (
        int(time.time()) - (600 if tamper == "stale" else 0) + (600 if tamper == "future" else 0)
    )
    headers = signature_headers(other if tamper == "secret" else secret, "msg_5", BODY, stamp)
    body = BODY + b" " if tamper == "body" else BODY
    if tamper == "id":
        headers["webhook-id"] = "msg_6"
    if tamper == "missing":
        del headers["webhook-signature"]
    with pytest.raises(WebhookVerificationError):
        verify_webhook(headers, body, secret)
    with pytest.raises(LibraryVerificationError):
        StandardWebhook(secret).verify(body, headers)


def test_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        signature_headers("whsec_", "msg_7", BODY)
