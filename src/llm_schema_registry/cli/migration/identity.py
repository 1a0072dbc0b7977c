"""When two schemas are the same one: as this registry decides it, so the importer can tell
beforehand which id a registration would get.

This registry keeps one id per distinct content: the format's identity form (insensitive to
whitespace and JSON key order, sensitive to what a reader sees), the schema type, the
references, the metadata and the ruleSet. Another registry's text may be spelled differently
(this one stores the canonical form), so texts are compared through that identity form,
parsed with the referenced schemas taken from the same side.
"""

from __future__ import annotations

from llm_schema_registry.cli.migration.model import Ref, Schema, Snapshot, canonical_json
from llm_schema_registry.formats import format_for
from llm_schema_registry.formats.base import InvalidSchemaError, ResolvedReference, SchemaType

ContentKey = tuple[str, str, str, str, str]
MAX_DEPTH = 32


class UnreadableSchemaError(Exception):
    """A schema this registry cannot parse, or whose references lead nowhere."""


class Identities:
    """Content keys of one side's schemas, each computed once."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._forms: dict[tuple[str, str, tuple[Ref, ...]], str] = {}

    def key(self, schema: Schema) -> ContentKey:
        """What decides "same schema" here (UnreadableSchemaError if it does not parse)."""
        return (
            schema.schema_type,
            self.identity(schema),
            canonical_json([ref.as_json() for ref in schema.references]),
            canonical_json(schema.metadata),
            canonical_json(schema.rule_set),
        )

    def identity(self, schema: Schema) -> str:
        memo = (schema.schema_type, schema.text, schema.references)
        if (found := self._forms.get(memo)) is None:
            fmt = format_for(_schema_type(schema.schema_type))
            try:
                parsed = fmt.parse(schema.text, self._resolve(schema.references, 0))
            except (InvalidSchemaError, RecursionError) as exc:
                raise UnreadableSchemaError(f"invalid {schema.schema_type} schema: {exc}") from exc
            found = self._forms[memo] = fmt.identity(parsed)
        return found

    def same(self, one: Schema, other: Schema, other_side: Identities) -> bool:
        """Whether `other` (read from `other_side`) is `one`'s content."""
        if one == other:
            return True
        try:
            return self.key(one) == other_side.key(other)
        except UnreadableSchemaError:
            return False

    def _resolve(self, refs: tuple[Ref, ...], depth: int) -> tuple[ResolvedReference, ...]:
        if depth > MAX_DEPTH:
            raise UnreadableSchemaError("references nest too deeply (a cycle?)")
        resolved = []
        for ref in refs:
            target = self._target(ref)
            resolved.append(
                ResolvedReference(
                    name=ref.name,
                    subject=ref.subject,
                    version=ref.version,
                    schema_type=_schema_type(target.schema_type),
                    text=target.text,
                    references=self._resolve(target.references, depth + 1),
                )
            )
        return tuple(resolved)

    def _target(self, ref: Ref) -> Schema:
        versions = self._snapshot.versions.get(ref.subject, {})
        if ref.version == -1:
            live = [v for n, v in sorted(versions.items()) if not v.deleted]
            found = live[-1] if live else None
        else:
            found = versions.get(ref.version)
        if found is None:
            raise UnreadableSchemaError(
                f"reference '{ref.name}' names {ref.subject} v{ref.version}, which is not there"
            )
        return found.schema


def _schema_type(name: str) -> SchemaType:
    try:
        return SchemaType(name.upper())
    except ValueError:
        raise UnreadableSchemaError(f"unknown schemaType '{name}'") from None
