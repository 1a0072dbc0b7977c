"""Lineage: what a schema version references, what references it, and who consumes them.

A graph of subject versions, walked both ways from one version to a depth: `references` edges
run from the referencing version to the referenced one (its stored references, pinned to a
version), and `consumer` edges from a registered consumer to the version it reads. Built only
from the registry's public reads and governance's consumers; nothing is stored.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from llm_schema_registry.governance.metadata import owner_of
from llm_schema_registry.registry.errors import (
    SchemaNotFoundError,
    SubjectNotFoundError,
    VersionNotFoundError,
)
from llm_schema_registry.registry.model import JsonObject, SubjectVersion
from llm_schema_registry.registry.service import RegistryService

MAX_DEPTH = 10
# The consumers of a subject: [{"consumer_id", "version", ...}] (governance's own records).
Consumers = Callable[[str], Awaitable[list[JsonObject]]]


def node_id(subject: str, version: int) -> str:
    """A version's node id: `subject@version` (split on the last `@`)."""
    return f"{subject}@{version}"


def consumer_id(name: str, subject: str) -> str:
    return f"consumer:{name}@{subject}"


@dataclass
class Graph:
    """Nodes by id, in the order found, and edges without repeats."""

    nodes: dict[str, JsonObject] = field(default_factory=dict)
    edges: list[JsonObject] = field(default_factory=list)
    _seen_edges: set[tuple[str, str, str]] = field(default_factory=set)

    def add(self, version: SubjectVersion) -> bool:
        """Adds a version's node; False when it was there already."""
        key = node_id(version.subject, version.version)
        if key in self.nodes:
            return False
        self.nodes[key] = {
            "id": key,
            "kind": "schema",
            "subject": version.subject,
            "version": version.version,
            "schemaType": version.schema.schema_type.value,
            "state": version.state,
            "owner": owner_of(version.schema.metadata),
        }
        return True

    def link(self, source: str, target: str, kind: str) -> None:
        if (source, target, kind) not in self._seen_edges:
            self._seen_edges.add((source, target, kind))
            self.edges.append({"from": source, "to": target, "kind": kind})

    def subjects(self) -> list[str]:
        return list(
            dict.fromkeys(n["subject"] for n in self.nodes.values() if n["kind"] == "schema")
        )

    def as_json(self) -> JsonObject:
        return {"nodes": list(self.nodes.values()), "edges": self.edges}


class Lineage:
    """Builds lineage graphs (see the module docstring)."""

    def __init__(self, registry: RegistryService, consumers: Consumers) -> None:
        self._registry = registry
        self._consumers = consumers

    async def graph(self, subject: str, spec: str | int, depth: int) -> JsonObject:
        """`{root, nodes, edges}` around version `spec` of `subject`, `depth` hops each way."""
        depth = max(0, min(depth, MAX_DEPTH))
        root = await self._registry.version(subject, spec, archived=True)
        graph = Graph()
        graph.add(root)
        await self._walk(graph, root, depth, self._referenced)
        await self._walk(graph, root, depth, self._referencing)
        await self._add_consumers(graph)
        return {"root": node_id(root.subject, root.version), **graph.as_json()}

    async def _walk(
        self,
        graph: Graph,
        root: SubjectVersion,
        depth: int,
        step: Callable[[Graph, SubjectVersion], Awaitable[list[SubjectVersion]]],
    ) -> None:
        queue = deque([(root, 0)])
        while queue:
            version, hops = queue.popleft()
            if hops >= depth:
                continue
            for found in await step(graph, version):
                if graph.add(found):
                    queue.append((found, hops + 1))

    async def _referenced(self, graph: Graph, version: SubjectVersion) -> list[SubjectVersion]:
        """The versions `version` references (edges added)."""
        found = []
        for ref in version.schema.references:
            target = await self._registry.version(
                ref.subject, ref.version, deleted=True, archived=True
            )
            graph.link(
                node_id(version.subject, version.version), node_id(*_key(target)), "references"
            )
            found.append(target)
        return found

    async def _referencing(self, graph: Graph, version: SubjectVersion) -> list[SubjectVersion]:
        """The live versions whose schemas reference `version` (edges added)."""
        found = []
        for holder in await referrers(self._registry, version):
            graph.link(
                node_id(*_key(holder)), node_id(version.subject, version.version), "references"
            )
            found.append(holder)
        return found

    async def _add_consumers(self, graph: Graph) -> None:
        for subject in graph.subjects():
            for consumer in await self._consumers(subject):
                version = await self._registry.version(
                    subject, consumer["version"], deleted=True, archived=True
                )
                graph.add(version)
                key = consumer_id(consumer["consumer_id"], subject)
                graph.nodes.setdefault(
                    key,
                    {
                        "id": key,
                        "kind": "consumer",
                        "subject": subject,
                        "version": version.version,
                        "consumer": consumer["consumer_id"],
                        "schemaType": None,
                        "state": None,
                        "owner": None,
                    },
                )
                graph.link(key, node_id(subject, version.version), "consumer")


async def referrers(registry: RegistryService, version: SubjectVersion) -> list[SubjectVersion]:
    """The live versions whose schemas reference `version`."""
    try:
        ids = await registry.referenced_by(version.subject, version.version)
    except (SubjectNotFoundError, VersionNotFoundError):
        return []  # an archived version: nothing new may reference it
    found = []
    for schema_id in ids:
        try:
            holders = await registry.versions_of_schema(schema_id, subject=version.subject)
        except SchemaNotFoundError:
            continue
        for subject, number in holders:
            found.append(await registry.version(subject, number, archived=True))
    return found


def _key(version: SubjectVersion) -> tuple[str, int]:
    return version.subject, version.version
