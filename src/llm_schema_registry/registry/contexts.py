"""Contexts, as Confluent defines them: named groups of subjects, each its own id space.

A subject names its context in its qualified form `:.team-a:orders-value`; an unqualified
name (`orders-value`) is in the default context `.`, which is the registry as it always was.
`:.team-a:` alone (an empty subject name) names the context itself: its config and mode.

Ids: every context numbers its schemas from 1, independently. Storage keeps one schemas table
and tells the spaces apart by the key a row is stored under: `number * ID_SPACE + id`, where
`number` is the context's (0 for the default context, so its keys are its ids, as before).
Confluent's ids are 32-bit signed integers, so an id never spills into the next space.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from llm_schema_registry.registry.errors import InvalidContextError
from llm_schema_registry.registry.model import ID_SPACE, Reference

DEFAULT_CONTEXT = "."
DELIMITER = ":"
PREFIX = ":."  # a qualified subject starts with it
WILDCARD = ":*:"  # Confluent's "every context" subject prefix
MAX_CONTEXT_LENGTH = 255


@dataclass(frozen=True)
class QualifiedSubject:
    """A subject split into its context (`.` or `.name`) and its name within it."""

    context: str
    name: str

    @classmethod
    def parse(cls, subject: str) -> QualifiedSubject:
        """`:.ctx:name` → (".ctx", "name"); `:.ctx` → (".ctx", ""); `name` → (".", "name")."""
        if not subject.startswith(PREFIX):
            return cls(DEFAULT_CONTEXT, subject)
        end = subject.find(DELIMITER, len(PREFIX))
        if end < 0:
            return cls(subject[1:], "")
        return cls(subject[1:end], subject[end + 1 :])

    @property
    def qualified(self) -> str:
        return context_prefix(self.context) + self.name

    @property
    def in_default_context(self) -> bool:
        return self.context == DEFAULT_CONTEXT


def normalize_context(name: str) -> str:
    """A context as a client may spell it (`team-a`, `.team-a`, `:.team-a:`) → `.team-a`."""
    bare = name.removeprefix(DELIMITER).removesuffix(DELIMITER)
    if not bare.startswith("."):
        bare = "." + bare
    check_context(bare)
    return bare


def check_context(context: str) -> None:
    """Raises `InvalidContextError` unless `context` is a usable context name."""
    if context == DEFAULT_CONTEXT:
        return
    if (
        not context.startswith(".")
        or len(context) > MAX_CONTEXT_LENGTH
        or DELIMITER in context
        or "/" in context
        or "*" in context
        or not context[1:].strip()
        or not context.isprintable()
    ):
        raise InvalidContextError(context)


def context_prefix(context: str) -> str:
    """What qualifies a subject name with `context`: `:.ctx:`, or "" for the default one."""
    return "" if context == DEFAULT_CONTEXT else f"{DELIMITER}{context}{DELIMITER}"


def context_of(subject: str | None) -> str:
    """The context a (possibly qualified) subject is in; None or "" is the default context."""
    return QualifiedSubject.parse(subject).context if subject else DEFAULT_CONTEXT


def qualify(context: str, subject: str) -> str:
    """`subject` in `context`, unless it names a context of its own already."""
    if subject.startswith(PREFIX) or subject.startswith(WILDCARD):
        return subject
    return context_prefix(context) + subject


def qualify_reference(parent: str, referenced: str) -> str:
    """A reference names a subject in the referring subject's context unless it qualifies it
    (Confluent's `qualifySubjectWithParent`): `customer` from `:.a:order` is `:.a:customer`."""
    return qualify(context_of(parent), referenced)


def prefix_matcher(prefix: str) -> Callable[[str], bool]:
    """Whether a subject matches a `subjectPrefix`: a plain prefix (`:.ctx:` names a
    context), or `:*:name` for subjects starting with `name` in any context."""
    if prefix.startswith(WILDCARD):
        rest = prefix[len(WILDCARD) :]
        return lambda subject: QualifiedSubject.parse(subject).name.startswith(rest)
    return lambda subject: subject.startswith(prefix)


def qualified_references(parent: str, references: Sequence[Reference]) -> tuple[Reference, ...]:
    """`references` of a schema registered under `parent`, each naming its subject in full."""
    if context_of(parent) == DEFAULT_CONTEXT:
        return tuple(references)
    return tuple(
        Reference(ref.name, qualify_reference(parent, ref.subject), ref.version)
        for ref in references
    )


def schema_key(number: int, schema_id: int) -> int:
    """The storage key of `schema_id` in the context numbered `number` (0: default)."""
    return number * ID_SPACE + schema_id


def public_id(key: int) -> int:
    """The id clients see for a schema stored under `key`."""
    return key % ID_SPACE


def context_number_of(key: int) -> int:
    return key // ID_SPACE


def identity_in_context(identity_hash: str, number: int) -> str:
    """Content is "the same schema" only within one context: the default context's hashes
    are as they always were, a named context's are salted with its number (not its name: a
    context deleted and made again is a new id space)."""
    if number == 0:
        return identity_hash
    return hashlib.sha256(f"{number}\0{identity_hash}".encode()).hexdigest()
