"""The only module that knows the error codes: one table, one function for every error body.

Domain and security errors know no HTTP; `ERROR_CODES` maps them (by MRO), `error_body` is
the only place an error body is built, and it reaches the caller either as a FastAPI
response (`error_response`, the exception handlers) or straight over ASGI (`send_error`,
used by the front and security layers, which answer before the framework runs).
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from llm_schema_registry.api.media import V1_JSON, RegistryJSONResponse
from llm_schema_registry.asgi import Send
from llm_schema_registry.events import errors as ev
from llm_schema_registry.events.feed import InvalidEventRequestError
from llm_schema_registry.registry import errors as e
from llm_schema_registry.registry.checks import ConfiguredCheckError, RegistrationBlockedError
from llm_schema_registry.registry.samples import (
    InvalidSamplesRequestError,
    SamplesRejectedError,
)
from llm_schema_registry.registry.validation import InvalidValidationRequestError
from llm_schema_registry.security import errors as s
from llm_schema_registry.security.apikeys import InvalidKeyRequestError


class NotAcceptableError(e.RegistryError):
    def __init__(self) -> None:
        super().__init__("HTTP 406 Not Acceptable")


class UnsupportedMediaTypeError(e.RegistryError):
    def __init__(self) -> None:
        super().__init__("HTTP 415 Unsupported Media Type")


class BodyTooLargeError(e.RegistryError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"Request body exceeds the limit of {limit} bytes")


class NotExportableError(e.RegistryError):
    """Only JSON Schema objects can be exported to LLM providers."""


# The errors answered with a code from the table (and their subclasses).
HANDLED: tuple[type[Exception], ...] = (e.RegistryError, s.SecurityError, InvalidKeyRequestError)

ERROR_CODES: dict[type[Exception], int] = {
    e.SubjectNotFoundError: 40401,
    e.VersionNotFoundError: 40402,
    e.SchemaNotFoundError: 40403,
    e.SubjectSoftDeletedError: 40404,
    e.SubjectNotSoftDeletedError: 40405,
    e.VersionSoftDeletedError: 40406,
    e.VersionNotSoftDeletedError: 40407,
    e.SubjectConfigNotFoundError: 40408,
    e.SubjectModeNotFoundError: 40409,
    e.IncompatibleSchemaError: 40901,
    e.InvalidSchemaError: 42201,
    e.InvalidVersionError: 42202,
    e.InvalidCompatibilityLevelError: 42203,
    e.InvalidModeError: 42204,
    e.OperationNotPermittedError: 42205,
    e.ReferenceExistsError: 42206,
    e.IdConflictError: 42207,
    e.InvalidSubjectError: 42208,
    e.SchemaTooLargeError: 42209,
    e.InvalidRuleSetError: 42210,
    e.ContextNotEmptyError: 42211,
    e.InvalidContextError: 42290,
    e.ContextNotFoundError: 40490,
    e.InvalidTransitionError: 40950,
    e.InactiveVersionConsumerError: 40951,
    e.InvalidLifecycleRequestError: 42250,
    RegistrationBlockedError: 42251,
    ConfiguredCheckError: 42252,
    e.InvalidConfigError: 42253,
    NotExportableError: 42260,
    NotAcceptableError: 406,
    UnsupportedMediaTypeError: 415,
    BodyTooLargeError: 41301,
    InvalidEventRequestError: 42282,
    e.NotAPromptError: 42261,
    e.InvalidVariablesError: 42262,
    e.PromptRenderError: 42263,
    ev.WebhookNotFoundError: 40460,
    ev.EventsDisabledError: 40960,
    ev.InvalidWebhookError: 42280,
    ev.UnsafeWebhookUrlError: 42281,
    SamplesRejectedError: 40961,
    InvalidSamplesRequestError: 42270,
    e.StorageError: 50001,
    e.StorageUnavailableError: 50301,
    InvalidValidationRequestError: 422,
    s.UnauthenticatedError: 40101,
    s.ForbiddenError: 40301,
    s.CsrfError: 40302,
    s.UnknownRouteError: 404,
    s.RateLimitedError: 42901,
    s.LoginThrottledError: 42902,
    s.BodyTooLargeError: 41301,
    s.ApiKeyNotFoundError: 40401,
    s.SigningNotConfiguredError: 40403,
    InvalidKeyRequestError: 422,
}


def status_of(code: int) -> int:
    """HTTP status = the first three digits of the error code."""
    return int(str(code)[:3])


def code_for(error: Exception) -> int:
    return next(ERROR_CODES[t] for t in type(error).__mro__ if t in ERROR_CODES)


def error_body(code: int, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every error body: Confluent's `{error_code, message}`, plus any details."""
    return {"error_code": code, "message": message, **(details or {})}


def _details(error: Exception) -> dict[str, Any]:
    """What an error adds to its body: a blocked registration lists its violations."""
    if isinstance(error, RegistrationBlockedError):
        return {"violations": [v.as_json() for v in error.violations]}
    if isinstance(error, SamplesRejectedError):
        return {"samples": error.report.as_json()}
    if isinstance(error, e.InvalidVariablesError):
        return {"errors": [{"path": path, "message": message} for path, message in error.errors]}
    return dict(error.details) if isinstance(error, s.SecurityError) else {}


def _headers(error: Exception) -> dict[str, str]:
    """What HTTP adds for some errors: the challenge of a 401, the wait of a 429."""
    if isinstance(error, s.UnauthenticatedError):
        return {"www-authenticate": 'Basic realm="schema-registry"'}
    if isinstance(error, s.RateLimitedError):
        return {"retry-after": str(error.retry_after_seconds)}
    return {}


def error_response(code: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return RegistryJSONResponse(
        error_body(code, message), status_code=status_of(code), headers=headers
    )


async def send_error(send: Send, error: Exception, request_id: str | None = None) -> None:
    """Answers `error` over plain ASGI (for layers in front of the framework)."""
    code = code_for(error)
    body = orjson.dumps(error_body(code, str(error), _details(error)))
    headers = [
        (b"content-type", V1_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    if request_id is not None:
        headers.append((b"x-request-id", request_id.encode("latin-1")))
    headers += [(k.encode(), v.encode("latin-1")) for k, v in _headers(error).items()]
    await send({"type": "http.response.start", "status": status_of(code), "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def domain_error(_request: Request, exc: Exception) -> Response:
    code = code_for(exc)
    return RegistryJSONResponse(
        error_body(code, str(exc), _details(exc)),
        status_code=status_of(code),
        headers=_headers(exc) or None,
    )


async def validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems: list[Any] = list(exc.errors())
    first = problems[0] if problems else {}
    if first.get("type") == "json_invalid":
        detail = (first.get("ctx") or {}).get("error", "malformed JSON")
        return error_response(400, f"Unrecognized JSON in request body: {detail}")
    where = ".".join(str(part) for part in first.get("loc", ()))
    message = f"{where}: {first.get('msg', 'invalid value')}"
    if first.get("loc", ("",))[0] == "body":
        return error_response(422, f"Invalid request body: {message}")
    return error_response(400, f"Invalid request parameter {message}")


async def http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    phrases = {404: "HTTP 404 Not Found", 405: "HTTP 405 Method Not Allowed"}
    message = phrases.get(exc.status_code, str(exc.detail))
    return error_response(exc.status_code, message, headers=getattr(exc, "headers", None))


async def unexpected_error(_request: Request, _exc: Exception) -> Response:
    return error_response(500, "Internal Server Error")


def install(app: FastAPI) -> None:
    for kind in HANDLED:
        app.add_exception_handler(kind, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)
