"""`/compatibility`: would this schema be accepted?"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from llm_schema_registry.api.access import VALIDATE, requires
from llm_schema_registry.api.deps import Flag, Registry, Samples, Subject, Version, to_request
from llm_schema_registry.api.models import ERRORS, CompatibilityResult, RegisterSchemaRequest

router = APIRouter(tags=["compatibility"], responses=ERRORS)


def _result(messages: list[str], verbose: bool) -> dict[str, Any]:
    result: dict[str, Any] = {"is_compatible": not messages}
    if verbose:
        result["messages"] = messages
    return result


async def _with_samples(
    result: dict[str, Any], keeper: Samples, subject: str, body: RegisterSchemaRequest
) -> dict[str, Any]:
    """`?samples=true`: the subject's stored samples replayed against the proposed schema."""
    report = await keeper.replay(subject, to_request(body))
    return {**result, "samples": report.as_json()}


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
    keeper: Samples,
    normalize: Flag = False,
    verbose: Flag = False,
    samples: Flag = False,
) -> dict[str, Any]:
    messages = await registry.check_compatibility(
        subject, version, to_request(body), normalize=normalize
    )
    result = _result(messages, verbose)
    return await _with_samples(result, keeper, subject, body) if samples else result


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
    keeper: Samples,
    normalize: Flag = False,
    verbose: Flag = False,
    samples: Flag = False,
) -> dict[str, Any]:
    messages = await registry.check_compatibility(
        subject, None, to_request(body), normalize=normalize
    )
    result = _result(messages, verbose)
    return await _with_samples(result, keeper, subject, body) if samples else result
