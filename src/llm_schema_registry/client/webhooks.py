"""Verifying the registry's webhook deliveries (Standard Webhooks) with the SDK's errors.

The scheme lives in the neutral `llm_schema_registry.webhooks`, with which the registry signs;
any `standardwebhooks` library verifies the same deliveries::

    event = verify_webhook(request.headers, raw_body, "whsec_…")  # the CloudEvent, parsed
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llm_schema_registry import webhooks
from llm_schema_registry.client.errors import SchemaRegistryError


class WebhookVerificationError(SchemaRegistryError, webhooks.WebhookVerificationError):
    """A delivery with missing or stale headers, or no signature matching the secret."""


def verify_webhook(
    headers: Mapping[str, str],
    body: bytes | str,
    secret: str,
    *,
    tolerance: float = webhooks.DEFAULT_TOLERANCE_SECONDS,
) -> dict[str, Any]:
    """The delivery's CloudEvent, once its `webhook-signature` checks out against `secret`
    (`whsec_…`, as `POST /webhooks` returned it) and its `webhook-timestamp` is within
    `tolerance` seconds. `body`: the raw request body, as received. Raises
    WebhookVerificationError."""
    try:
        found = webhooks.verify_webhook(headers, body, secret, tolerance=tolerance)
    except (webhooks.WebhookVerificationError, ValueError) as exc:
        raise WebhookVerificationError(str(exc)) from None
    if not isinstance(found, dict):
        raise WebhookVerificationError("The delivery's body is not a JSON object (a CloudEvent).")
    return found
