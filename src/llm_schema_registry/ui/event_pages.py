"""The change events: a live feed for every reader (the recent events, then new ones pushed by
Server-Sent Events to `static/events.js`; no inline script), and for admins each webhook's
delivery attempts and dead letters, with a replay button.

The stream is the API's (`events/sse.py`) under `/ui`, so the session cookie authenticates it
(`EventSource` cannot send an API key); like `GET /events/stream`, it carries only subjects
the viewer may read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse

from llm_schema_registry.api.access import ADMIN_ONLY, READ, requires
from llm_schema_registry.events import sse
from llm_schema_registry.events.cloudevent import to_cloudevent
from llm_schema_registry.events.errors import EventsDisabledError
from llm_schema_registry.events.feed import EventFeed, reader_filter, sequence_of
from llm_schema_registry.events.filters import EventFilter
from llm_schema_registry.events.model import EventType
from llm_schema_registry.events.service import EventsService
from llm_schema_registry.registry.changes import record_change
from llm_schema_registry.security.principals import ANONYMOUS, Principal
from llm_schema_registry.ui.forms import form, service
from llm_schema_registry.ui.render import (
    PREFIX,
    SECURITY_HEADERS,
    PageRoute,
    page,
    redirect,
    viewer,
)

RECENT = 50  # events shown when the page opens
LOOK_BACK = 1000  # sequences searched for them (a narrow scope may find fewer)
HISTORY = 50  # attempts and dead letters shown per webhook

router = APIRouter(prefix=PREFIX, route_class=PageRoute)


def _feed(request: Request) -> EventFeed:
    found: EventFeed | None = service(request, "event_feed")
    if found is None:
        raise EventsDisabledError()
    return found


def _events(request: Request) -> EventsService:
    found: EventsService | None = service(request, "events")
    if found is None:
        raise EventsDisabledError()
    return found


def _scoped(request: Request, types: list[str], subjects: list[str]) -> EventFilter:
    principal: Principal = request.scope.get("state", {}).get("principal") or ANONYMOUS
    return reader_filter(types, subjects, principal.read_scope())


@router.get("/events", dependencies=[requires(READ, session=True)], response_model=None)
async def events_page(
    request: Request,
    type: Annotated[list[str], Query()] = [],  # noqa: B006 (the query's own names)
    subject: Annotated[list[str], Query()] = [],  # noqa: B006
) -> Response:
    feed = _feed(request)
    only = _scoped(request, type, subject)
    last = await feed.log.last_sequence()
    recent = await feed.page(max(0, last - LOOK_BACK), LOOK_BACK, only)
    recent = recent[-RECENT:][::-1]  # newest first, as the live rows are added
    events: EventsService | None = service(request, "events")
    hooks = await events.webhooks() if events and viewer(request).can(ADMIN_ONLY) else []
    return page(
        request,
        "events.html",
        events=[to_cloudevent(event, feed.source) for event in recent],
        after=last,
        types=sorted(EventType),
        chosen_types=type,
        chosen_subjects=", ".join(subject),
        webhooks=[hook.public() for hook in hooks],
    )


@router.get("/events/stream", dependencies=[requires(READ, session=True)], response_model=None)
async def events_stream(
    request: Request,
    after: str,
    type: Annotated[list[str], Query()] = [],  # noqa: B006
    subject: Annotated[list[str], Query()] = [],  # noqa: B006
) -> StreamingResponse:
    """The page's live rows: events after the last one it rendered (or after what the
    browser's EventSource last received, on a reconnect)."""
    feed = _feed(request)
    only = _scoped(request, type, subject)
    resume = sequence_of(request.headers.get("last-event-id"), "Last-Event-ID")
    start = resume if resume is not None else sequence_of(after) or 0
    headers = {**SECURITY_HEADERS, "x-accel-buffering": "no"}
    return StreamingResponse(
        sse.frames(feed, only, start), media_type=sse.MEDIA_TYPE, headers=headers
    )


@router.get(
    "/webhooks/{webhook_id}", dependencies=[requires(ADMIN_ONLY, session=True)], response_model=None
)
async def webhook_page(request: Request, webhook_id: str, replayed: int | None = None) -> Response:
    events = _events(request)
    hook = await events.webhook(webhook_id)
    return page(
        request,
        "webhook.html",
        webhook=hook.public(),
        attempts=await events.deliveries(webhook_id, HISTORY),
        dead=await events.dead_letters(webhook_id, HISTORY),
        replayed=replayed,
    )


@router.post(
    "/webhooks/{webhook_id}/replay",
    dependencies=[requires(ADMIN_ONLY, mutation=True, session=True)],
    response_model=None,
)
async def replay(request: Request, webhook_id: str) -> Response:
    await form(request)  # the CSRF token was checked by the security layer
    count = await _events(request).replay(webhook_id, None)
    record_change(None, {"webhook": webhook_id, "replayed": count})
    return redirect(f"{PREFIX}/webhooks/{webhook_id}?replayed={count}")
