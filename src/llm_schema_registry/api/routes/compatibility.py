"""`/compatibility`: would this schema be accepted?"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from llm_schema_registry.api.access import VALIDATE, requires
from llm_schema_registry.api.deps import Flag, Registry, Subject, Version, to_request
from llm_schema_registry.api.models import ERRORS, CompatibilityResult, RegisterSchemaRequest

router = APIRouter(tags=["compatibility"], responses=ERRORS)


def _result(messages: list[str], verbose: bool) -> dict[str, Any]:
    result: dict[str, Any] = {"is_compatible": not messages}
    if verbose:
        result["messages"] = messages
    return result


@router.post(
    "/compatibility/subjects/{subject}/versions/{version}",
    dependencies=[requires(VALIDATE)],
    response_model=CompatibilityResult,
    response_model_exclude_none=True,
)
async def check_against_version(
    registry: Registry,
    subject: Subject,
    version: Version,
    body: RegisterSchemaRequest,
    normalize: Flag = False,
    verbose: Flag = False,
) -> dict[str, Any]:
    messages = await registry.check_compatibility(
        subject, version, to_request(body), normalize=normalize
    )
    return _result(messages, verbose)


@router.post(
    "/compatibility/subjects/{subject}/versions",
    dependencies=[requires(VALIDATE)],
    response_model=CompatibilityResult,
    response_model_exclude_none=True,
)
async def check_against_subject(
    registry: Registry,
    subject: Subject,
    body: RegisterSchemaRequest,
    normalize: Flag = False,
    verbose: Flag = False,
) -> dict[str, Any]:
    messages = await registry.check_compatibility(
        subject, None, to_request(body), normalize=normalize
    )
    return _result(messages, verbose)
