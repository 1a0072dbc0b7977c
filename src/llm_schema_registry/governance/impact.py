"""Transitive impact: what a proposed version of a subject would do to every schema that
references it, directly or through others.

The proposal is checked against its own subject (the registry's compatibility check, and the
field-by-field diff against `latest`). Then every live version that references one of the
subject's versions, transitively, is found (following `referenced_by` version by version, so
a schema pinned to a version that does not lead to the subject is not listed). For each
referencing subject, its newest such version is rebuilt with the proposed text substituted
wherever the subject is referenced in its reference tree, parsed through its format, and
checked under that subject's own compatibility level against its own live versions. Nothing
is stored.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from llm_schema_registry.compatibility import CompatibilityLevel
from llm_schema_registry.formats.base import ResolvedReference
from llm_schema_registry.governance.diff import differences, judged
from llm_schema_registry.governance.lineage import referrers
from llm_schema_registry.registry.config import parse_level
from llm_schema_registry.registry.errors import InvalidSchemaError
from llm_schema_registry.registry.model import (
    JsonObject,
    Reference,
    RegisterRequest,
    SubjectVersion,
)
from llm_schema_registry.registry.schemas import MAX_REFERENCE_DEPTH, SchemaParser
from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.registry.verdicts import checked

Consumers = Callable[[str], Awaitable[list[JsonObject]]]


@dataclass(frozen=True)
class _Proposal:
    subject: str
    request: RegisterRequest
    resolved: tuple[ResolvedReference, ...]  # the proposal's own references

    def substitute(self, ref: Reference) -> ResolvedReference:
        """`ref` (naming the proposed subject) resolved to the proposed text."""
        return ResolvedReference(
            name=ref.name,
            subject=ref.subject,
            version=ref.version,
            schema_type=self.request.schema_type,
            text=self.request.schema,
            references=self.resolved,
        )


class ImpactAnalysis:
    """Answers `POST /subjects/{s}/impact` (see the module docstring)."""

    def __init__(self, registry: RegistryService, consumers: Consumers) -> None:
        self._registry = registry
        self._consumers = consumers

    async def impact(self, subject: str, request: RegisterRequest) -> JsonObject:
        """`{compatible, messages, changes, semver_bump, affected}`."""
        messages = await self._registry.check_compatibility(subject, None, request)
        proposal = _Proposal(subject, request, await self.resolve(request.references, None))
        parsed = SchemaParser.parse_text(request.schema_type, request.schema, proposal.resolved)
        own = await self._registry.subject_versions(subject)
        latest = own.latest() or (own.live[-1] if own.live else None)
        diff: JsonObject = {"changes": [], "semver_bump": "none"}
        if latest is not None and latest.schema.schema_type == request.schema_type:
            old = await self._registry.parsed(latest.schema)
            diff = judged(differences(request.schema_type, old, parsed), await self._level(subject))
        affected = [
            await self._recheck(version, via, proposal)
            for version, via in await self._referencing(own.live)
        ]
        return {"compatible": not messages, "messages": messages, **diff, "affected": affected}

    async def _referencing(
        self, start: list[SubjectVersion]
    ) -> list[tuple[SubjectVersion, list[SubjectVersion]]]:
        """Per referencing subject, its newest version that leads to one of `start`, with
        the path of references from it down to `start` (breadth first: shortest paths)."""
        paths: dict[tuple[str, int], list[SubjectVersion]] = {
            (v.subject, v.version): [v] for v in start
        }
        queue = deque(start)
        while queue:
            version = queue.popleft()
            for holder in await referrers(self._registry, version):
                key = (holder.subject, holder.version)
                if key not in paths:
                    paths[key] = [holder, *paths[(version.subject, version.version)]]
                    queue.append(holder)
        origin = {v.subject for v in start}
        newest: dict[str, tuple[SubjectVersion, list[SubjectVersion]]] = {}
        for (name, number), path in paths.items():
            if name not in origin and (name not in newest or newest[name][0].version < number):
                newest[name] = (path[0], path)
        return list(newest.values())

    async def _recheck(
        self, version: SubjectVersion, via: list[SubjectVersion], proposal: _Proposal
    ) -> JsonObject:
        reasons: list[str] = []
        try:
            resolved = await self.resolve(version.schema.references, proposal)
            rebuilt = SchemaParser.parse_text(
                version.schema.schema_type, version.schema.text, resolved
            )
        except InvalidSchemaError as error:
            reasons.append(f"no longer parses with the proposed version: {error}")
        else:
            reasons = await self._incompatibilities(version.subject, rebuilt, version)
        return {
            "subject": version.subject,
            "version": version.version,
            "via": [{"subject": v.subject, "version": v.version} for v in via],
            "consumers": [
                {"consumer_id": c["consumer_id"], "version": c["version"]}
                for c in await self._consumers(version.subject)
            ],
            "breaking": bool(reasons),
            "reasons": reasons,
        }

    async def _incompatibilities(
        self, subject: str, rebuilt: Any, version: SubjectVersion
    ) -> list[str]:
        """Why `rebuilt` (the version with the proposal inside) may not follow the subject's
        live versions under its own level."""
        live = (await self._registry.subject_versions(subject)).checked
        level = await self._level(subject)
        olds = [await self._registry.parsed(v.schema) for v in live]
        findings = checked(version.schema.schema_type, level, rebuilt, olds)
        return [
            f"{f.incompatibility.message} ({f.direction}: against version "
            f"{live[f.against].version}, {level.value}; at {f.incompatibility.path})"
            for f in findings
        ]

    async def resolve(
        self, references: tuple[Reference, ...], proposal: _Proposal | None, depth: int = 0
    ) -> tuple[ResolvedReference, ...]:
        """`references` with their texts, recursively; any reference to the proposed subject
        (at any depth) resolves to the proposed text instead of its stored version."""
        if depth > MAX_REFERENCE_DEPTH:
            raise InvalidSchemaError(
                f"References nest deeper than {MAX_REFERENCE_DEPTH} levels (a reference cycle?)"
            )
        resolved = []
        for ref in references:
            if proposal is not None and ref.subject == proposal.subject:
                resolved.append(proposal.substitute(ref))
                continue
            target = await self._registry.version(
                ref.subject, ref.version, deleted=True, archived=True
            )
            nested = await self.resolve(target.schema.references, proposal, depth + 1)
            resolved.append(
                ResolvedReference(
                    name=ref.name,
                    subject=ref.subject,
                    version=target.version,
                    schema_type=target.schema.schema_type,
                    text=target.schema.text,
                    references=nested,
                )
            )
        return tuple(resolved)

    async def _level(self, subject: str) -> CompatibilityLevel:
        config = await self._registry.config.get_config(subject, default_to_global=True)
        return parse_level(config["compatibilityLevel"])
