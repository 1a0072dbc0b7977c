"""Every SDK method once, as an operation (`driver.py`): what it sends and how it reads the
replies, no I/O. `RegistryClient` runs these blocking, `AsyncRegistryClient` awaiting, and the
offline `Registry` answers the reads from its bundle, so the three cannot drift apart."""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

import httpx
from pydantic import BaseModel

from llm_schema_registry.client import ops
from llm_schema_registry.client.cache import DEFAULT_LATEST_TTL, SchemaCache
from llm_schema_registry.client.driver import Operation, operation
from llm_schema_registry.client.event_methods import EventMethods
from llm_schema_registry.client.grpc_transport import AsyncGrpcTransport, GrpcTransport, is_grpc
from llm_schema_registry.client.local import llm_outcome, outcome
from llm_schema_registry.client.models import (
    CacheStats,
    CompatibilityResult,
    ExportResult,
    RegisteredSchema,
    RenderedPrompt,
    ValidationOutcome,
)
from llm_schema_registry.client.ops import segment
from llm_schema_registry.client.transport import Call, ClientOptions
from llm_schema_registry.validation import Validator

Version = str | int
H = TypeVar("H", httpx.Client, httpx.AsyncClient)
G = TypeVar("G", GrpcTransport, AsyncGrpcTransport)


class SchemaReads:
    """Reads and local validation: what a registry and an offline bundle both answer.
    Validators are compiled once per schema id."""

    def __init__(self, latest_ttl: float) -> None:
        self.cache = SchemaCache(latest_ttl)
        self._validators: dict[int, Validator] = {}

    @operation
    def get_schema(self, schema_id: int) -> Operation[RegisteredSchema]:
        return ops.schema_by_id(self.cache, schema_id)

    @operation
    def get_version(self, subject: str, version: Version = "latest") -> Operation[RegisteredSchema]:
        return ops.version(self.cache, subject, version)

    @operation
    def validate(
        self,
        data: Any,
        *,
        subject: str | None = None,
        version: Version = "latest",
        schema_id: int | None = None,
        message: str | None = None,
    ) -> Operation[ValidationOutcome]:
        """`data` checked locally with the registry's validators and CEL rules."""
        validator, _ = yield from self._validator(subject, version, schema_id)
        return outcome(validator.validate(data, message))

    @operation
    def validate_llm_output(
        self,
        reply: str,
        *,
        subject: str | None = None,
        version: Version = "latest",
        schema_id: int | None = None,
    ) -> Operation[ValidationOutcome]:
        """Raw model text: JSON extracted, validated locally, a repair prompt when invalid."""
        validator, schema = yield from self._validator(subject, version, schema_id)
        return llm_outcome(reply, validator, schema, None)

    @operation
    def load_model(self, subject: str, version: Version = "latest") -> Operation[type[BaseModel]]:
        """A Pydantic model class built from the registered JSON Schema."""
        return ops.json_model(self.cache, subject, version)

    @operation
    def prompt_variables(
        self, subject: str, version: Version = "latest"
    ) -> Operation[dict[str, Any] | None]:
        """The variables JSON Schema of a prompt template version (None: not a prompt)."""
        return ops.prompt_variables(self.cache, subject, version)

    @operation
    def prompt_output(
        self, subject: str, version: Version = "latest"
    ) -> Operation[tuple[str, int] | None]:
        """The (subject, version) of a prompt template's output schema (None: not a prompt, or
        no output schema)."""
        return ops.prompt_output(self.cache, subject, version)

    def _validator(
        self, subject: str | None, version: Version, schema_id: int | None
    ) -> Operation[tuple[Validator, RegisteredSchema]]:
        schema = yield from ops.target_schema(self.cache, subject, version, schema_id)
        if schema.id not in self._validators:
            self._validators[schema.id] = yield from ops.compile_validator(self.cache, schema)
        return self._validators[schema.id], schema


