"""Any Confluent-compatible registry over its REST API: the source of an import, and the
target (this registry) read the same way.

Only Confluent's endpoints are used, so Confluent, Karapace, Redpanda, Apicurio's ccompat API
and this registry all serve as sources. Requests go through the SDK's transport (auth
headers, error decoding, retries with backoff on connection errors and 5xx), a few at a time.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx
from tenacity import AsyncRetrying

from llm_schema_registry.cli.migration.model import (
    DEFAULT_CONTEXT,
    JsonObject,
    Schema,
    Silent,
    Snapshot,
    Tracker,
    Version,
)
from llm_schema_registry.client.errors import RegistryUnavailableError, SchemaRegistryError
from llm_schema_registry.client.transport import (
    Call,
    ClientOptions,
    decode,
    reaching,
    request_kwargs,
)
from llm_schema_registry.registry.contexts import context_of

CONCURRENCY = 8  # requests in flight against one registry


def subject_path(subject: str) -> str:
    return quote(subject, safe="")


class RestRegistry:
    """A registry reached over HTTP; `writes` counts the mutating requests sent."""

    def __init__(
        self, options: ClientOptions, concurrency: int = CONCURRENCY, context: str = "."
    ) -> None:
        self.options = options
        self.url = options.url
        self.context = context  # only this context's subjects are read (see `in_context`)
        self.writes = 0
        self._http = httpx.AsyncClient(**options.client_kwargs())
        self._slots = asyncio.Semaphore(concurrency)

    async def __aenter__(self) -> RestRegistry:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self._http.aclose()

    async def call(self, call: Call) -> Any:
        """The reply's JSON (None for a 404 when `call.missing_ok`), or the SDK's error."""
        if call.method != "GET":
            self.writes += 1
        async with self._slots:
            return await AsyncRetrying(**self.options.retry_kwargs())(self._send, call)

    async def _send(self, call: Call) -> Any:
        with reaching(self.url):
            response = await self._http.request(call.method, call.path, **request_kwargs(call))
        return decode(call, response)

    async def get(self, path: str, **params: Any) -> Any:
        return await self.call(Call("GET", path, params=params or None, missing_ok=True))

    # ---- reading everything ------------------------------------------------------------

    async def snapshot(
        self,
        *,
        pattern: str | None = None,
        ids: bool = False,
        extra_ids: set[int] | None = None,
        tracker: Tracker | None = None,
    ) -> Snapshot:
        """Subjects (soft-deleted ones too) matching `pattern` and the subjects they reference,
        every version, configs and modes; with `ids`, `GET /schemas/ids/{id}` for every id
        they show plus `extra_ids` (ids this registry does not know are left out)."""
        tracker = tracker or Silent()
        found = Snapshot()
        listed = [str(s) for s in await self.get("/subjects", deleted="true") or []]
        listed = [s for s in listed if context_of(s) == self.context]
        wanted = set(listed) if pattern is None else set(Snapshot.matching(listed, pattern))
        tracker.stage(f"reading {self.url}", len(wanted))
        done: set[str] = set()
        while pending := sorted(wanted - done):
            await asyncio.gather(*(self._read_subject(found, s, tracker) for s in pending))
            done |= set(pending)
            wanted |= {r.subject for v in found.every_version() for r in v.schema.references}
        found.configs[None] = await self.get("/config") or {}
        found.modes[None] = str((await self.get("/mode") or {}).get("mode") or "READWRITE")
        if ids or extra_ids:
            wanted_ids = (found.schema_ids() if ids else set()) | (extra_ids or set())
            await self._read_ids(found, wanted_ids, tracker)
        return found

    async def contexts(self) -> list[str]:
        """The registry's contexts, the default one first (registries without contexts,
        which answer 404, have only that one)."""
        try:
            found = await self.get("/contexts") or []
        except RegistryUnavailableError:
            raise
        except SchemaRegistryError:  # e.g. a key that may not list them: the default only
            found = []
        named = sorted({str(c) for c in found if isinstance(c, str) and c != DEFAULT_CONTEXT})
        return [DEFAULT_CONTEXT, *named]

    async def _read_subject(self, into: Snapshot, subject: str, tracker: Tracker) -> None:
        path = f"/subjects/{subject_path(subject)}"
        every = await self.get(f"{path}/versions", deleted="true") or []
        live = set(await self.get(f"{path}/versions") or [])
        bodies = await asyncio.gather(
            *(self.get(f"{path}/versions/{n}", deleted="true") for n in every)
        )
        for number, body in zip(every, bodies, strict=True):
            if body is None:  # erased while we read
                continue
            into.add(
                Version(
                    subject=subject,
                    version=int(number),
                    id=int(body["id"]),
                    schema=Schema.from_json(body),
                    deleted=number not in live,
                )
            )
        config = await self.get(f"/config/{subject_path(subject)}")
        if config is not None:
            into.configs[subject] = without_subject(config)
        mode = await self.get(f"/mode/{subject_path(subject)}")
        if mode is not None and mode.get("mode"):
            into.modes[subject] = str(mode["mode"])
        tracker.step()

    async def _read_ids(self, into: Snapshot, wanted: set[int], tracker: Tracker) -> None:
        tracker.stage(f"reading ids at {self.url}", len(wanted))
        ordered = sorted(wanted)

        async def one(schema_id: int) -> JsonObject | None:
            body: JsonObject | None = await self.get(f"/schemas/ids/{schema_id}")
            tracker.step()
            return body

        for schema_id, body in zip(
            ordered, await asyncio.gather(*(one(i) for i in ordered)), strict=True
        ):
            if body is not None:
                into.ids[schema_id] = Schema.from_json(body)


def in_context(options: ClientOptions, context: str) -> ClientOptions:
    """The same registry under Confluent's `/contexts/{context}` URL prefix: its subjects,
    ids, config and mode are the context's (the default context: the URL as it is)."""
    if context == DEFAULT_CONTEXT:
        return options
    return replace(options, url=f"{options.url.rstrip('/')}/contexts/{quote(context, safe='.')}")


def without_subject(config: JsonObject) -> JsonObject:
    """A config body without the scope some registries echo in it."""
    return {k: v for k, v in config.items() if k != "subject" and v is not None}


def options_for(url: str, auth: str | None) -> ClientOptions:
    """`--from-auth`: `user:secret` (HTTP Basic, as Confluent Cloud's API keys), `bearer:TOKEN`
    or `apikey:KEY` (this registry's X-API-Key)."""
    if auth is None:
        return ClientOptions(url=url, retries=4, backoff=0.2, timeout=30.0)
    kind, _, rest = auth.partition(":")
    if kind.lower() == "bearer":
        return ClientOptions(url=url, bearer_token=rest, retries=4, timeout=30.0)
    if kind.lower() == "apikey":
        return ClientOptions(url=url, api_key=rest, retries=4, timeout=30.0)
    return ClientOptions(url=url, basic_auth=(kind, rest), retries=4, timeout=30.0)
