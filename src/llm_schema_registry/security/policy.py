"""Registration policies, each `warn` or `block` (or `off`): field names that look like PII,
the most properties one record/object may have, the deepest nesting, required metadata.

Pure functions over the registration body (JSON Schema and Avro walked as JSON; Protobuf
read as text: field names and message nesting). A blocked registration is answered with
42251 listing every violation; warnings are returned with the registration and audited.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from llm_schema_registry.settings import Settings

BLOCK_CODE = 42251
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
class Violation:
    policy: str  # pii | max_properties | max_depth | required_metadata
    action: str  # warn | block
    path: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {
            "policy": self.policy,
            "action": self.action,
            "path": self.path,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Policies:
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

    def check(self, body: dict[str, Any]) -> list[Violation]:
        """Every violation in a `POST /subjects/{s}/versions` body."""
        found: list[Violation] = []
        text = body.get("schema")
        if isinstance(text, str):
            kind = str(body.get("schemaType") or "AVRO").upper()
            found += self._structure(_shape(text, kind))
        found += self._metadata(body.get("metadata"))
        return found

    def _structure(self, shape: list[tuple[str, int, int]]) -> list[Violation]:
        found: list[Violation] = []
        for path, depth, width in shape:
            name = path.rsplit(".", 1)[-1]
            if self.pii != "off" and _looks_like_pii(name):
                found.append(Violation("pii", self.pii, path, f"'{name}' looks like PII"))
            if self.limits_action == "off":
                continue
            if self.max_depth is not None and depth > self.max_depth:
                found.append(
                    Violation(
                        "max_depth",
                        self.limits_action,
                        path,
                        f"nested {depth} deep (limit {self.max_depth})",
                    )
                )
            if self.max_properties is not None and width > self.max_properties:
                found.append(
                    Violation(
                        "max_properties",
                        self.limits_action,
                        path or "$",
                        f"{width} properties (limit {self.max_properties})",
                    )
                )
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


def _shape(text: str, kind: str) -> list[tuple[str, int, int]]:
    """(path, depth, width) per field, plus one entry per record/object with its width
    under the record's own path; depth 1 = top-level fields."""
    if kind == "PROTOBUF":
        return list(_protobuf(text))
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        return []  # the registry refuses it as invalid anyway
    if kind == "JSON":
        return list(_json_schema(parsed, "", 0))
    return list(_avro(parsed, "", 0))


def _avro(node: Any, path: str, depth: int) -> Iterator[tuple[str, int, int]]:
    if isinstance(node, list):
        for branch in node:
            yield from _avro(branch, path, depth)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    if kind == "record" and isinstance(node.get("fields"), list):
        fields = node["fields"]
        yield path, depth, len(fields)
        for field in fields:
            if isinstance(field, dict) and isinstance(field.get("name"), str):
                child = f"{path}.{field['name']}" if path else field["name"]
                yield child, depth + 1, 0
                yield from _avro(field.get("type"), child, depth + 1)
    elif kind == "array":
        yield from _avro(node.get("items"), path, depth)
    elif kind == "map":
        yield from _avro(node.get("values"), path, depth)
    elif isinstance(kind, (dict, list)):
        yield from _avro(kind, path, depth)


def _json_schema(node: Any, path: str, depth: int) -> Iterator[tuple[str, int, int]]:
    if isinstance(node, list):
        for item in node:
            yield from _json_schema(item, path, depth)
        return
    if not isinstance(node, dict):
        return
    properties = node.get("properties")
    if isinstance(properties, dict):
        yield path, depth, len(properties)
        for name, sub in properties.items():
            child = f"{path}.{name}" if path else name
            yield child, depth + 1, 0
            yield from _json_schema(sub, child, depth + 1)
    for key in ("items", "additionalProperties", "allOf", "anyOf", "oneOf"):
        if key in node:
            yield from _json_schema(node[key], path, depth)
    for group in ("$defs", "definitions"):
        for name, sub in (node.get(group) or {}).items():
            yield from _json_schema(sub, f"{group}.{name}", 0)


_PROTO_FIELD = re.compile(
    r"^\s*(?:repeated\s+|optional\s+|required\s+)?(?:map<[^>]+>|[\w.]+)\s+(\w+)\s*=\s*\d+"
)
_PROTO_MESSAGE = re.compile(r"^\s*message\s+(\w+)\s*\{")


def _protobuf(text: str) -> Iterator[tuple[str, int, int]]:
    stack: list[tuple[str, int]] = []  # (message path, field count)
    for line in text.splitlines():
        if (message := _PROTO_MESSAGE.match(line)) is not None:
            parent = stack[-1][0] if stack else ""
            stack.append((f"{parent}.{message[1]}" if parent else message[1], 0))
        elif (field := _PROTO_FIELD.match(line)) is not None and stack:
            path, count = stack[-1]
            stack[-1] = (path, count + 1)
            yield f"{path}.{field[1]}", len(stack), 0
        if line.strip().endswith("}") and stack and not line.strip().startswith("message"):
            path, count = stack.pop()
            yield path, len(stack), count
