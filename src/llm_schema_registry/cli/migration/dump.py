"""Replaying a dump of Confluent's `_schemas` topic into the registry it describes.

The dump is what `kafka-console-consumer --property print.key=true --from-beginning` prints:
one record a line, the key's JSON, a tab, the value's JSON or `null` (a tombstone). Records
apply in order, as a Confluent server replays its log at start-up (KafkaStore's reader and
KafkaStoreMessageHandler): the last value of a key wins, a tombstone removes the key.

    SCHEMA          {"keytype":"SCHEMA","subject":s,"version":n,"magic":1}
                    value: {"subject","version","id","schema","schemaType"?, "references"?,
                    "metadata"?, "ruleSet"?, "deleted"?}; `deleted: true` is a soft delete,
                    a tombstone a permanent one.
    CONFIG          {"keytype":"CONFIG","subject":s|null,"magic":0}: the scope's whole config
                    (`compatibilityLevel`, `normalize`, `alias`, ...); subject null is the
                    registry-wide one; a tombstone deletes it.
    MODE            {"keytype":"MODE","subject":s|null,"magic":0}: {"mode": "READONLY"...}.
    DELETE_SUBJECT  value {"subject","version"}: versions 1..version soft-deleted.
    CLEAR_SUBJECT   value {"subject"}: every version of the subject removed (Confluent writes
                    it when a subject enters IMPORT mode); subject null: every subject.
    NOOP            nothing (Confluent's reader writes it to find the log's end).

Tombstones of keys other than SCHEMA, CONFIG and MODE change nothing, as in Confluent. Other
key types (CONTEXT, newer ones) are counted in `Snapshot.skipped` and otherwise ignored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from llm_schema_registry.cli.migration.model import JsonObject, Schema, Snapshot, Version
from llm_schema_registry.cli.migration.source import without_subject


class DumpFormatError(Exception):
    """A line that is not `key JSON <TAB> value JSON|null`, or a record missing a field."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")


def replay(lines: Iterable[str]) -> Snapshot:
    """The registry a Confluent server would show after reading these records."""
    found = Snapshot()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        key, value = _record(number, line)
        try:
            _apply(found, key, value)
        except (KeyError, TypeError, ValueError) as exc:
            raise DumpFormatError(number, f"unexpected record shape ({exc!r})") from None
    return found


def _record(number: int, line: str) -> tuple[JsonObject, JsonObject | None]:
    key_text, tab, value_text = line.rstrip("\r\n").partition("\t")
    if not tab:
        raise DumpFormatError(number, "no tab between key and value (print.key=true?)")
    try:
        key = json.loads(key_text)
        value = None if value_text.strip() == "null" else json.loads(value_text)
    except ValueError as exc:
        raise DumpFormatError(number, f"not JSON: {exc}") from None
    if not isinstance(key, dict) or "keytype" not in key:
        raise DumpFormatError(number, "the key has no keytype")
    if value is not None and not isinstance(value, dict):
        raise DumpFormatError(number, "the value is neither an object nor null")
    return key, value


def _apply(into: Snapshot, key: JsonObject, value: JsonObject | None) -> None:
    kind = str(key["keytype"]).upper()
    if kind == "SCHEMA":
        _schema(into, key, value)
    elif kind == "CONFIG":
        scope = key.get("subject")
        if value is None:
            into.configs.pop(scope, None)
        else:
            into.configs[scope] = without_subject(value)
    elif kind == "MODE":
        scope = key.get("subject")
        if value is None:
            into.modes.pop(scope, None)
        else:
            into.modes[scope] = str(value["mode"]).upper()
    elif kind == "DELETE_SUBJECT":
        if value is not None:
            _soft_delete_up_to(into, str(value["subject"]), int(value["version"]))
    elif kind == "CLEAR_SUBJECT":
        if value is not None:
            _clear(into, value.get("subject"))
    elif kind != "NOOP":
        into.skipped[kind] = into.skipped.get(kind, 0) + 1


def _schema(into: Snapshot, key: JsonObject, value: JsonObject | None) -> None:
    subject, number = str(key["subject"]), int(key["version"])
    if value is None:  # a tombstone: the version is gone for good
        versions = into.versions.get(subject, {})
        versions.pop(number, None)
        if not versions:
            into.versions.pop(subject, None)
        return
    into.add(
        Version(
            subject=subject,
            version=number,
            id=int(value["id"]),
            schema=Schema.from_json(value),
            deleted=bool(value.get("deleted", False)),
        )
    )


def _soft_delete_up_to(into: Snapshot, subject: str, last: int) -> None:
    versions = into.versions.get(subject, {})
    for number, version in list(versions.items()):
        if number <= last:
            versions[number] = _deleted(version)


def _deleted(version: Version) -> Version:
    return Version(version.subject, version.version, version.id, version.schema, True)


def _clear(into: Snapshot, subject: Any) -> None:
    if subject is None:
        into.versions.clear()
    else:
        into.versions.pop(str(subject), None)
