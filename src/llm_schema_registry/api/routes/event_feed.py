"""The change feed for readers: `GET /events/stream` (Server-Sent Events) and `GET /events`
(a JSON page for pollers), both cut to the subjects the caller may read."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from llm_schema_registry.api.access import READ, requires
from llm_schema_registry.api.deps import QueryInt
from llm_schema_registry.api.models import ERRORS
from llm_schema_registry.events import sse
from llm_schema_registry.events.cloudevent import to_cloudevent
from llm_schema_registry.events.errors import EventsDisabledError
from llm_schema_registry.events.feed import MAX_PAGE, EventFeed, reader_filter, sequence_of
from llm_schema_registry.events.filters import EventFilter
from llm_schema_registry.security.principals import ANONYMOUS, Principal

router = APIRouter(tags=["events"], responses=ERRORS)

Types = Annotated[
    list[str],
    Query(description="Event types to receive (repeat or comma-separate); default all"),
]
Subjects = Annotated[
    list[str],
    Query(description="Subject globs (`*`, `?`; repeat or comma-separate); default all"),
]


class EventPage(BaseModel):
    events: list[dict[str, Any]] = Field(description="CloudEvents, in sequence order")
    next_after: int = Field(description="Pass as `after` to get the following page")


def _feed(request: Request) -> EventFeed:
    feed: EventFeed | None = request.app.state.event_feed
    if feed is None:
        raise EventsDisabledError()
    return feed


def _filter(request: Request, types: list[str], subjects: list[str]) -> EventFilter:
    """What the caller asked for, within the subjects its credentials may read."""
    principal: Principal = getattr(request.state, "principal", ANONYMOUS)
    return reader_filter(types, subjects, principal.read_scope())


@router.get("/events", dependencies=[requires(READ)], response_model=EventPage)
async def events_page(
    request: Request,
    types: Types = [],  # noqa: B006 (FastAPI copies query defaults)
    subjects: Subjects = [],  # noqa: B006
    after: Annotated[str | None, Query(description="Events after this sequence")] = None,
    limit: Annotated[QueryInt, Query(ge=1, le=MAX_PAGE)] = 100,
) -> dict[str, Any]:
    """Events after a sequence, oldest first, as a page; poll with `after=next_after`."""
    feed = _feed(request)
    only = _filter(request, types, subjects)
    start = sequence_of(after) or 0
    found = await feed.page(start, limit, only)
    return {
        "events": [to_cloudevent(event, feed.source) for event in found],
        "next_after": found[-1].sequence if found else start,
    }


@router.get(
    "/events/stream",
    dependencies=[requires(READ)],
    response_class=StreamingResponse,
    responses={200: {"content": {sse.MEDIA_TYPE: {}}, "description": "Server-Sent Events"}},
)
async def events_stream(
    request: Request,
    types: Types = [],  # noqa: B006
    subjects: Subjects = [],  # noqa: B006
    after: Annotated[str | None, Query(description="Resume after this sequence")] = None,
    last_event_id: Annotated[str | None, Header(description="Resume point (EventSource)")] = None,
) -> StreamingResponse:
    """The live feed: `id:` the sequence, `event:` the type, `data:` the CloudEvent; starts at
    the live end unless `Last-Event-ID` (which wins) or `after` says where to resume; a
    `: heartbeat` comment every 15 s of silence."""
    feed = _feed(request)
    only = _filter(request, types, subjects)
    resume = sequence_of(last_event_id, "Last-Event-ID")
    start = await feed.start(resume if resume is not None else sequence_of(after))
    return StreamingResponse(
        sse.frames(feed, only, start),
        media_type=sse.MEDIA_TYPE,
        # no-transform and X-Accel-Buffering: proxies must pass frames on as they come
        headers={
            "cache-control": "no-cache, no-transform",
            "x-accel-buffering": "no",
            "x-resume-after": str(start),  # where this stream starts: a client may resume there
        },
    )
