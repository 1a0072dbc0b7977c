"""`RegistryClient`: the synchronous SDK over the registry's REST API."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx
from pydantic import BaseModel
from tenacity import Retrying

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


class RegistryClient:
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
        self._http = httpx.Client(**self.options.client_kwargs())
        self._validators: dict[int, Validator] = {}
        self.requests_sent = 0

    # -- plumbing --------------------------------------------------------------------------
    def _send(self, call: Call) -> Any:
        for attempt in Retrying(**self.options.retry_kwargs()):
            with attempt:
                self.requests_sent += 1
                try:
                    response = self._http.request(call.method, call.path, **request_kwargs(call))
                except httpx.TransportError as exc:
                    raise unreachable(self.options.url, exc) from exc
                return decode(call, response)
        raise AssertionError("unreachable: tenacity reraises")  # pragma: no cover

    def _run(self, op: ops.Op) -> Any:
        try:
            call = next(op)
            while True:
                try:
                    reply = self._send(call)
                except Exception as exc:
                    call = op.throw(exc)
                else:
                    call = op.send(reply)
        except StopIteration as done:
            return done.value

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def cache_stats(self) -> CacheStats:
        return self.cache.stats

    # -- schemas and subjects --------------------------------------------------------------
    def register(
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
        result: int = self._run(ops.register(self.cache, subject, body, normalize))
        return result

    def lookup(
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
        return RegisteredSchema.from_json(self._run(ops.plain("POST", path, None, body)))

    def get_schema(self, schema_id: int) -> RegisteredSchema:
        found: RegisteredSchema = self._run(ops.schema_by_id(self.cache, schema_id))
        return found

    def get_version(self, subject: str, version: Version = "latest") -> RegisteredSchema:
        found: RegisteredSchema = self._run(ops.version(self.cache, subject, version))
        return found

    def get_latest(self, subject: str) -> RegisteredSchema:
        return self.get_version(subject, "latest")

    def subjects(self, prefix: str | None = None) -> list[str]:
        params = {"subjectPrefix": prefix} if prefix else None
        return list(self._run(ops.plain("GET", "/subjects", params)))

    def versions(self, subject: str) -> list[int]:
        return list(self._run(ops.plain("GET", f"/subjects/{ops.segment(subject)}/versions")))

    def check_compatibility(
        self,
        subject: str,
        schema: str | Mapping[str, Any],
        schema_type: str = "AVRO",
        version: Version = "latest",
        *,
        references: list[dict[str, Any]] | None = None,
    ) -> CompatibilityResult:
        body = ops.schema_body(schema, schema_type, references)
        found: CompatibilityResult = self._run(ops.compatibility(subject, body, version))
        return found

    def get_config(self, subject: str | None = None) -> dict[str, Any]:
        path = f"/config/{ops.segment(subject)}" if subject else "/config"
        params = {"defaultToGlobal": "true"} if subject else None
        return dict(self._run(ops.plain("GET", path, params)))

    def set_config(self, compatibility: str, subject: str | None = None) -> dict[str, Any]:
        path = f"/config/{ops.segment(subject)}" if subject else "/config"
        return dict(self._run(ops.plain("PUT", path, None, {"compatibility": compatibility})))

    # -- governance ------------------------------------------------------------------------
    def deprecate(
        self, subject: str, version: Version, reason: str, sunset_date: str
    ) -> dict[str, Any]:
        """`sunset_date`: ISO 8601 date (or RFC 3339 date-time), not in the past."""
        body = {"state": "DEPRECATED", "reason": reason, "sunset_date": sunset_date}
        path = f"/subjects/{ops.segment(subject)}/versions/{ops.segment(version)}"
        self.cache.invalidate(subject)
        return dict(self._run(ops.plain("PUT", path, None, body)))

    def rollback(self, subject: str, target_version: int) -> dict[str, Any]:
        path = f"/subjects/{ops.segment(subject)}/rollback"
        self.cache.invalidate(subject)
        return dict(self._run(ops.plain("POST", path, None, {"target_version": target_version})))

    def diff(self, subject: str, version: Version, against: Version) -> dict[str, Any]:
        path = f"/subjects/{ops.segment(subject)}/versions/{ops.segment(version)}/diff"
        return dict(self._run(ops.plain("GET", path, {"against": str(against)})))

    def export(
        self, subject: str, target: str, version: Version = "latest", fix: bool = False
    ) -> ExportResult:
        found: ExportResult = self._run(ops.export(subject, version, target, fix))
        return found

    def public_keys(self) -> dict[str, Any] | None:
        """The registry's signing keys (`GET /keys`, security extension), or None."""
        found: dict[str, Any] | None = self._run(ops.signature_keys())
        return found

    def signature(self, schema_id: int) -> dict[str, Any] | None:
        """The schema's signature (security extension), or None when it has none."""
        found: dict[str, Any] | None = self._run(ops.signature(schema_id))
        return found

    # -- validation ------------------------------------------------------------------------
    def _validator(
        self, subject: str | None, version: Version, schema_id: int | None
    ) -> tuple[Validator, RegisteredSchema]:
        schema: RegisteredSchema = self._run(
            ops.target_schema(self.cache, subject, version, schema_id)
        )
        validator = self._validators.get(schema.id)
        if validator is None:
            validator = self._run(ops.compile_validator(self.cache, schema))
            self._validators[schema.id] = validator
        return validator, schema

    def validate(
        self,
        data: Any,
        *,
        subject: str | None = None,
        version: Version = "latest",
        schema_id: int | None = None,
        message: str | None = None,
    ) -> ValidationOutcome:
        """`data` checked locally with the registry's validators and CEL rules."""
        validator, _ = self._validator(subject, version, schema_id)
        return outcome(validator.validate(data, message))

    def validate_remote(
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
        found: list[ValidationOutcome] = self._run(ops.remote_validate(body))
        return found

    def validate_llm_output(
        self,
        reply: str,
        *,
        subject: str | None = None,
        version: Version = "latest",
        schema_id: int | None = None,
    ) -> ValidationOutcome:
        """Raw model text: JSON extracted, validated locally, a repair prompt when invalid."""
        validator, schema = self._validator(subject, version, schema_id)
        return llm_outcome(reply, validator, schema, None)

    # -- Pydantic --------------------------------------------------------------------------
    def register_model(self, subject: str, model: type[BaseModel], **kwargs: Any) -> int:
        """Registers `model.model_json_schema()` as JSON Schema (compatibility checked)."""
        return self.register(subject, model.model_json_schema(), "JSON", **kwargs)

    def load_model(self, subject: str, version: Version = "latest") -> type[BaseModel]:
        """A Pydantic model class built from the registered JSON Schema."""
        model: type[BaseModel] = self._run(ops.json_model(self.cache, subject, version))
        return model
