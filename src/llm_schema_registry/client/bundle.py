"""Offline bundles: selected subjects/versions (and what they reference, and signatures when
the registry has them) in one JSON file; `Registry.from_bundle(path)` validates without a
network, with the clients' own read methods (`methods.py`) answered from the file."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from llm_schema_registry.client.driver import Blocking
from llm_schema_registry.client.errors import BundleError, NotFoundError
from llm_schema_registry.client.methods import SchemaReads
from llm_schema_registry.client.models import RegisteredSchema
from llm_schema_registry.client.sync import RegistryClient
from llm_schema_registry.client.transport import Call

BUNDLE_FORMAT = "llm-schema-bundle/1"
_VERSION_PATH = re.compile(r"^/subjects/([^/]+)/versions/([^/]+)$")
_ID_PATH = re.compile(r"^/schemas/ids/(\d+)$")


def parse_selection(selection: str) -> tuple[str, str]:
    """`subject` (latest), `subject:3` or `subject:all`."""
    subject, _, version = selection.rpartition(":")
    if not subject or not (version.isdigit() or version in ("latest", "all")):
        return selection, "latest"
    return subject, version


def export_bundle(
    client: RegistryClient, selections: list[str], path: Path | str
) -> dict[str, Any]:
    """Writes the selected versions (plus their references) to `path`; returns the bundle."""
    entries: dict[tuple[str, int], RegisteredSchema] = {}
    latest: dict[str, int] = {}
    for selection in selections:
        subject, version = parse_selection(selection)
        numbers: list[str | int] = list(client.versions(subject)) if version == "all" else [version]
        for number in numbers:
            found = client.get_version(subject, number)
            _add(client, found, entries)
        latest[subject] = int(client.get_latest(subject).version or 0)
    schemas = []
    signatures: dict[int, dict[str, Any] | None] = {}
    for schema in entries.values():
        body = schema.as_json()
        if schema.id not in signatures:
            signatures[schema.id] = client.signature(schema.id)
        if signatures[schema.id] is not None:
            body["signature"] = signatures[schema.id]
        schemas.append(body)
    bundle: dict[str, Any] = {
        "format": BUNDLE_FORMAT,
        "registry": client.options.url,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "latest": latest,
        "schemas": schemas,
    }
    if any(found is not None for found in signatures.values()):
        bundle["keys"] = client.public_keys()  # what verifying the signatures offline needs
    Path(path).write_text(json.dumps(bundle, indent=2), encoding="utf-8")
    return bundle


def _add(
    client: RegistryClient,
    schema: RegisteredSchema,
    entries: dict[tuple[str, int], RegisteredSchema],
) -> None:
    key = (str(schema.subject), int(schema.version or 0))
    if key in entries:
        return
    entries[key] = schema
    for ref in schema.references:
        _add(client, client.get_version(ref.subject, ref.version), entries)


class Registry(SchemaReads, Blocking):
    """A registry read from a bundle file: the SDK's reads and validation (`SchemaReads`),
    answered from the file, no network."""

    def __init__(self, bundle: dict[str, Any]) -> None:
        if bundle.get("format") != BUNDLE_FORMAT:
            raise BundleError(f"not an {BUNDLE_FORMAT} bundle")
        super().__init__(latest_ttl=0)
        self.bundle = bundle
        self._versions: dict[tuple[str, int], RegisteredSchema] = {}
        self._ids: dict[int, RegisteredSchema] = {}
        self._signatures: dict[int, dict[str, Any]] = {}
        for body in bundle.get("schemas") or []:
            schema = RegisteredSchema.from_json(body)
            self._versions[(str(schema.subject), int(schema.version or 0))] = schema
            self._ids[schema.id] = schema
            if body.get("signature") is not None:
                self._signatures[schema.id] = body["signature"]
        self._latest = {str(k): int(v) for k, v in (bundle.get("latest") or {}).items()}

    @classmethod
    def from_bundle(cls, path: Path | str) -> Registry:
        try:
            return cls(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise BundleError(f"cannot read bundle {path}: {exc}") from exc

    def subjects(self) -> list[str]:
        return sorted({subject for subject, _ in self._versions})

    def signature(self, schema_id: int) -> dict[str, Any] | None:
        """The signature exported with the schema (None when the registry had none)."""
        return self._signatures.get(schema_id)

    @property
    def public_keys(self) -> dict[str, Any] | None:
        """The registry's published signing keys at export time (`GET /keys`)."""
        keys = self.bundle.get("keys")
        return keys if isinstance(keys, dict) else None

    def _answer(self, call: Call) -> Any:
        """The bundle's reply to the two reads the operations make."""
        if match := _ID_PATH.match(call.path):
            found = self._ids.get(int(match.group(1)))
        elif match := _VERSION_PATH.match(call.path):
            subject, version = unquote(match.group(1)), unquote(match.group(2))
            number = self._latest.get(subject) if version in ("latest", "-1") else int(version)
            found = self._versions.get((subject, number or 0))
        else:
            raise BundleError(f"an offline bundle cannot answer {call.method} {call.path}")
        if found is None:
            raise NotFoundError(f"{call.path} is not in the bundle", 404, 404)
        return found.as_json()
