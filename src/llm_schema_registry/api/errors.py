"""The only module that knows Confluent's error codes: one table, one handler per family."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from llm_schema_registry.api.media import RegistryJSONResponse
from llm_schema_registry.api.routes.export import NotExportableError
from llm_schema_registry.registry import errors as e
from llm_schema_registry.registry.checks import ConfiguredCheckError, RegistrationBlockedError
from llm_schema_registry.registry.validation import InvalidValidationRequestError

ERROR_CODES: dict[type[e.RegistryError], int] = {
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
    e.InvalidTransitionError: 40950,
    e.InactiveVersionConsumerError: 40951,
    e.InvalidLifecycleRequestError: 42250,
    RegistrationBlockedError: 42251,
    ConfiguredCheckError: 42252,
    e.InvalidConfigError: 42253,
    NotExportableError: 42260,
    e.NotAPromptError: 42261,
    e.InvalidVariablesError: 42262,
    e.PromptRenderError: 42263,
    e.StorageError: 50001,
    e.StorageUnavailableError: 50301,
    InvalidValidationRequestError: 422,
}


def status_of(code: int) -> int:
    """HTTP status = the first three digits of the error code."""
    return int(str(code)[:3])


def error_response(
    code: int,
    message: str,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    return RegistryJSONResponse(
        {"error_code": code, "message": message, **(extra or {})},
        status_code=status_of(code),
        headers=headers,
    )


def code_for(exc: e.RegistryError) -> int:
    return next(ERROR_CODES[t] for t in type(exc).__mro__ if t in ERROR_CODES)


async def registry_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, e.RegistryError)
    return error_response(code_for(exc), str(exc), extra=_details(exc))


def _details(exc: e.RegistryError) -> dict[str, Any] | None:
    """What an error adds to its body: a blocked registration lists its violations, invalid
    variables each error with its JSON path."""
    if isinstance(exc, RegistrationBlockedError):
        return {"violations": [v.as_json() for v in exc.violations]}
    if isinstance(exc, e.InvalidVariablesError):
        return {"errors": [{"path": path, "message": message} for path, message in exc.errors]}
    return None


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
    app.add_exception_handler(e.RegistryError, registry_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)
