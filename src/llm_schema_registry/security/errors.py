"""Refusals of the security services. They know no transport: each edge maps them to its own
answers (the HTTP API: `api/errors.py`, the one table of error codes)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class SecurityError(Exception):
    """A request refused by security; the message is safe to show the caller."""

    # Extra fields for the caller beside the message (e.g. the violations of a policy).
    details: Mapping[str, Any] = {}


class UnauthenticatedError(SecurityError):
    """No usable credentials. `reason` says why, for the audit log only: callers always get
    the same message, so it does not tell a wrong secret from an unknown key."""

    def __init__(self, reason: str) -> None:
        super().__init__("Unauthorized: missing or invalid credentials")
        self.reason = reason


class ForbiddenError(SecurityError):
    def __init__(self) -> None:
        super().__init__("Forbidden: the caller lacks this permission")


class CsrfError(SecurityError):
    """A cookie-authenticated state change without this session's CSRF token, or sent from
    another site. `reason` is for the audit log."""

    def __init__(self, reason: str) -> None:
        super().__init__("Forbidden: missing or invalid CSRF token")
        self.reason = reason


class RateLimitedError(SecurityError):
    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__("Rate limit exceeded")
        self.retry_after_seconds = retry_after_seconds


class BodyTooLargeError(SecurityError):
    """A request body over the size limit, refused before it is read any further (the
    security layer reads some bodies itself, before the app's own limit applies)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"Request body exceeds the limit of {limit} bytes")


class LoginThrottledError(RateLimitedError):
    """Too many failed authentications from this client address or for this key id: refused
    before the credentials are checked (`security/throttle.py`)."""

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(retry_after_seconds)
        self.args = (
            "Too many failed authentication attempts from this address or for this key; "
            f"retry after {retry_after_seconds} seconds",
        )


class UnknownRouteError(SecurityError):
    """Refused as if the route did not exist: clients probe optional APIs (confluent-kafka's
    `/associations`) and expect a 404, and nobody learns which routes exist."""

    def __init__(self) -> None:
        super().__init__("HTTP 404 Not Found")


class ApiKeyNotFoundError(SecurityError):
    def __init__(self, key_id: str) -> None:
        super().__init__(f"API key '{key_id}' not found")


class SigningNotConfiguredError(SecurityError):
    def __init__(self) -> None:
        super().__init__("Schema signing is not configured on this registry")
