"""The SDK's change-event and webhook operations (docs/events.md), written once like the
rest of `methods.py` (which mixes them in): the event feed as pages, and webhook admin.
`client.events()` — following the live stream — is the transports' own (it streams)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from llm_schema_registry.client.driver import Operation, operation
from llm_schema_registry.client.events import ChangeEvent, EventPage
from llm_schema_registry.client.ops import segment
from llm_schema_registry.client.transport import Call


class EventMethods:
    """`GET /events` pages and the `/webhooks` admin routes."""

    @operation
    def event_page(
        self,
        after: int = 0,
        *,
        limit: int = 100,
        types: Iterable[str] | None = None,
        subjects: Iterable[str] | None = None,
    ) -> Operation[EventPage]:
        """Change events after sequence `after`, oldest first (`GET /events`); poll on with
        `after=page.next_after`. `client.events()` follows them live instead."""
        params: dict[str, Any] = {"after": after, "limit": limit}
        if types:
            params["types"] = list(types)
        if subjects:
            params["subjects"] = list(subjects)
        reply = yield Call("GET", "/events", params)
        found = [ChangeEvent.from_cloudevent(event) for event in reply["events"]]
        return EventPage(found, int(reply["next_after"]))

    @operation
    def add_webhook(
        self,
        url: str,
        *,
        events: Iterable[str] | None = None,
        subjects: Iterable[str] | None = None,
        secret: str | None = None,
    ) -> Operation[dict[str, Any]]:
        """Registers a webhook (admin): `events` types and `subjects` globs (default all).
        The reply holds its `id` and `secret` (generated when not given), shown only here."""
        body: dict[str, Any] = {
            "url": url,
            "events": list(events or ()),
            "subjects": list(subjects or ()),
        }
        if secret is not None:
            body["secret"] = secret
        reply = yield Call("POST", "/webhooks", None, body)
        return dict(reply)

    @operation
    def webhooks(self) -> Operation[list[dict[str, Any]]]:
        """Every webhook (admin), without secrets."""
        reply = yield Call("GET", "/webhooks")
        return list(reply)

    @operation
    def remove_webhook(self, webhook_id: str) -> Operation[dict[str, Any]]:
        """Deletes a webhook with its delivery history and dead letters (admin)."""
        reply = yield Call("DELETE", f"/webhooks/{segment(webhook_id)}")
        return dict(reply)

    @operation
    def webhook_deliveries(
        self, webhook_id: str, limit: int = 100
    ) -> Operation[list[dict[str, Any]]]:
        """Recent delivery attempts, newest first: event id, attempt, HTTP status or error."""
        path = f"/webhooks/{segment(webhook_id)}/deliveries"
        reply = yield Call("GET", path, {"limit": limit})
        return list(reply)

    @operation
    def webhook_dead_letters(
        self, webhook_id: str, limit: int = 100
    ) -> Operation[list[dict[str, Any]]]:
        """Events the webhook gave up on, oldest first, each with its CloudEvent."""
        path = f"/webhooks/{segment(webhook_id)}/dead-letters"
        reply = yield Call("GET", path, {"limit": limit})
        return list(reply)

    @operation
    def replay_dead_letters(
        self, webhook_id: str, event_ids: Iterable[str] | None = None
    ) -> Operation[int]:
        """Sends dead letters again (all, or these event ids); returns how many."""
        path = f"/webhooks/{segment(webhook_id)}/dead-letters/replay"
        body = {"event_ids": list(event_ids)} if event_ids is not None else {}
        reply = yield Call("POST", path, None, body)
        return int(reply["replayed"])
