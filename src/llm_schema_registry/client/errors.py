"""One exception hierarchy for the SDK; every error carries the registry's `error_code`."""

from __future__ import annotations

from typing import Any


class SchemaRegistryError(Exception):
    """Base of every SDK error. `error_code`: the registry's code (e.g. 40401) when it sent
    one; `status`: the HTTP status (None when the registry was never reached); `details`:
    what else the error body carried (e.g. `errors`, each invalid variable by JSON path)."""

    def __init__(
        self,
        message: str,
        error_code: int | None = None,
        status: int | None = None,
        details: dict[str, Any] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.error_code = error_code
        self.status = status
        self.details = details or {}


class RegistryUnavailableError(SchemaRegistryError):
    """The registry could not be reached, or kept answering 5xx after every retry."""


class NotFoundError(SchemaRegistryError):
    """404: no such subject, version or schema (40401, 40402, 40403, ...)."""


class IncompatibleSchemaError(SchemaRegistryError):
    """409: the schema breaks the subject's compatibility (40901)."""


class InvalidRequestError(SchemaRegistryError):
    """400/422: a malformed schema, version, rule set or request."""


class AuthenticationError(SchemaRegistryError):
    """401/403: missing or refused credentials."""


class BundleError(SchemaRegistryError):
    """An offline bundle is unreadable or does not hold what was asked for."""


def error_for(status: int, body: Any) -> SchemaRegistryError:
    """The SDK error for an HTTP error reply."""
    code = body.get("error_code") if isinstance(body, dict) else None
    message = body.get("message") if isinstance(body, dict) else None
    text = str(message or f"HTTP {status}")
    code = code if isinstance(code, int) else status
    details = (
        {k: v for k, v in body.items() if k not in ("error_code", "message")}
        if isinstance(body, dict)
        else {}
    )
    if status >= 500:
        return RegistryUnavailableError(text, code, status, details)
    kind: type[SchemaRegistryError] = {
        404: NotFoundError,
        410: NotFoundError,
        409: IncompatibleSchemaError,
        401: AuthenticationError,
        403: AuthenticationError,
    }.get(status, InvalidRequestError if status in (400, 422) else SchemaRegistryError)
    return kind(text, code, status, details)
