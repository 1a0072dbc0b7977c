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

A named context's records carry qualified subjects (`:.team-a:orders-value`; `:.team-a:` for
the context's own config or mode) and ids of that context's id space: each context replays
into a snapshot of its own, keyed by context, the default one (`.`) always first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from llm_schema_registry.cli.migration.model import (
    DEFAULT_CONTEXT,
    JsonObject,
    Ref,
    Schema,
    Snapshot,
    Version,
)
from llm_schema_registry.cli.migration.source import without_subject
from llm_schema_registry.registry.contexts import QualifiedSubject, context_prefix, qualify

Contexts = dict[str, Snapshot]


class DumpFormatError(Exception):
    """A line that is not `key JSON <TAB> value JSON|null`, or a record missing a field."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")


def replay(lines: Iterable[str]) -> Contexts:
    """The registry a Confluent server would show after reading these records, by context."""
    found: Contexts = {DEFAULT_CONTEXT: Snapshot()}
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


def _scope(contexts: Contexts, subject: Any) -> tuple[Snapshot, str | None]:
    """The snapshot of the context `subject` names and the subject within it: unqualified in
    the default context, qualified (`:.ctx:name`) in a named one; None for the context's own
    scope (a null subject, or `:.ctx:`)."""
    if subject is None:
        return contexts[DEFAULT_CONTEXT], None
    parsed = QualifiedSubject.parse(str(subject))
    into = contexts.setdefault(parsed.context, Snapshot())
    if not parsed.name:
        return into, None
    if parsed.context == DEFAULT_CONTEXT:
        return into, parsed.name
    return into, context_prefix(parsed.context) + parsed.name


def _apply(found: Contexts, key: JsonObject, value: JsonObject | None) -> None:
    kind = str(key["keytype"]).upper()
    if kind == "SCHEMA":
        _schema(found, key, value)
    elif kind == "CONFIG":
        into, scope = _scope(found, key.get("subject"))
        if value is None:
            into.configs.pop(scope, None)
        else:
            into.configs[scope] = without_subject(value)
    elif kind == "MODE":
        into, scope = _scope(found, key.get("subject"))
        if value is None:
            into.modes.pop(scope, None)
        else:
            into.modes[scope] = str(value["mode"]).upper()
    elif kind == "DELETE_SUBJECT":
        if value is not None:
            into, subject = _scope(found, str(value["subject"]))
            _soft_delete_up_to(into, str(subject), int(value["version"]))
    elif kind == "CLEAR_SUBJECT":
        if value is not None:
            _clear(*_scope(found, value.get("subject")))
    elif kind != "NOOP":
        skipped = found[DEFAULT_CONTEXT].skipped
        skipped[kind] = skipped.get(kind, 0) + 1


def _schema(found: Contexts, key: JsonObject, value: JsonObject | None) -> None:
    into, subject = _scope(found, str(key["subject"]))
    assert subject is not None
    number = int(key["version"])
    if value is None:  # a tombstone: the version is gone for good
        versions = into.versions.get(subject, {})
        versions.pop(number, None)
        if not versions:
            into.versions.pop(subject, None)
        return
    schema = Schema.from_json(value)
    context = QualifiedSubject.parse(subject).context
    if context != DEFAULT_CONTEXT:  # references name subjects of the referrer's context
        refs = tuple(Ref(r.name, qualify(context, r.subject), r.version) for r in schema.references)
        schema = replace(schema, references=refs)
    into.add(
        Version(
            subject=subject,
            version=number,
            id=int(value["id"]),
            schema=schema,
            deleted=bool(value.get("deleted", False)),
        )
    )


def _soft_delete_up_to(into: Snapshot, subject: str, last: int) -> None:
    versions = into.versions.get(subject, {})
    for number, version in list(versions.items()):
        if number <= last:
            versions[number] = _deleted(version)


def _deleted(version: Version) -> Version:
    return replace(version, deleted=True)


def _clear(into: Snapshot, subject: str | None) -> None:
    if subject is None:
        into.versions.clear()
    else:
        into.versions.pop(subject, None)
