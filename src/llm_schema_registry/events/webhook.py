"""The webhook sink: a signed CloudEvent POSTed to a receiver, retried with backoff."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType

import aiohttp

from llm_schema_registry import __version__
from llm_schema_registry.events.cloudevent import CONTENT_TYPE, DEFAULT_SOURCE, encode
from llm_schema_registry.events.filters import EventFilter
from llm_schema_registry.events.model import Attempt, Event, SinkKey, Webhook, utc_now
from llm_schema_registry.events.sink import Delivery, describe
from llm_schema_registry.events.ssrf import Target, UnsafeUrlError, UrlGuard
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


def failure(exc: BaseException) -> str:
    """An attempt's error for the delivery history, named by what went wrong (connect,
    connect timeout, read timeout) rather than by the client library's exception class."""
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        kind = "ConnectTimeout"
    elif isinstance(exc, aiohttp.ServerTimeoutError | TimeoutError):
        kind = "ReadTimeout"
    elif isinstance(exc, aiohttp.ClientConnectorError):
        kind = "ConnectError"
    else:
        return describe(exc)
    text = str(exc)
    return f"{kind}: {text}" if text else kind


class WebhookClient:
    """The HTTP client webhook sinks share: kept-alive connections, no redirects (a 3xx is a
    failed attempt, and following it would skip the SSRF guard), no proxies or cookies from
    the environment, `timeout` for connecting and for each read.

    aiohttp rather than httpx: per POST it costs a fraction of httpx's CPU, and the relay
    makes one POST per event per webhook. The session is opened on first use, inside the
    event loop that uses it.
    """

    def __init__(self, timeout: float = 10.0) -> None:
        self._timeout = aiohttp.ClientTimeout(total=None, sock_connect=timeout, sock_read=timeout)
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=self._timeout,
                trust_env=False,
                headers={"User-Agent": USER_AGENT},
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
            )
        return self._session

    async def post(self, target: Target, body: bytes, headers: dict[str, str]) -> int:
        """POST `body` to the pinned target; its HTTP status. Raises `aiohttp.ClientError` or
        `TimeoutError` when no status arrived."""
        async with self._open().post(
            target.url,
            data=body,
            headers=target.headers(headers),
            allow_redirects=False,
            server_hostname=target.sni_hostname,
        ) as response:
            # The receiver's answer body is of no use to us, but a connection can only be
            # reused once it is read: read a short one (the usual "ok"), drop the connection
            # after a long one rather than read it all.
            try:
                read = 0
                async for chunk in response.content.iter_any():
                    read += len(chunk)
                    if read > MAX_REPLY_BYTES:
                        response.close()
                        break
            except (aiohttp.ClientError, TimeoutError):
                response.close()  # the status has arrived: that decides the attempt
            return response.status

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> WebhookClient:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


def webhook_client(timeout: float = 10.0) -> WebhookClient:
    """The client every webhook sink of a node shares (see `WebhookClient`)."""
    return WebhookClient(timeout)


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
        client: WebhookClient,
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
            status = await self._client.post(target, body, headers)
        except (aiohttp.ClientError, TimeoutError) as exc:
            return Attempt(event.id, number, started, error=failure(exc))
        return Attempt(event.id, number, started, status=status)

    async def aclose(self) -> None:
        """Nothing of its own: the shared client belongs to whoever made it."""
