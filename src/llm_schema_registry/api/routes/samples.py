"""`/subjects/{subject}/samples`: the curated samples of a subject (and a look at the recent
ones), replayed against proposed versions by `?samples=true` (registry/samples.py)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from llm_schema_registry.api.access import READ, requires
from llm_schema_registry.api.deps import Samples, Subject
from llm_schema_registry.api.models import ERRORS
from llm_schema_registry.registry.samples import SampleKind

router = APIRouter(tags=["samples"], responses=ERRORS)

Kind = Literal["curated", "recent", "all"]


class SamplesUpload(BaseModel):
    records: list[Any] = Field(description="Records to keep as curated samples (JSON values)")


class SamplesAdded(BaseModel):
    ids: list[int]


class SampleObject(BaseModel):
    id: int
    kind: str
    record: Any
    created_ms: int


class SamplesListing(BaseModel):
    samples: list[SampleObject]
    counts: dict[str, int] = Field(description="Stored samples of each kind")


class SamplesDeleted(BaseModel):
    deleted: int


def _kinds(kind: Kind) -> tuple[SampleKind, ...]:
    return tuple(SampleKind) if kind == "all" else (SampleKind(kind),)


@router.post(
    "/subjects/{subject}/samples",
    dependencies=[requires("schema.update", mutation=True)],
    response_model=SamplesAdded,
)
async def add_samples(samples: Samples, subject: Subject, body: SamplesUpload) -> dict[str, Any]:
    """Add curated samples (fields the latest version tags PII are removed first)."""
    return {"ids": await samples.add_curated(subject, body.records)}


@router.get(
    "/subjects/{subject}/samples", dependencies=[requires(READ)], response_model=SamplesListing
)
async def list_samples(samples: Samples, subject: Subject, kind: Kind = "curated") -> Any:
    """The curated samples (`kind=recent`: the kept validated records; `all`: both)."""
    return await samples.listing(subject, _kinds(kind))


@router.delete(
    "/subjects/{subject}/samples",
    dependencies=[requires("schema.update", mutation=True)],
    response_model=SamplesDeleted,
)
async def delete_samples(
    samples: Samples,
    subject: Subject,
    kind: Literal["curated", "recent"] = "curated",
    id: Annotated[list[int] | None, Query(description="Only these samples")] = None,
) -> dict[str, int]:
    """Delete the curated samples (`kind=recent`: empty the reservoir), or only those `id`
    names; answers how many went."""
    return {"deleted": await samples.delete(subject, SampleKind(kind), id)}
