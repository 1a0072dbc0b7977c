"""The Python SDK of the LLM Schema Registry: sync and async clients, offline bundles,
LLM-output checks and Pydantic round trips. Imports no server code."""

from llm_schema_registry.client.async_ import AsyncRegistryClient
from llm_schema_registry.client.bundle import Registry, export_bundle
from llm_schema_registry.client.errors import (
    AuthenticationError,
    BundleError,
    IncompatibleSchemaError,
    InvalidRequestError,
    NotFoundError,
    RegistryUnavailableError,
    SchemaRegistryError,
)
from llm_schema_registry.client.events import ChangeEvent, EventPage
from llm_schema_registry.client.models import (
    CacheStats,
    CompatibilityResult,
    ExportResult,
    Problem,
    Reference,
    RegisteredSchema,
    RenderedPrompt,
    RuleWarning,
    ValidationOutcome,
)
from llm_schema_registry.client.pydantic_models import model_from_schema
from llm_schema_registry.client.sync import RegistryClient
from llm_schema_registry.client.webhooks import WebhookVerificationError, verify_webhook
from llm_schema_registry.llm.output import extract_json, repair_prompt

__all__ = [
    "AsyncRegistryClient",
    "AuthenticationError",
    "BundleError",
    "CacheStats",
    "ChangeEvent",
    "CompatibilityResult",
    "EventPage",
    "ExportResult",
    "IncompatibleSchemaError",
    "InvalidRequestError",
    "NotFoundError",
    "Problem",
    "Reference",
    "RegisteredSchema",
    "Registry",
    "RegistryClient",
    "RegistryUnavailableError",
    "RenderedPrompt",
    "RuleWarning",
    "SchemaRegistryError",
    "ValidationOutcome",
    "WebhookVerificationError",
    "export_bundle",
    "extract_json",
    "model_from_schema",
    "repair_prompt",
    "verify_webhook",
]
