"""Who is calling and what they may do: roles, their permissions, and subject-glob scopes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase

ADMIN = "admin"
ALL = "*"

# Deny by default: a permission not listed for a role is refused.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    ADMIN: frozenset({ALL}),
    "publisher": frozenset(
        {"schema.create", "schema.update", "schema.delete", "schema.read", "schema.validate"}
    ),
    "reviewer": frozenset({"schema.read", "schema.validate", "schema.approve"}),
    "consumer": frozenset({"schema.read", "schema.validate"}),
    "auditor": frozenset({"audit.read", "schema.read"}),
}
ROLES = tuple(ROLE_PERMISSIONS)
NO_SUBJECT = "\x00"  # a glob only a control character matches: no subject name does


@dataclass(frozen=True, slots=True)
class Grant:
    """A role, limited to subjects matching any of `subjects` (fnmatch; empty = all)."""

    role: str
    subjects: tuple[str, ...] = ()

    def permits(self, permission: str) -> bool:
        allowed = ROLE_PERMISSIONS.get(self.role, frozenset())
        return ALL in allowed or permission in allowed

    def covers(self, subject: str) -> bool:
        # fnmatchcase: `*` matches any characters, dots included; no OS case folding.
        return not self.subjects or any(fnmatchcase(subject, glob) for glob in self.subjects)


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller. `actor` names it in the audit log (never a secret)."""

    actor: str
    grants: tuple[Grant, ...]
    rate_limit_per_minute: int | None = None  # the key's own limit, if set

    def allows(self, permissions: Iterable[str], subject: str | None) -> bool:
        """Any of `permissions`, on `subject` (None: a request naming no subject)."""
        return any(
            grant.permits(permission) and (subject is None or grant.covers(subject))
            for permission in permissions
            for grant in self.grants
        )

    def sees_every_subject(self, permission: str) -> bool:
        return any(grant.permits(permission) and not grant.subjects for grant in self.grants)

    def read_scope(self, permission: str = "schema.read") -> tuple[str, ...]:
        """The subject globs `permission` reaches, for readers that filter a feed themselves:
        () when it reaches every subject. A principal without it gets a glob matching no
        subject name (the route's own permission check refuses such callers first)."""
        if self.sees_every_subject(permission):
            return ()
        globs = tuple(
            g for grant in self.grants if grant.permits(permission) for g in grant.subjects
        )
        return globs or (NO_SUBJECT,)

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(grant.role for grant in self.grants)


ANONYMOUS = Principal(actor="anonymous", grants=(Grant(ADMIN),))
