"""The webhook sink: a signed CloudEvent POSTed to a receiver, retried with backoff."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from llm_schema_registry import __version__
from llm_schema_registry.events.cloudevent import CONTENT_TYPE, DEFAULT_SOURCE, encode
from llm_schema_registry.events.filters import EventFilter
from llm_schema_registry.events.model import Attempt, Event, SinkKey, Webhook, utc_now
from llm_schema_registry.events.sink import Delivery, describe
from llm_schema_registry.events.ssrf import UnsafeUrlError, UrlGuard
from llm_schema_registry.webhooks import signature_headers

USER_AGENT = f"llm-schema-registry/{__version__}"
MAX_REPLY_BYTES = 64 * 1024  # of a receiver's answer read to keep the connection


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Retries after a failed attempt: exponential backoff with jitter, within bounds.

    Before retry n the wait is drawn uniformly from [min_delay, min(max_delay, min_delay·2ⁿ)]:
    the jitter keeps many failing deliveries from retrying in lockstep.
    """

    retries: int = 3
    min_delay: float = 0.5
    max_delay: float = 5.0

    def delay(self, retry: int, rng: random.Random | None = None) -> float:
        ceiling = min(self.max_delay, self.min_delay * 2**retry)
        return (rng or random).uniform(self.min_delay, max(self.min_delay, ceiling))


def webhook_client(timeout: float = 10.0) -> httpx.AsyncClient:
    """The HTTP client webhook sinks share: no redirects (a 3xx is a failed attempt, and
    following it would skip the SSRF guard) and no proxies from the environment."""
    return httpx.AsyncClient(
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": USER_AGENT},
    )


class WebhookSink:
    """Delivers to one webhook: `POST` of the CloudEvent with Standard Webhooks signatures.

    Every attempt of one event carries the same `webhook-id` (the event id) and a fresh
    `webhook-timestamp` and signature. Any 2xx is delivered; anything else (another status, a
    network error, a timeout) is retried per the policy, then the event is given up on and goes
    to the webhook's dead letters. A URL the guard refuses is given up on at once.
    """

    kind = "webhook"

    def __init__(
        self,
        webhook: Webhook,
        client: httpx.AsyncClient,
        *,
        guard: UrlGuard,
        policy: RetryPolicy | None = None,
        source: str = DEFAULT_SOURCE,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.webhook = webhook
        self._client = client
        self._guard = guard
        self._policy = policy or RetryPolicy()
        self._source = source
        self._sleep = sleep
        self._filter = EventFilter.of(webhook)

    @property
    def key(self) -> SinkKey:
        return self.webhook.sink_key

    def accepts(self, event: Event) -> bool:
        return self._filter.matches(event)

    async def deliver(self, event: Event) -> Delivery:
        body = encode(event, self._source)
        attempts: list[Attempt] = []
        for number in range(1, self._policy.retries + 2):
            if number > 1:
                await self._sleep(self._policy.delay(number - 1))
            try:
                attempt = await self._attempt(event, body, number)
            except UnsafeUrlError as exc:
                attempts.append(Attempt(event.id, number, utc_now(), error=str(exc)))
                break
            attempts.append(attempt)
            if attempt.succeeded:
                return Delivery(delivered=True, attempts=tuple(attempts))
        return Delivery(delivered=False, attempts=tuple(attempts))

    async def _attempt(self, event: Event, body: bytes, number: int) -> Attempt:
        target = await self._guard.target(self.webhook.url)
        headers = {
            "Content-Type": CONTENT_TYPE,
            **signature_headers(self.webhook.secret, event.id, body),
        }
        started = utc_now()
        try:
            response = await self._client.send(
                target.request(self._client, "POST", body, headers), stream=True
            )
        except httpx.HTTPError as exc:
            return Attempt(event.id, number, started, error=describe(exc))
        # The receiver's answer body is of no use to us, but a connection can only be reused
        # once it is read: read a short one (the usual "ok"), drop the connection after a
        # long one rather than read it all.
        try:
            read = 0
            async for chunk in response.aiter_raw():
                read += len(chunk)
                if read > MAX_REPLY_BYTES:
                    break
        except httpx.HTTPError:
            pass  # the status has arrived: that decides the attempt
        finally:
            await response.aclose()
        return Attempt(event.id, number, started, status=response.status_code)

    async def aclose(self) -> None:
        """Nothing of its own: the shared client belongs to whoever made it."""
