"""Errors of the webhook routes; the messages are safe to show (codes: api/errors.py)."""

from __future__ import annotations

from llm_schema_registry.registry.errors import RegistryError


class WebhookNotFoundError(RegistryError):
    def __init__(self, webhook_id: str) -> None:
        super().__init__(f"Webhook '{webhook_id}' not found.")


class InvalidWebhookError(RegistryError):
    """A webhook request that cannot be registered: its event types, globs or secret."""


class UnsafeWebhookUrlError(InvalidWebhookError):
    """A URL the SSRF guard refuses (form, credentials, or a non-public address)."""


class EventsDisabledError(RegistryError):
    def __init__(self) -> None:
        super().__init__("Change events are turned off on this registry (REGISTRY_EVENTS_ENABLED).")
