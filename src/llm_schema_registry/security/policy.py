"""Registration policies, each `warn` or `block` (or `off`): field names that look like PII,
the most properties one record/object may have, the deepest nesting, required metadata.

A pure evaluator over a parsed schema, through the format protocol (`SchemaFormat.fields`),
so it has no parser of its own. `Policies` is a registry `RegistrationCheck`: the registry
runs it on every registration; a blocked one is refused with 42251 listing every violation,
warnings are returned with the registration and audited.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from llm_schema_registry.formats import format_for
from llm_schema_registry.formats.base import FieldInfo, InvalidSchemaError, SchemaFormat, SchemaType
from llm_schema_registry.registry.checks import RegistrationBlockedError, Violation
from llm_schema_registry.registry.model import JsonObject
from llm_schema_registry.settings import Settings

ACTIONS = ("off", "warn", "block")
# Matched against each `_`-separated token run of a field name, lower-cased (userEmail →
# user_email): whole words, so "address" flags `home_address` but not `ip_addressable`.
PII_NAMES = (
    "ssn",
    "social_security",
    "social_security_number",
    "passport",
    "passport_number",
    "credit_card",
    "card_number",
    "cc_number",
    "cvv",
    "email",
    "email_address",
    "phone",
    "phone_number",
    "mobile",
    "address",
    "street_address",
    "home_address",
    "postal_address",
    "dob",
    "date_of_birth",
    "birth_date",
    "birthdate",
    "tax_id",
    "national_id",
    "iban",
    "drivers_license",
)


@dataclass(frozen=True, slots=True)
class Policies:
    """The configured policies; a registry `RegistrationCheck` (`check_registration`)."""

    pii: str = "off"
    max_properties: int | None = None
    max_depth: int | None = None
    limits_action: str = "block"
    required_metadata: tuple[str, ...] = ()
    metadata_action: str = "warn"

    @classmethod
    def from_settings(cls, settings: Settings) -> Policies:
        for name in ("policy_pii", "policy_limits_action", "policy_metadata_action"):
            if getattr(settings, name) not in ACTIONS:
                raise ValueError(f"REGISTRY_{name.upper()}: one of {', '.join(ACTIONS)}")
        return cls(
            pii=settings.policy_pii,
            max_properties=settings.policy_max_properties,
            max_depth=settings.policy_max_depth,
            limits_action=settings.policy_limits_action,
            required_metadata=tuple(
                m.strip() for m in settings.policy_required_metadata.split(",") if m.strip()
            ),
            metadata_action=settings.policy_metadata_action,
        )

    @property
    def active(self) -> bool:
        limits = (self.max_properties or self.max_depth) and self.limits_action != "off"
        metadata = self.required_metadata and self.metadata_action != "off"
        return bool(self.pii != "off" or limits or metadata)

    def check_registration(
        self, subject: str, fmt: SchemaFormat[Any], schema: Any, metadata: JsonObject | None
    ) -> list[Violation]:
        """The warnings for a registration; raises RegistrationBlockedError (listing every
        violation, warnings included) when one of them blocks."""
        found = self.violations(fmt, schema, metadata)
        if blocking(found):
            raise RegistrationBlockedError(found)
        return found

    def violations(
        self, fmt: SchemaFormat[Any], schema: Any, metadata: JsonObject | None
    ) -> list[Violation]:
        """Every violation of a parsed schema and its metadata, warn and block alike."""
        return self._structure(fmt.fields(schema)) + self._metadata(metadata)

    def check(self, body: dict[str, Any]) -> list[Violation]:
        """Every violation in a `POST /subjects/{s}/versions` body, parsed by its format (a
        schema that does not parse offline has no structure to check)."""
        found: list[Violation] = []
        text = body.get("schema")
        kind = str(body.get("schemaType") or "AVRO").upper()  # Confluent's default type
        if isinstance(text, str) and kind in SchemaType.__members__:
            fmt = format_for(SchemaType(kind))
            with suppress(InvalidSchemaError):  # the registry refuses it as invalid anyway
                found += self._structure(fmt.fields(fmt.parse(text)))
        return found + self._metadata(body.get("metadata"))

    def _structure(self, fields: Iterable[FieldInfo]) -> list[Violation]:
        found: list[Violation] = []
        limits = self.limits_action != "off"
        widths: Counter[str] = Counter()
        for field in fields:
            widths[field.parent] += 1
            if self.pii != "off" and _looks_like_pii(field.name):
                found.append(
                    Violation("pii", self.pii, field.path, f"'{field.name}' looks like PII")
                )
            if limits and self.max_depth is not None and field.depth > self.max_depth:
                found.append(
                    Violation(
                        "max_depth",
                        self.limits_action,
                        field.path,
                        f"nested {field.depth} deep (limit {self.max_depth})",
                    )
                )
        if limits and self.max_properties is not None:
            found += [
                Violation(
                    "max_properties",
                    self.limits_action,
                    parent or "$",
                    f"{width} properties (limit {self.max_properties})",
                )
                for parent, width in widths.items()
                if width > self.max_properties
            ]
        return found

    def _metadata(self, metadata: Any) -> list[Violation]:
        if not self.required_metadata or self.metadata_action == "off":
            return []
        properties = metadata.get("properties") if isinstance(metadata, dict) else None
        given = properties if isinstance(properties, dict) else {}
        return [
            Violation(
                "required_metadata",
                self.metadata_action,
                f"metadata.properties.{name}",
                f"metadata property '{name}' is required",
            )
            for name in self.required_metadata
            if not str(given.get(name) or "").strip()
        ]


def blocking(violations: list[Violation]) -> bool:
    return any(v.action == "block" for v in violations)


def _looks_like_pii(name: str) -> bool:
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
    tokens = [t for t in re.split(r"[^a-z0-9]+", snake) if t]
    joined = "_".join(tokens)
    return any(
        joined == pii
        or joined.startswith(pii + "_")
        or joined.endswith("_" + pii)
        or f"_{pii}_" in joined
        for pii in PII_NAMES
    )