class RegistryMethods(SchemaReads, EventMethods, Generic[H, G]):
    """Talks to one registry, over REST (`http(s)://`) or gRPC (`grpc(s)://host:port`, the
    methods the gRPC API serves). Schemas by id are cached for good, a subject's latest
    version for `latest_ttl` seconds; connection errors and 5xx are retried `retries` times
    with exponential backoff and jitter. Auth: `api_key`, `basic_auth=(key_id, secret)` or
    `bearer_token`; TLS: `verify` (a CA bundle file, or an `ssl.SSLContext` holding a client
    certificate for mTLS)."""

    _http_class: type[H]  # httpx.Client or httpx.AsyncClient, as the driver needs
    _http: H
    _grpc_class: type[G]  # the gRPC transport of the same kind
    _grpc: G | None  # set for a grpc:// URL: calls go there instead

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
        verify: ssl.SSLContext | str | bool = True,
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """`headers`: sent with every request (a credential passed on as it came, say);
        `transport`: httpx's, e.g. `httpx.ASGITransport(app)` to call an app in-process."""
        super().__init__(latest_ttl)
        self.options = ClientOptions(
            url,
            api_key,
            basic_auth,
            bearer_token,
            retries,
            backoff,
            timeout=timeout,
            verify=verify,
            headers=dict(headers or {}),
        )
        extra: dict[str, Any] = {"transport": transport} if transport is not None else {}
        self._http = self._http_class(**self.options.client_kwargs(), **extra)
        self._grpc = self._grpc_class(self.options) if is_grpc(url) else None
        self.requests_sent = 0

    @property
    def cache_stats(self) -> CacheStats:
        return self.cache.stats

    # -- schemas and subjects --------------------------------------------------------------
    @operation
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
    ) -> Operation[int]:
        """Registers (or finds) the schema under `subject`; returns its id."""
        body = ops.schema_body(schema, schema_type, references, metadata, rule_set)
        return ops.register(self.cache, subject, body, normalize)

    @operation
    def lookup(
        self,
        subject: str,
        schema: str | Mapping[str, Any],
        schema_type: str = "AVRO",
        *,
        references: list[dict[str, Any]] | None = None,
    ) -> Operation[RegisteredSchema]:
        """The version of `subject` holding this schema (NotFoundError when none does)."""
        body = ops.schema_body(schema, schema_type, references)
        reply = yield Call("POST", f"/subjects/{segment(subject)}", None, body)
        return RegisteredSchema.from_json(reply)

    @operation
    def get_latest(self, subject: str) -> Operation[RegisteredSchema]:
        return ops.version(self.cache, subject, "latest")

    @operation
    def subjects(self, prefix: str | None = None) -> Operation[list[str]]:
        reply = yield Call("GET", "/subjects", {"subjectPrefix": prefix} if prefix else None)
        return list(reply)

    @operation
    def search_subjects(
        self,
        query: str | None = None,
        *,
        prefix: str | None = None,
        tag: str | None = None,
        owner: str | None = None,
        state: str | None = None,
    ) -> Operation[list[str]]:
        """Subjects by name or description substring, governance tag, owner or lifecycle
        state of their latest version (`prefix` may be a glob)."""
        wanted = {"query": query, "subjectPrefix": prefix, "tag": tag, "owner": owner}
        params = {k: v for k, v in {**wanted, "state": state}.items() if v is not None}
        reply = yield Call("GET", "/subjects", params or None)
        return list(reply)

    @operation
    def versions(self, subject: str) -> Operation[list[int]]:
        reply = yield Call("GET", f"/subjects/{segment(subject)}/versions")
        return list(reply)

    @operation
    def check_compatibility(
        self,
        subject: str,
        schema: str | Mapping[str, Any],
        schema_type: str = "AVRO",
        version: Version = "latest",
        *,
        references: list[dict[str, Any]] | None = None,
        samples: bool = False,
    ) -> Operation[CompatibilityResult]:
        """`samples`: also replay the subject's stored samples (`result.samples`)."""
        body = ops.schema_body(schema, schema_type, references)
        return ops.compatibility(subject, body, version, samples)

    @operation
    def get_config(self, subject: str | None = None) -> Operation[dict[str, Any]]:
        path = f"/config/{segment(subject)}" if subject else "/config"
        reply = yield Call("GET", path, {"defaultToGlobal": "true"} if subject else None)
        return dict(reply)

    @operation
    def set_config(
        self, compatibility: str, subject: str | None = None
    ) -> Operation[dict[str, Any]]:
        path = f"/config/{segment(subject)}" if subject else "/config"
        reply = yield Call("PUT", path, None, {"compatibility": compatibility})
        return dict(reply)

    # -- governance ------------------------------------------------------------------------
    @operation
    def deprecate(
        self, subject: str, version: Version, reason: str, sunset_date: str
    ) -> Operation[dict[str, Any]]:
        """`sunset_date`: ISO 8601 date (or RFC 3339 date-time), not in the past."""
        body = {"state": "DEPRECATED", "reason": reason, "sunset_date": sunset_date}
        self.cache.invalidate(subject)
        reply = yield Call(
            "PUT", f"/subjects/{segment(subject)}/versions/{segment(version)}", None, body
        )
        return dict(reply)

    @operation
    def rollback(self, subject: str, target_version: int) -> Operation[dict[str, Any]]:
        self.cache.invalidate(subject)
        body = {"target_version": target_version}
        reply = yield Call("POST", f"/subjects/{segment(subject)}/rollback", None, body)
        return dict(reply)

    @operation
    def diff(self, subject: str, version: Version, against: Version) -> Operation[dict[str, Any]]:
        path = f"/subjects/{segment(subject)}/versions/{segment(version)}/diff"
        reply = yield Call("GET", path, {"against": str(against)})
        return dict(reply)

    @operation
    def export(
        self, subject: str, target: str, version: Version = "latest", fix: bool = False
    ) -> Operation[ExportResult]:
        path = f"/subjects/{segment(subject)}/versions/{segment(version)}/export"
        reply = yield Call("GET", path, {"target": target, "fix": str(fix).lower()})
        return ExportResult(reply["payload"], reply["findings"], reply["fixes"])

    @operation
    def render(
        self,
        subject: str,
        version: Version,
        variables: Mapping[str, Any],
        target: str | None = None,
    ) -> Operation[RenderedPrompt]:
        """A prompt template (PROMPT) rendered by the registry with `variables`; `target`
        (openai, gemini, anthropic-tool, ...) returns its output schema as that provider's
        payload. Invalid variables raise InvalidRequestError naming each by JSON path."""
        path = f"/subjects/{segment(subject)}/versions/{segment(version)}/render"
        body: dict[str, Any] = {"variables": dict(variables)}
        if target is not None:
            body["target"] = target
        reply = yield Call("POST", path, None, body)
        return RenderedPrompt.from_json(reply)

    @operation
    def public_keys(self) -> Operation[dict[str, Any] | None]:
        """The registry's signing keys (`GET /keys`, security extension), or None."""
        keys: dict[str, Any] | None = yield Call("GET", "/keys", missing_ok=True)
        return keys

    @operation
    def signature(self, schema_id: int) -> Operation[dict[str, Any] | None]:
        """The schema's signature (security extension), or None when it has none."""
        path = f"/schemas/ids/{schema_id}/signature"
        found: dict[str, Any] | None = yield Call("GET", path, missing_ok=True)
        return found

    # -- validation on the server, Pydantic ------------------------------------------------
    @operation
    def validate_remote(
        self,
        records: list[Any],
        *,
        subject: str | None = None,
        version: Version = "latest",
        schema_id: int | None = None,
        message: str | None = None,
    ) -> Operation[list[ValidationOutcome]]:
        """`records` checked by the registry (`POST /validate`, one batch)."""
        body: dict[str, Any] = {"records": records, "message": message}
        if schema_id is not None:
            body["schema_id"] = schema_id
        else:
            body.update(subject=subject, version=str(version))
        return ops.remote_validate(body)

    @operation
    def check_output(
        self,
        reply: str,
        *,
        subject: str | None = None,
        version: Version = "latest",
        schema_id: int | None = None,
    ) -> Operation[ValidationOutcome]:
        """Raw model text checked by the registry (`POST /validate` with `llm_output`): its
        JSON extracted and validated, a repair prompt when invalid."""
        body: dict[str, Any] = {"llm_output": reply}
        if schema_id is not None:
            body["schema_id"] = schema_id
        else:
            body.update(subject=subject, version=str(version))
        return ops.remote_validate(body)

    # -- samples (replayed against proposed versions: `check_compatibility(samples=True)`) --
    @operation
    def add_samples(self, subject: str, records: list[Any]) -> Operation[list[int]]:
        """Curated samples of `subject` (PII-tagged fields are removed); their ids."""
        path = f"/subjects/{segment(subject)}/samples"
        reply = yield Call("POST", path, None, {"records": records})
        return [int(i) for i in reply["ids"]]

    @operation
    def list_samples(self, subject: str, kind: str = "curated") -> Operation[dict[str, Any]]:
        """`{"samples": [{id, kind, record, created_ms}], "counts": {...}}`; `kind`:
        curated, recent (records kept from /validate) or all."""
        path = f"/subjects/{segment(subject)}/samples"
        reply = yield Call("GET", path, {"kind": kind})
        return dict(reply)

    @operation
    def delete_samples(
        self, subject: str, kind: str = "curated", ids: list[int] | None = None
    ) -> Operation[int]:
        """Delete the samples of `kind` (only `ids`, if given); how many went."""
        params: dict[str, Any] = {"kind": kind, **({"id": ids} if ids else {})}
        reply = yield Call("DELETE", f"/subjects/{segment(subject)}/samples", params)
        return int(reply["deleted"])

    @operation
    def register_model(
        self,
        /,  # so that `**kwargs` cannot name `self`
        subject: str,
        model: type[BaseModel],
        **kwargs: Any,
    ) -> Operation[int]:
        """Registers `model.model_json_schema()` as JSON Schema (compatibility checked)."""
        schema = model.model_json_schema()
        return RegistryMethods.register.build(self, subject, schema, "JSON", **kwargs)
