"""Domain errors. They know nothing of HTTP; `api/errors.py` maps each to a Confluent code."""

from __future__ import annotations


class RegistryError(Exception):
    """Caused by the caller; the message is safe to show."""


class SubjectNotFoundError(RegistryError):
    def __init__(self, subject: str) -> None:
        super().__init__(f"Subject '{subject}' not found.")


class VersionNotFoundError(RegistryError):
    # The messages below are Confluent's own words (its `Errors.java` and the Rest*Exception
    # classes), typos included: clients and people match on them.
    def __init__(self, subject: str, version: int | str) -> None:
        self.subject = subject
        super().__init__(f"Version {version} not found.")


class SchemaNotFoundError(RegistryError):
    def __init__(self, detail: str = "Schema not found") -> None:
        super().__init__(detail)


class SubjectSoftDeletedError(RegistryError):
    def __init__(self, subject: str) -> None:
        super().__init__(
            f"Subject '{subject}' was soft deleted.Set permanent=true to delete permanently"
        )


class SubjectNotSoftDeletedError(RegistryError):
    def __init__(self, subject: str) -> None:
        super().__init__(
            f"Subject '{subject}' was not deleted first before being permanently deleted"
        )


class VersionSoftDeletedError(RegistryError):
    def __init__(self, subject: str, version: int) -> None:
        super().__init__(
            f"Subject '{subject}' Version {version} was soft deleted."
            "Set permanent=true to delete permanently"
        )


class VersionNotSoftDeletedError(RegistryError):
    def __init__(self, subject: str, version: int) -> None:
        super().__init__(
            f"Subject '{subject}' Version {version} was not deleted first before being "
            "permanently deleted"
        )


class SubjectConfigNotFoundError(RegistryError):
    def __init__(self, subject: str) -> None:
        super().__init__(
            f"Subject '{subject}' does not have subject-level compatibility configured"
        )


class SubjectModeNotFoundError(RegistryError):
    def __init__(self, subject: str) -> None:
        super().__init__(f"Subject '{subject}' does not have subject-level mode configured")


class IncompatibleSchemaError(RegistryError):
    def __init__(self, subject: str, messages: list[str]) -> None:
        self.messages = messages
        super().__init__(
            "Schema being registered is incompatible with an earlier schema for subject "
            f'"{subject}", details: [{", ".join(messages)}]'
        )


class InvalidSchemaError(RegistryError):
    """The schema text (or one of its references) is malformed."""


class InvalidVersionError(RegistryError):
    def __init__(self, version: str) -> None:
        super().__init__(
            f"The specified version '{version}' is not a valid version id. Allowed values are "
            'between [1, 2^31-1] and the string "latest"'
        )


class InvalidCompatibilityLevelError(RegistryError):
    def __init__(self, level: object) -> None:
        self.level = level  # not in the message: Confluent's RestInvalidCompatibilityException
        super().__init__(
            "Invalid compatibility level. Valid values are none, backward, forward, full, "
            "backward_transitive, forward_transitive, and full_transitive"
        )


class InvalidModeError(RegistryError):
    def __init__(self, mode: object) -> None:
        super().__init__(f"Invalid mode: {mode}. Valid values are READWRITE, READONLY, IMPORT")


class OperationNotPermittedError(RegistryError):
    """E.g. writing while the subject is READONLY, or IMPORT preconditions not met."""


class ReferenceExistsError(RegistryError):
    """A schema that another schema references cannot be deleted."""


class IdConflictError(RegistryError):
    """An explicit id (IMPORT mode) already names different content."""


class InvalidSubjectError(RegistryError):
    def __init__(self, subject: str) -> None:
        super().__init__(f"The specified subject '{subject}' is not a valid subject name.")


class SchemaTooLargeError(RegistryError):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"Schema of {size} bytes exceeds the limit of {limit} bytes.")


class InvalidRuleSetError(RegistryError):
    """A ruleSet or metadata object that is malformed."""


class InvalidConfigError(RegistryError):
    """A config value a configured check refuses (e.g. unknown or contradictory llmProfiles)."""


class NotAPromptError(RegistryError):
    """Only prompt templates (PROMPT) render."""


class InvalidVariablesError(RegistryError):
    """The variables of a render call break the prompt's variables schema; `errors` lists
    each as (JSON path, message)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        listed = "; ".join(f"{path}: {message}" for path, message in errors)
        super().__init__(f"Invalid variables: {listed}")


class PromptRenderError(RegistryError):
    """A prompt template failed while rendering valid variables."""


class StorageError(RegistryError):
    """The backing store failed; the message is generic on purpose."""


class StorageUnavailableError(RegistryError):
    """Storage is unreachable: the registry serves what it has cached, read-only."""

    def __init__(self) -> None:
        super().__init__(
            "The registry is read-only: its storage is unreachable. Cached reads are still "
            "served; retry the write later."
        )


class InvalidTransitionError(RegistryError):
    """A lifecycle transition the state machine does not allow (governance)."""


class InactiveVersionConsumerError(RegistryError):
    """A consumer registered against a DEPRECATED or ARCHIVED version (governance)."""


class InvalidLifecycleRequestError(RegistryError):
    """A lifecycle request that is malformed: sunset date in the past, no reason… (governance)."""


class InvalidContextError(RegistryError):
    def __init__(self, context: str) -> None:
        super().__init__(
            f"The specified context '{context}' is not a valid context name: it starts with "
            "'.', and holds no ':', '/' or '*'."
        )


class ContextNotFoundError(RegistryError):
    def __init__(self, context: str) -> None:
        super().__init__(f"Context '{context}' not found.")


class ContextNotEmptyError(RegistryError):
    def __init__(self, context: str) -> None:
        super().__init__(f"Context '{context}' still holds subjects; delete them first.")
