"""Errors as gRPC statuses. The Confluent error code comes from the one table (handed in by the
composition root, which knows it: `api/errors.py`); the status code follows from its HTTP
status, and the code and message travel in an `ErrorDetail` in the status details
(`google.rpc.Status`, the `grpc-status-details-bin` trailer), as `grpc_status` reads them."""

from __future__ import annotations

from collections.abc import Callable

import grpc
from google.rpc import status_pb2
from grpc_status import rpc_status

from llm_schema_registry.registry.checks import RegistrationBlockedError
from llm_schema_registry.rpc.v1 import registry_pb2 as pb
from llm_schema_registry.security.errors import RateLimitedError

# The Confluent code of an error the edge answers, or None for an unexpected one.
CodeFor = Callable[[Exception], int | None]

UNEXPECTED = 500  # as REST: `{"error_code": 500, "message": "Internal Server Error"}`
UNEXPECTED_MESSAGE = "Internal Server Error"

# HTTP status (the code's first three digits) -> gRPC status. docs/grpc.md has the table.
STATUS_BY_HTTP: dict[int, grpc.StatusCode] = {
    400: grpc.StatusCode.INVALID_ARGUMENT,
    401: grpc.StatusCode.UNAUTHENTICATED,
    403: grpc.StatusCode.PERMISSION_DENIED,
    404: grpc.StatusCode.NOT_FOUND,
    406: grpc.StatusCode.INVALID_ARGUMENT,
    409: grpc.StatusCode.FAILED_PRECONDITION,  # incompatible schema, refused transition
    413: grpc.StatusCode.RESOURCE_EXHAUSTED,
    415: grpc.StatusCode.INVALID_ARGUMENT,
    422: grpc.StatusCode.INVALID_ARGUMENT,
    429: grpc.StatusCode.RESOURCE_EXHAUSTED,
    500: grpc.StatusCode.INTERNAL,
    503: grpc.StatusCode.UNAVAILABLE,  # storage down: read-only degraded mode
}


def http_status(code: int) -> int:
    """Confluent's rule: the HTTP status is the first three digits of the error code."""
    return int(str(code)[:3])


def status_code(code: int) -> grpc.StatusCode:
    return STATUS_BY_HTTP.get(http_status(code), grpc.StatusCode.UNKNOWN)


def detail_of(error: Exception, code: int, message: str) -> pb.ErrorDetail:
    detail = pb.ErrorDetail(error_code=code, message=message)
    if isinstance(error, RegistrationBlockedError):
        detail.violations.extend(
            pb.PolicyViolation(policy=v.policy, action=v.action, path=v.path, message=v.message)
            for v in error.violations
        )
    if isinstance(error, RateLimitedError):
        detail.retry_after_seconds = error.retry_after_seconds
    return detail


def error_status(error: Exception, code: int | None) -> grpc.Status:
    """The status a call that raised `error` ends with; `code`: its Confluent code (None: an
    unexpected error, answered as REST does, without its message)."""
    message = str(error) if code is not None else UNEXPECTED_MESSAGE
    code = UNEXPECTED if code is None else code
    status = status_pb2.Status(code=status_code(code).value[0], message=message)
    status.details.add().Pack(detail_of(error, code, message))
    found: grpc.Status = rpc_status.to_status(status)
    return found
