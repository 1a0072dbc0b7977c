"""Webhooks (admin): register receivers of change events, see their deliveries, replay.

Who may call them each route declares; creating and deleting one is audited (the mutation
rule plus `record_change`, never with the secret). A webhook keeps its creator's read scope:
it gets only events on subjects that caller may read.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from llm_schema_registry.api.access import ADMIN_ONLY, requires
from llm_schema_registry.api.deps import QueryInt
from llm_schema_registry.events.cloudevent import to_cloudevent
from llm_schema_registry.events.errors import EventsDisabledError
from llm_schema_registry.events.model import Attempt, DeadLetter
from llm_schema_registry.events.service import EventsService
from llm_schema_registry.registry.changes import record_change
from llm_schema_registry.security.principals import ANONYMOUS, Principal

router = APIRouter()
ADMIN = [requires(ADMIN_ONLY)]
AUDITED = [requires(ADMIN_ONLY, mutation=True)]


class WebhookRequest(BaseModel):
    url: str = Field(description="http(s) URL receiving POSTed CloudEvents")
    events: list[str] = Field(default_factory=list, description="Event types; empty: all")
    subjects: list[str] = Field(default_factory=list, description="Subject globs; empty: all")
    secret: str | None = Field(default=None, description="whsec_… (generated when absent)")


class ReplayRequest(BaseModel):
    event_ids: list[str] | None = Field(default=None, description="Only these; absent: all")


def events_of(request: Request) -> EventsService:
    service: EventsService | None = request.app.state.events
    if service is None:
        raise EventsDisabledError()
    return service


def caller(request: Request) -> Principal:
    found = request.scope.get("state", {}).get("principal")
    return found if isinstance(found, Principal) else ANONYMOUS


def attempt_json(attempt: Attempt) -> dict[str, Any]:
    return {
        "event_id": attempt.event_id,
        "attempt": attempt.number,
        "status": attempt.status,
        "error": attempt.error,
        "time": attempt.time.isoformat(),
    }


def dead_letter_json(dead: DeadLetter, source: str) -> dict[str, Any]:
    return {
        "event_id": dead.event.id,
        "type": str(dead.event.type),
        "subject": dead.event.subject,
        "attempts": dead.attempts,
        "error": dead.error,
        "time": dead.time.isoformat(),
        "event": to_cloudevent(dead.event, source),
    }


@router.post("/webhooks", status_code=201, dependencies=AUDITED)
async def create_webhook(request: Request, body: WebhookRequest) -> dict[str, Any]:
    principal = caller(request)
    hook = await events_of(request).add_webhook(
        body.url,
        types=body.events,
        subjects=body.subjects,
        secret=body.secret,
        scope=principal.read_scope(),
        created_by=principal.actor,
    )
    record_change(None, hook.public())
    return {**hook.public(), "secret": hook.secret}


@router.get("/webhooks", dependencies=ADMIN)
async def list_webhooks(request: Request) -> list[dict[str, Any]]:
    return [hook.public() for hook in await events_of(request).webhooks()]


@router.get("/webhooks/{webhook_id}", dependencies=ADMIN)
async def get_webhook(request: Request, webhook_id: str) -> dict[str, Any]:
    return (await events_of(request).webhook(webhook_id)).public()


@router.delete("/webhooks/{webhook_id}", dependencies=AUDITED)
async def delete_webhook(request: Request, webhook_id: str) -> dict[str, Any]:
    gone = await events_of(request).remove_webhook(webhook_id)
    record_change(gone.public(), None)
    return {"id": gone.id, "deleted": True}


@router.get("/webhooks/{webhook_id}/deliveries", dependencies=ADMIN)
async def webhook_deliveries(
    request: Request, webhook_id: str, limit: Annotated[QueryInt, Query(ge=1, le=1000)] = 100
) -> list[dict[str, Any]]:
    attempts = await events_of(request).deliveries(webhook_id, limit)
    return [attempt_json(a) for a in attempts]


@router.get("/webhooks/{webhook_id}/dead-letters", dependencies=ADMIN)
async def webhook_dead_letters(
    request: Request, webhook_id: str, limit: Annotated[QueryInt, Query(ge=1, le=1000)] = 100
) -> list[dict[str, Any]]:
    service = events_of(request)
    dead = await service.dead_letters(webhook_id, limit)
    return [dead_letter_json(d, service.config.source) for d in dead]


@router.post("/webhooks/{webhook_id}/dead-letters/replay", dependencies=AUDITED)
async def replay_dead_letters(
    request: Request, webhook_id: str, body: ReplayRequest | None = None
) -> dict[str, Any]:
    count = await events_of(request).replay(webhook_id, body.event_ids if body else None)
    record_change(None, {"webhook": webhook_id, "replayed": count})
    return {"replayed": count}
