"""The samples service: keeps validated records, curates uploaded ones, replays both.

Keeping happens on the request path of `/validate`, so it must cost next to nothing: records
of a subject whose config asks for `sampleRecords` are redacted and queued in memory, and a
background task writes the queue every `flush_seconds` (one insert and one trim per subject);
reads and replays on this node flush first, so what a node validated it also replays. Another
node's queue is up to one interval behind, as with usage counts. A failed flush keeps nothing
(samples are a best-effort window, never worth failing a validation for).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Sequence
from typing import Any

from llm_schema_registry.formats import format_for
from llm_schema_registry.formats.base import SchemaFormat
from llm_schema_registry.registry.errors import RegistryError
from llm_schema_registry.registry.flushing import PeriodicFlush
from llm_schema_registry.registry.model import JsonObject, RegisterRequest, StoredSchema
from llm_schema_registry.registry.samples import (
    SAMPLE_RECORDS_KEY,
    SAMPLES_GATE_KEY,
    InvalidSamplesRequestError,
    Sample,
    SampleKind,
    SampleReport,
    SamplesRejectedError,
    SampleStore,
    pii_patterns,
    redact,
    replay,
)
from llm_schema_registry.registry.service import RegistryService

MAX_UPLOAD = 10_000  # curated records in one upload
BOTH = (SampleKind.RECENT, SampleKind.CURATED)


def sample_limit(config: JsonObject) -> int:
    """The reservoir size a config asks for (0: keep none)."""
    value = config.get(SAMPLE_RECORDS_KEY)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


class _Queue:
    """Records waiting to be stored for one subject: at most `limit`, the newest."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.records: deque[Any] = deque(maxlen=limit)


class SampleService(PeriodicFlush):
    """Recent and curated samples of each subject, and their replay (see the module doc).

    It is also the registry's `RegistrationGate`: under `samplesGate` a registration whose
    schema rejects any curated sample is refused with `SamplesRejectedError`."""

    _what = "samples"

    def __init__(
        self, registry: RegistryService, store: SampleStore, flush_seconds: float = 10.0
    ) -> None:
        super().__init__(flush_seconds)
        self._registry = registry
        self._store = store
        self._queues: dict[str, _Queue] = {}

    # ---- keeping (the /validate path) ----------------------------------------------------

    async def keep(self, subject: str, schema: StoredSchema, records: Sequence[Any]) -> None:
        """Queue `records` (which passed validation against `schema`) if `subject` keeps
        samples, with their PII-tagged fields removed."""
        if not subject or not records:
            return
        try:
            config = await self._registry.config.get_config(subject, default_to_global=True)
        except RegistryError:  # storage down and the config not cached: keep nothing
            return
        limit = sample_limit(config)
        if not limit:
            return
        queue = self._queues.get(subject)
        if queue is None or queue.limit != limit:
            queue = self._queues[subject] = _Queue(limit)
        patterns = pii_patterns(schema.metadata)
        queue.records.extend(redact(record, patterns) for record in records[-limit:])

    async def flush(self) -> int:
        """Store every queue; returns how many records."""
        queues, self._queues = self._queues, {}
        now = int(time.time() * 1000)
        written = 0
        for subject, queue in sorted(queues.items()):
            records = list(queue.records)
            await self._store.add_samples(subject, SampleKind.RECENT, records, now, queue.limit)
            written += len(records)
        return written

    # ---- the curated set -------------------------------------------------------------------

    async def add_curated(self, subject: str, records: Any) -> list[int]:
        """Store uploaded records (PII-tagged fields of the latest version removed)."""
        if not isinstance(records, list) or not records:
            raise InvalidSamplesRequestError("Give records: a non-empty list of records")
        if len(records) > MAX_UPLOAD:
            raise InvalidSamplesRequestError(f"At most {MAX_UPLOAD} records per upload")
        latest = await self._registry.version(subject, "latest")
        patterns = pii_patterns(latest.schema.metadata)
        kept = [redact(record, patterns) for record in records]
        return await self._store.add_samples(
            subject, SampleKind.CURATED, kept, int(time.time() * 1000), 0
        )

    async def listing(self, subject: str, kinds: Sequence[SampleKind]) -> JsonObject:
        """The samples of `kinds`, and how many of each kind are stored."""
        await self.flush()
        found = await self._store.samples(subject, kinds)
        counts = await self._store.count_samples(subject)
        return {
            "samples": [sample.as_json() for sample in found],
            "counts": {kind.value: counts.get(kind, 0) for kind in SampleKind},
        }

    async def delete(self, subject: str, kind: SampleKind, ids: Sequence[int] | None = None) -> int:
        """Delete the samples of `kind` (only those `ids` names, if given); how many went."""
        await self.flush()
        return await self._store.delete_samples(subject, kind, ids)

    # ---- replay ----------------------------------------------------------------------------

    async def replay(
        self, subject: str, request: RegisterRequest, kinds: Sequence[SampleKind] = BOTH
    ) -> SampleReport:
        """Every stored sample of `kinds` checked against the proposed schema."""
        parsed = await self._registry.parse_request(request)
        return await self.replay_parsed(subject, format_for(request.schema_type), parsed, kinds)

    async def replay_parsed(
        self, subject: str, fmt: SchemaFormat[Any], parsed: Any, kinds: Sequence[SampleKind]
    ) -> SampleReport:
        if SampleKind.RECENT in kinds:
            # (not for the gate's curated set: it runs inside a registration's write
            # transaction, and on SQLite a write from another connection would wait for it)
            await self.flush()
        samples: list[Sample] = await self._store.samples(subject, kinds)
        return replay(fmt.validator(parsed), samples)

    async def check_gate(
        self, subject: str, config: JsonObject, fmt: SchemaFormat[Any], schema: Any
    ) -> None:
        """`RegistrationGate`: under `samplesGate`, no curated sample may be rejected."""
        if config.get(SAMPLES_GATE_KEY) is not True:
            return
        report = await self.replay_parsed(subject, fmt, schema, (SampleKind.CURATED,))
        if report.rejected:
            raise SamplesRejectedError(subject, report)
