"""What the sync and async clients share: requests as data (`Call`), auth headers, decoding
replies into SDK errors, and the retry policy (tenacity: exponential backoff with jitter on
connection errors and 5xx, never on 4xx)."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from tenacity import retry_if_exception_type, stop_after_attempt, wait_random_exponential

from llm_schema_registry.client.errors import RegistryUnavailableError, error_for

V1_JSON = "application/vnd.schemaregistry.v1+json"


@dataclass(frozen=True)
class Call:
    """One HTTP request; `missing_ok`: a 404 answers None instead of raising."""

    method: str
    path: str
    params: dict[str, Any] | None = None
    body: Any = None
    missing_ok: bool = False


@dataclass(frozen=True)
class ClientOptions:
    url: str
    api_key: str | None = None
    basic_auth: tuple[str, str] | None = None
    bearer_token: str | None = None
    retries: int = 3
    backoff: float = 0.2  # seconds; the first retry waits up to this, doubling after
    max_backoff: float = 5.0
    timeout: float = 10.0
    headers: dict[str, str] = field(default_factory=dict)
    # TLS: True (the system's CAs), a CA bundle file, or an `ssl.SSLContext` (e.g. one with a
    # client certificate loaded, for a registry requiring mTLS); False turns checks off.
    verify: ssl.SSLContext | str | bool = True

    def client_kwargs(self) -> dict[str, Any]:
        headers = {"Accept": V1_JSON, **self.headers}
        if self.api_key:
            headers["X-API-Key"] = self.api_key
        if self.bearer_token:
            headers["Authorization"] = f"Bearer {self.bearer_token}"
        auth = httpx.BasicAuth(*self.basic_auth) if self.basic_auth else None
        return {
            "base_url": self.url.rstrip("/"),
            "headers": headers,
            "auth": auth,
            "timeout": self.timeout,
            "verify": (
                ssl.create_default_context(cafile=self.verify)
                if isinstance(self.verify, str)  # httpx wants a context for a CA file
                else self.verify
            ),
        }

    def retry_kwargs(self) -> dict[str, Any]:
        return {
            "stop": stop_after_attempt(self.retries + 1),
            "wait": wait_random_exponential(multiplier=self.backoff, max=self.max_backoff),
            "retry": retry_if_exception_type(RegistryUnavailableError),
            "reraise": True,
        }


def request_kwargs(call: Call) -> dict[str, Any]:
    found: dict[str, Any] = {"params": call.params}
    if call.body is not None:
        found["json"] = call.body
        found["headers"] = {"Content-Type": V1_JSON}
    return found


def decode(call: Call, response: httpx.Response) -> Any:
    """The reply's JSON, or the SDK error it stands for."""
    if response.status_code == 404 and call.missing_ok:
        return None
    try:
        body = response.json() if response.content else None
    except ValueError:
        body = None
    if response.status_code >= 400:
        raise error_for(response.status_code, body)
    return body


@contextmanager
def reaching(url: str) -> Iterator[None]:
    """Connection errors as `RegistryUnavailableError`, which the retry policy retries."""
    try:
        yield
    except httpx.TransportError as exc:
        raise RegistryUnavailableError(f"registry at {url} unreachable: {exc!r}") from exc
