"""`POST /validate`: data against a registered schema and its data-contract rules."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from llm_schema_registry.api.access import VALIDATE, requires
from llm_schema_registry.api.deps import Registry
from llm_schema_registry.api.media import RegistryJSONResponse
from llm_schema_registry.api.models import ERRORS, Int32
from llm_schema_registry.llm.check import llm_output_result
from llm_schema_registry.registry.validation import DataValidation, InvalidValidationRequestError

router = APIRouter(tags=["validation"], responses=ERRORS)


class ValidateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_id: Int32 | None = Field(default=None, description="Validate against this schema id")
    subject: str | None = Field(default=None, description="…or this subject's version")
    version: str | Int32 | None = Field(default=None, description="A version number or latest")
    data: Any = Field(default=None, description="One record")
    records: list[Any] | None = Field(default=None, description="A batch of records")
    message: str | None = Field(default=None, description="Protobuf: the message type name")
    llm_output: str | None = Field(
        default=None, description="Raw model text: its JSON is extracted, then validated"
    )


class Problem(BaseModel):
    path: str
    message: str


class RuleWarning(BaseModel):
    rule: str
    message: str


class RecordResult(BaseModel):
    valid: bool
    errors: list[Problem]
    warnings: list[RuleWarning]


class BatchResult(BaseModel):
    results: list[RecordResult]


class LlmOutputResult(RecordResult):
    extracted: Any = None
    source: str
    notes: list[str]
    repair_prompt: str | None


@router.post(
    "/validate",
    dependencies=[requires(VALIDATE, body_subject=True)],
    response_model=LlmOutputResult | RecordResult | BatchResult,
)
async def validate(
    registry: Registry, request: Request, body: ValidateRequest
) -> dict[str, Any] | RegistryJSONResponse:
    """One record (`data`): `{valid, errors, warnings}`; a batch (`records`): `{results}`;
    raw model text (`llm_output`): also `extracted`, `source`, `notes` and `repair_prompt`."""
    given = ("data" in body.model_fields_set, body.records is not None, body.llm_output is not None)
    if sum(given) != 1:
        raise InvalidValidationRequestError(
            "Give exactly one of data (a record), records or llm_output"
        )
    service: DataValidation = request.app.state.validation
    target = await service.target(body.schema_id, body.subject, body.version)
    if body.llm_output is not None:
        checked = await llm_output_result(registry, target.schema, body.llm_output, body.message)
        service.count(target, int(checked["valid"]), int(not checked["valid"]))
        if checked["valid"]:
            await service.keep(target, [checked["extracted"]])
        return checked
    records = body.records if body.records is not None else [body.data]
    results = await service.validate(target, records, body.message)
    # Answered as built: these are the response model's shape already, and having FastAPI
    # check and re-dump them cost more than validating a batch's records with no rules.
    if body.records is not None:
        return RegistryJSONResponse({"results": [result.as_json() for result in results]})
    return RegistryJSONResponse(results[0].as_json())
