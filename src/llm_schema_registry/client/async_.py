"""`AsyncRegistryClient`: the asyncio SDK; the same operations (`ops.py`) as the sync one."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx
from pydantic import BaseModel
from tenacity import AsyncRetrying

from llm_schema_registry.client import ops
from llm_schema_registry.client.cache import DEFAULT_LATEST_TTL, SchemaCache
from llm_schema_registry.client.local import llm_outcome, outcome
from llm_schema_registry.client.models import (
    CacheStats,
    CompatibilityResult,
    ExportResult,
    RegisteredSchema,
    ValidationOutcome,
)
from llm_schema_registry.client.transport import (
    Call,
    ClientOptions,
    decode,
    request_kwargs,
    unreachable,
)
from llm_schema_registry.validation import Validator

Version = str | int


class AsyncRegistryClient:
    """Talks to one registry. Schemas by id are cached for good, a subject's latest version
    for `latest_ttl` seconds; connection errors and 5xx are retried `retries` times with
    exponential backoff and jitter. Auth: `api_key`, `basic_auth=(key_id, secret)` or
    `bearer_token`."""

    def __init__(
        self,
        url: str,
        *,
        api_key: str | None = None,
        basic_auth: tuple[str, str] | None = None,
        bearer_token: str | None = None,
        latest_ttl: float = DEFAULT_LATEST_TTL,
        retries: int = 3,
        backoff: float = 0.2,
        timeout: float = 10.0,
    ) -> None:
        self.options = ClientOptions(
            url, api_key, basic_auth, bearer_token, retries, backoff, timeout=timeout
        )
        self.cache = SchemaCache(latest_ttl)
        self._http = httpx.AsyncClient(**self.options.client_kwargs())
        self._validators: dict[int, Validator] = {}
        self.requests_sent = 0

    # -- plumbing --------------------------------------------------------------------------
    async def _send(self, call: Call) -> Any:
        async for attempt in AsyncRetrying(**self.options.retry_kwargs()):
            with attempt:
                self.requests_sent += 1
                try:
                    response = await self._http.request(
                        call.method, call.path, **request_kwargs(call)
                    )
                except httpx.TransportError as exc:
                    raise unreachable(self.options.url, exc) from exc
                return decode(call, response)
        raise AssertionError("unreachable: tenacity reraises")  # pragma: no cover

    async def _run(self, op: ops.Op) -> Any:
        try:
            call = next(op)
            while True:
                try:
                    reply = await self._send(call)
                except Exception as exc:
                    call = op.throw(exc)
                else:
                    call = op.send(reply)
        except StopIteration as done:
            return done.value

    async def close(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncRegistryClient:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @property
    def cache_stats(self) -> CacheStats:
        return self.cache.stats

    # -- schemas and subjects --------------------------------------------------------------
    async def register(
        self,
        subject: str,
        schema: str | Mapping[str, Any],
        schema_type: str = "AVRO",
        *,
        references: list[dict[str, Any]] | None = None,
        metadata: dict[str, Any] | None = None,
        rule_set: dict[str, Any] | None = None,
        normalize: bool = False,
    ) -> int:
        """Registers (or finds) the schema under `subject`; returns its id."""
        body = ops.schema_body(schema, schema_type, references, metadata, rule_set)
        result: int = await self._run(ops.register(self.cache, subject, body, normalize))
        return result

    async def lookup(
        self,
        subject: str,
        schema: str | Mapping[str, Any],
        schema_type: str = "AVRO",
        *,
        references: list[dict[str, Any]] | None = None,
    ) -> RegisteredSchema:
        """The version of `subject` holding this schema (NotFoundError when none does)."""
        body = ops.schema_body(schema, schema_type, references)
        path = f"/subjects/{ops.segment(subject)}"
        return RegisteredSchema.from_json(await self._run(ops.plain("POST", path, None, body)))

    async def get_schema(self, schema_id: int) -> RegisteredSchema:
        found: RegisteredSchema = await self._run(ops.schema_by_id(self.cache, schema_id))
        return found

    async def get_version(self, subject: str, version: Version = "latest") -> RegisteredSchema:
        found: RegisteredSchema = await self._run(ops.version(self.cache, subject, version))
        return found

    async def get_latest(self, subject: str) -> RegisteredSchema:
        return await self.get_version(subject, "latest")

    async def subjects(self, prefix: str | None = None) -> list[str]:
        params = {"subjectPrefix": prefix} if prefix else None
        return list(await self._run(ops.plain("GET", "/subjects", params)))

    async def versions(self, subject: str) -> list[int]:
        return list(await self._run(ops.plain("GET", f"/subjects/{ops.segment(subject)}/versions")))

    async def check_compatibility(
        self,
        subject: str,
        schema: str | Mapping[str, Any],
        schema_type: str = "AVRO",
        version: Version = "latest",
        *,
        references: list[dict[str, Any]] | None = None,
    ) -> CompatibilityResult:
        body = ops.schema_body(schema, schema_type, references)
        found: CompatibilityResult = await self._run(ops.compatibility(subject, body, version))
        return found

    async def get_config(self, subject: str | None = None) -> dict[str, Any]:
        path = f"/config/{ops.segment(subject)}" if subject else "/config"
        params = {"defaultToGlobal": "true"} if subject else None
        return dict(await self._run(ops.plain("GET", path, params)))

    async def set_config(self, compatibility: str, subject: str | None = None) -> dict[str, Any]:
        path = f"/config/{ops.segment(subject)}" if subject else "/config"
        return dict(await self._run(ops.plain("PUT", path, None, {"compatibility": compatibility})))

    # -- governance ------------------------------------------------------------------------
    async def deprecate(
        self, subject: str, version: Version, reason: str, sunset_date: str
    ) -> dict[str, Any]:
        """`sunset_date`: ISO 8601 date (or RFC 3339 date-time), not in the past."""
        body = {"state": "DEPRECATED", "reason": reason, "sunset_date": sunset_date}
        path = f"/subjects/{ops.segment(subject)}/versions/{ops.segment(version)}"
        self.cache.invalidate(subject)
        return dict(await self._run(ops.plain("PUT", path, None, body)))

    async def rollback(self, subject: str, target_version: int) -> dict[str, Any]:
        path = f"/subjects/{ops.segment(subject)}/rollback"
        self.cache.invalidate(subject)
        return dict(
            await self._run(ops.plain("POST", path, None, {"target_version": target_version}))
        )

    async def diff(self, subject: str, version: Version, against: Version) -> dict[str, Any]:
        path = f"/subjects/{ops.segment(subject)}/versions/{ops.segment(version)}/diff"
        return dict(await self._run(ops.plain("GET", path, {"against": str(against)})))

    async def export(
        self, subject: str, target: str, version: Version = "latest", fix: bool = False
    ) -> ExportResult:
        found: ExportResult = await self._run(ops.export(subject, version, target, fix))
        return found

    async def public_keys(self) -> dict[str, Any] | None:
        """The registry's signing keys (`GET /keys`, security extension), or None."""
        found: dict[str, Any] | None = await self._run(ops.signature_keys())
        return found

    async def signature(self, schema_id: int) -> dict[str, Any] | None:
        """The schema's signature (security extension), or None when it has none."""
        found: dict[str, Any] | None = await self._run(ops.signature(schema_id))
        return found

    # -- validation ------------------------------------------------------------------------
    async def _validator(
        self, subject: str | None, version: Version, schema_id: int | None
    ) -> tuple[Validator, RegisteredSchema]:
        schema: RegisteredSchema = await self._run(
            ops.target_schema(self.cache, subject, version, schema_id)
        )
        validator = self._validators.get(schema.id)
        if validator is None:
            validator = await self._run(ops.compile_validator(self.cache, schema))
            self._validators[schema.id] = validator
        return validator, schema

    async def validate(
        self,
        data: Any,
        *,
        subject: str | None = None,
        version: Version = "latest",
        schema_id: int | None = None,
        message: str | None = None,
    ) -> ValidationOutcome:
        """`data` checked locally with the registry's validators and CEL rules."""
        validator, _ = await self._validator(subject, version, schema_id)
        return outcome(validator.validate(data, message))

    async def validate_remote(
        self,
        records: list[Any],
        *,
        subject: str | None = None,
        version: Version = "latest",
        schema_id: int | None = None,
        message: str | None = None,
    ) -> list[ValidationOutcome]:
        """`records` checked by the registry (`POST /validate`, one batch)."""
        body: dict[str, Any] = {"records": records, "message": message}
        if schema_id is not None:
            body["schema_id"] = schema_id
        else:
            body.update(subject=subject, version=str(version))
        found: list[ValidationOutcome] = await self._run(ops.remote_validate(body))
        return found

    async def validate_llm_output(
        self,
        reply: str,
        *,
        subject: str | None = None,
        version: Version = "latest",
        schema_id: int | None = None,
    ) -> ValidationOutcome:
        """Raw model text: JSON extracted, validated locally, a repair prompt when invalid."""
        validator, schema = await self._validator(subject, version, schema_id)
        return llm_outcome(reply, validator, schema, None)

    # -- Pydantic --------------------------------------------------------------------------
    async def register_model(self, subject: str, model: type[BaseModel], **kwargs: Any) -> int:
        """Registers `model.model_json_schema()` as JSON Schema (compatibility checked)."""
        return await self.register(subject, model.model_json_schema(), "JSON", **kwargs)

    async def load_model(self, subject: str, version: Version = "latest") -> type[BaseModel]:
        """A Pydantic model class built from the registered JSON Schema."""
        model: type[BaseModel] = await self._run(ops.json_model(self.cache, subject, version))
        return model
