"""The RPCs of `llm_schema_registry.v1.SchemaRegistry`: each translates its request for the
registry's services and their answer back, nothing more, like the REST routes they mirror.
Who may call each is declared on it (`@rpc`); errors are answered by the handlers
(`handlers.py`), from the one table of codes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import orjson

from llm_schema_registry.events.cloudevent import rfc3339
from llm_schema_registry.events.errors import EventsDisabledError
from llm_schema_registry.events.feed import EventFeed, reader_filter
from llm_schema_registry.events.filters import EventFilter
from llm_schema_registry.governance.search import SubjectQuery, is_glob
from llm_schema_registry.governance.service import GovernanceService
from llm_schema_registry.grpc_api import convert
from llm_schema_registry.grpc_api.access import READ, VALIDATE, rpc
from llm_schema_registry.llm.check import llm_output_result
from llm_schema_registry.registry.checks import reporting
from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.registry.validation import (
    DataValidation,
    InvalidValidationRequestError,
    ValidationTarget,
)
from llm_schema_registry.rpc.v1 import registry_pb2 as pb
from llm_schema_registry.security.principals import Principal

ALL_CONTEXTS = ":*:"
RESUME_AFTER = "x-resume-after"  # where a watch starts, as the SSE stream's header says
Metadata = tuple[
    tuple[str, str], ...
]  # Confluent's "all contexts" prefix; we serve the default context only


@dataclass(frozen=True)
class RegistryServices:
    """The services REST routes use, the very same instances (so a write through either API
    is read through the other at once, from the same caches)."""

    registry: RegistryService
    validation: DataValidation
    governance: GovernanceService
    events: EventFeed | None  # None when change events are turned off


class SchemaRegistryService:
    """The servicer: one method per RPC of the contract, named as the contract names it."""

    def __init__(self, services: RegistryServices) -> None:
        self.registry = services.registry
        self.validation = services.validation
        self.governance = services.governance
        self.events = services.events
        # Encoded `GetSchemaById` replies: content by id never changes, so entries stay until
        # a permanent delete may have removed ids (`forget_schemas`), like REST's body cache.
        self._by_id: dict[int, bytes] = {}

    def forget_schemas(self) -> None:
        self._by_id.clear()

    @rpc("schema.create", mutation=True)
    async def RegisterSchema(self, request: pb.RegisterSchemaRequest) -> pb.RegisterSchemaResponse:
        registration = convert.registration(request)
        with reporting() as checks:  # registration checks' warnings (registry/checks.py)
            found = await self.registry.register(
                request.subject, registration, normalize=request.normalize
            )
        return convert.registered(found, checks.warnings)

    @rpc(READ, subject=None, by_id=True)
    async def GetSchemaById(self, request: pb.GetSchemaByIdRequest) -> pb.Schema | bytes:
        if request.format:
            schema = await self.registry.schema_by_id(request.id)
            text = await self.registry.render(schema, request.format)
            return convert.schema_message(schema, text)
        encoded = self._by_id.get(request.id)
        if encoded is None:
            schema = await self.registry.schema_by_id(request.id)
            encoded = convert.schema_message(schema).SerializeToString()
            self._by_id[schema.id] = encoded
        return encoded

    @rpc(READ, subject=None)
    async def GetSchemaByGuid(self, request: pb.GetSchemaByGuidRequest) -> pb.Schema:
        schema = await self.registry.schema_by_guid(request.guid)
        text = await self.registry.render(schema, request.format or None)
        return convert.schema_message(schema, text)

    @rpc(READ)
    async def GetVersion(self, request: pb.GetVersionRequest) -> pb.SubjectVersion:
        found = await self.registry.version(
            request.subject,
            convert.version_spec(request),
            deleted=request.deleted,
            archived=request.include_archived,
        )
        text = await self.registry.render(found.schema, request.format or None)
        return convert.version_message(found, text)

    @rpc(READ, listing="subjects", subject=None)
    async def ListSubjects(self, request: pb.ListSubjectsRequest) -> pb.ListSubjectsResponse:
        prefix = "" if request.prefix == ALL_CONTEXTS else request.prefix
        wanted = SubjectQuery(
            request.query or None,
            request.tag or None,
            request.owner or None,
            request.state or None,
            prefix if is_glob(prefix) else None,
        )
        if not wanted.empty:  # governance search (a glob prefix matches the whole name)
            return pb.ListSubjectsResponse(subjects=await self.governance.search(prefix, wanted))
        names = await self.registry.subjects(
            prefix=prefix, deleted=request.deleted, deleted_only=request.deleted_only
        )
        return pb.ListSubjectsResponse(subjects=names)

    @rpc(READ)
    async def ListVersions(self, request: pb.ListVersionsRequest) -> pb.ListVersionsResponse:
        numbers = await self.registry.versions(
            request.subject,
            deleted=request.deleted,
            deleted_only=request.deleted_only,
            archived=request.include_archived,
        )
        return pb.ListVersionsResponse(versions=numbers)

    @rpc(READ)
    async def LookupSchema(self, request: pb.LookupSchemaRequest) -> pb.SubjectVersion:
        found = await self.registry.lookup(
            request.subject,
            convert.schema_request(request),
            normalize=request.normalize,
            deleted=request.deleted,
        )
        return convert.version_message(found)

    @rpc(VALIDATE)
    async def CheckCompatibility(
        self, request: pb.CheckCompatibilityRequest
    ) -> pb.CheckCompatibilityResponse:
        against = request.version if request.HasField("version") else None
        messages = await self.registry.check_compatibility(
            request.subject, against, convert.schema_request(request), normalize=request.normalize
        )
        return pb.CheckCompatibilityResponse(is_compatible=not messages, messages=messages)

    @rpc(VALIDATE, subject="target.subject")
    async def ValidateData(self, request: pb.ValidateDataRequest) -> pb.ValidateDataResponse:
        given = request.WhichOneof("data")
        if given is None:
            raise InvalidValidationRequestError("Give exactly one of record, batch or llm_output")
        target = await self._target(request.target)
        message = request.target.message or None
        if given == "llm_output":
            found = await llm_output_result(
                self.registry, target.schema, request.llm_output, message
            )
            return convert.llm_output_reply(found)
        texts = [request.record] if given == "record" else request.batch.records
        results = await self.validation.validate(target, convert.records(texts), message)
        return pb.ValidateDataResponse(results=[convert.record_result(r) for r in results])

    @rpc(VALIDATE, subject="target.subject")
    async def ValidateDataStream(
        self,
        first: pb.ValidateDataStreamRequest,
        rest: AsyncIterator[pb.ValidateDataStreamRequest],
    ) -> pb.ValidateDataResponse:
        """Validates each message's records as it arrives (the first names the schema)."""
        target = await self._target(first.target)
        message = first.target.message or None
        reply = pb.ValidateDataResponse()
        texts = first.records
        while True:
            records = convert.records(texts, first=len(reply.results))
            results = await self.validation.validate(target, records, message)
            reply.results.extend(convert.record_result(r) for r in results)
            following = await anext(rest, None)
            if following is None:
                return reply
            texts = following.records

    @rpc(READ, subject=None)
    async def WatchEvents(
        self, request: pb.WatchEventsRequest, principal: Principal
    ) -> tuple[Metadata, AsyncIterator[pb.ChangeEvent]]:
        """The initial metadata says where the watch starts (`x-resume-after`), so a client
        whose link drops before the first event resumes from there."""
        if self.events is None:
            raise EventsDisabledError()
        only = reader_filter(request.types, request.subjects, principal.read_scope())
        after = request.after_sequence if request.HasField("after_sequence") else None
        start = await self.events.start(after)
        return ((RESUME_AFTER, str(start)),), self._changes(self.events, only, start)

    @staticmethod
    async def _changes(
        feed: EventFeed, only: EventFilter, after: int
    ) -> AsyncIterator[pb.ChangeEvent]:
        # gRPC keeps the connection alive itself: the feed's heartbeats are not sent on.
        async for event in feed.follow(only, after):
            if event is not None:
                yield pb.ChangeEvent(
                    sequence=event.sequence or 0,
                    id=event.id,
                    type=str(event.type),
                    subject=event.subject,
                    time=rfc3339(event),
                    data=orjson.dumps(event.data).decode(),
                    traceparent=event.traceparent,
                    source=feed.source,
                )

    async def _target(self, target: pb.ValidationTarget) -> ValidationTarget:
        return await self.validation.target(
            target.schema_id if target.HasField("schema_id") else None,
            target.subject or None,
            target.version if target.HasField("version") else None,
        )
