from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SchemaType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SCHEMA_TYPE_UNSPECIFIED: _ClassVar[SchemaType]
    SCHEMA_TYPE_AVRO: _ClassVar[SchemaType]
    SCHEMA_TYPE_PROTOBUF: _ClassVar[SchemaType]
    SCHEMA_TYPE_JSON: _ClassVar[SchemaType]

class LifecycleState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LIFECYCLE_STATE_UNSPECIFIED: _ClassVar[LifecycleState]
    LIFECYCLE_STATE_DRAFT: _ClassVar[LifecycleState]
    LIFECYCLE_STATE_ACTIVE: _ClassVar[LifecycleState]
    LIFECYCLE_STATE_DEPRECATED: _ClassVar[LifecycleState]
    LIFECYCLE_STATE_ARCHIVED: _ClassVar[LifecycleState]
SCHEMA_TYPE_UNSPECIFIED: SchemaType
SCHEMA_TYPE_AVRO: SchemaType
SCHEMA_TYPE_PROTOBUF: SchemaType
SCHEMA_TYPE_JSON: SchemaType
LIFECYCLE_STATE_UNSPECIFIED: LifecycleState
LIFECYCLE_STATE_DRAFT: LifecycleState
LIFECYCLE_STATE_ACTIVE: LifecycleState
LIFECYCLE_STATE_DEPRECATED: LifecycleState
LIFECYCLE_STATE_ARCHIVED: LifecycleState

class Reference(_message.Message):
    __slots__ = ("name", "subject", "version")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    name: str
    subject: str
    version: int
    def __init__(self, name: _Optional[str] = ..., subject: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class Tags(_message.Message):
    __slots__ = ("tags",)
    TAGS_FIELD_NUMBER: _ClassVar[int]
    tags: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, tags: _Optional[_Iterable[str]] = ...) -> None: ...

class Metadata(_message.Message):
    __slots__ = ("tags", "properties", "sensitive")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: Tags
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[Tags, _Mapping]] = ...) -> None: ...
    class PropertiesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    TAGS_FIELD_NUMBER: _ClassVar[int]
    PROPERTIES_FIELD_NUMBER: _ClassVar[int]
    SENSITIVE_FIELD_NUMBER: _ClassVar[int]
    tags: _containers.MessageMap[str, Tags]
    properties: _containers.ScalarMap[str, str]
    sensitive: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, tags: _Optional[_Mapping[str, Tags]] = ..., properties: _Optional[_Mapping[str, str]] = ..., sensitive: _Optional[_Iterable[str]] = ...) -> None: ...

class Rule(_message.Message):
    __slots__ = ("name", "doc", "kind", "mode", "type", "tags", "params", "expr", "on_success", "on_failure", "disabled")
    class ParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    DOC_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    EXPR_FIELD_NUMBER: _ClassVar[int]
    ON_SUCCESS_FIELD_NUMBER: _ClassVar[int]
    ON_FAILURE_FIELD_NUMBER: _ClassVar[int]
    DISABLED_FIELD_NUMBER: _ClassVar[int]
    name: str
    doc: str
    kind: str
    mode: str
    type: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    params: _containers.ScalarMap[str, str]
    expr: str
    on_success: str
    on_failure: str
    disabled: bool
    def __init__(self, name: _Optional[str] = ..., doc: _Optional[str] = ..., kind: _Optional[str] = ..., mode: _Optional[str] = ..., type: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., params: _Optional[_Mapping[str, str]] = ..., expr: _Optional[str] = ..., on_success: _Optional[str] = ..., on_failure: _Optional[str] = ..., disabled: _Optional[bool] = ...) -> None: ...

class RuleSet(_message.Message):
    __slots__ = ("migration_rules", "domain_rules", "encoding_rules")
    MIGRATION_RULES_FIELD_NUMBER: _ClassVar[int]
    DOMAIN_RULES_FIELD_NUMBER: _ClassVar[int]
    ENCODING_RULES_FIELD_NUMBER: _ClassVar[int]
    migration_rules: _containers.RepeatedCompositeFieldContainer[Rule]
    domain_rules: _containers.RepeatedCompositeFieldContainer[Rule]
    encoding_rules: _containers.RepeatedCompositeFieldContainer[Rule]
    def __init__(self, migration_rules: _Optional[_Iterable[_Union[Rule, _Mapping]]] = ..., domain_rules: _Optional[_Iterable[_Union[Rule, _Mapping]]] = ..., encoding_rules: _Optional[_Iterable[_Union[Rule, _Mapping]]] = ...) -> None: ...

class Schema(_message.Message):
    __slots__ = ("id", "guid", "schema_type", "schema", "references", "metadata", "rule_set")
    ID_FIELD_NUMBER: _ClassVar[int]
    GUID_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_TYPE_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    REFERENCES_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_FIELD_NUMBER: _ClassVar[int]
    id: int
    guid: str
    schema_type: SchemaType
    schema: str
    references: _containers.RepeatedCompositeFieldContainer[Reference]
    metadata: Metadata
    rule_set: RuleSet
    def __init__(self, id: _Optional[int] = ..., guid: _Optional[str] = ..., schema_type: _Optional[_Union[SchemaType, str]] = ..., schema: _Optional[str] = ..., references: _Optional[_Iterable[_Union[Reference, _Mapping]]] = ..., metadata: _Optional[_Union[Metadata, _Mapping]] = ..., rule_set: _Optional[_Union[RuleSet, _Mapping]] = ...) -> None: ...

class SubjectVersion(_message.Message):
    __slots__ = ("subject", "version", "schema", "ts", "deleted", "state", "sunset_date", "reason")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    TS_FIELD_NUMBER: _ClassVar[int]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SUNSET_DATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    subject: str
    version: int
    schema: Schema
    ts: int
    deleted: bool
    state: LifecycleState
    sunset_date: str
    reason: str
    def __init__(self, subject: _Optional[str] = ..., version: _Optional[int] = ..., schema: _Optional[_Union[Schema, _Mapping]] = ..., ts: _Optional[int] = ..., deleted: _Optional[bool] = ..., state: _Optional[_Union[LifecycleState, str]] = ..., sunset_date: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class PolicyViolation(_message.Message):
    __slots__ = ("policy", "action", "path", "message")
    POLICY_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    policy: str
    action: str
    path: str
    message: str
    def __init__(self, policy: _Optional[str] = ..., action: _Optional[str] = ..., path: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class RegisterSchemaRequest(_message.Message):
    __slots__ = ("subject", "schema", "schema_type", "references", "metadata", "rule_set", "normalize", "id", "version", "state")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_TYPE_FIELD_NUMBER: _ClassVar[int]
    REFERENCES_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_FIELD_NUMBER: _ClassVar[int]
    NORMALIZE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    subject: str
    schema: str
    schema_type: SchemaType
    references: _containers.RepeatedCompositeFieldContainer[Reference]
    metadata: Metadata
    rule_set: RuleSet
    normalize: bool
    id: int
    version: int
    state: LifecycleState
    def __init__(self, subject: _Optional[str] = ..., schema: _Optional[str] = ..., schema_type: _Optional[_Union[SchemaType, str]] = ..., references: _Optional[_Iterable[_Union[Reference, _Mapping]]] = ..., metadata: _Optional[_Union[Metadata, _Mapping]] = ..., rule_set: _Optional[_Union[RuleSet, _Mapping]] = ..., normalize: _Optional[bool] = ..., id: _Optional[int] = ..., version: _Optional[int] = ..., state: _Optional[_Union[LifecycleState, str]] = ...) -> None: ...

class RegisterSchemaResponse(_message.Message):
    __slots__ = ("id", "version", "guid", "state", "ts", "warnings")
    ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    GUID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TS_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    id: int
    version: int
    guid: str
    state: LifecycleState
    ts: int
    warnings: _containers.RepeatedCompositeFieldContainer[PolicyViolation]
    def __init__(self, id: _Optional[int] = ..., version: _Optional[int] = ..., guid: _Optional[str] = ..., state: _Optional[_Union[LifecycleState, str]] = ..., ts: _Optional[int] = ..., warnings: _Optional[_Iterable[_Union[PolicyViolation, _Mapping]]] = ...) -> None: ...

class GetSchemaByIdRequest(_message.Message):
    __slots__ = ("id", "format")
    ID_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    id: int
    format: str
    def __init__(self, id: _Optional[int] = ..., format: _Optional[str] = ...) -> None: ...

class GetSchemaByGuidRequest(_message.Message):
    __slots__ = ("guid", "format")
    GUID_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    guid: str
    format: str
    def __init__(self, guid: _Optional[str] = ..., format: _Optional[str] = ...) -> None: ...

class GetVersionRequest(_message.Message):
    __slots__ = ("subject", "version", "deleted", "include_archived", "format")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_ARCHIVED_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    subject: str
    version: int
    deleted: bool
    include_archived: bool
    format: str
    def __init__(self, subject: _Optional[str] = ..., version: _Optional[int] = ..., deleted: _Optional[bool] = ..., include_archived: _Optional[bool] = ..., format: _Optional[str] = ...) -> None: ...

class ListSubjectsRequest(_message.Message):
    __slots__ = ("prefix", "deleted", "deleted_only", "query", "tag", "owner", "state")
    PREFIX_FIELD_NUMBER: _ClassVar[int]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    DELETED_ONLY_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    TAG_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    prefix: str
    deleted: bool
    deleted_only: bool
    query: str
    tag: str
    owner: str
    state: str
    def __init__(self, prefix: _Optional[str] = ..., deleted: _Optional[bool] = ..., deleted_only: _Optional[bool] = ..., query: _Optional[str] = ..., tag: _Optional[str] = ..., owner: _Optional[str] = ..., state: _Optional[str] = ...) -> None: ...

class ListSubjectsResponse(_message.Message):
    __slots__ = ("subjects",)
    SUBJECTS_FIELD_NUMBER: _ClassVar[int]
    subjects: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, subjects: _Optional[_Iterable[str]] = ...) -> None: ...

class ListVersionsRequest(_message.Message):
    __slots__ = ("subject", "deleted", "deleted_only", "include_archived")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    DELETED_ONLY_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_ARCHIVED_FIELD_NUMBER: _ClassVar[int]
    subject: str
    deleted: bool
    deleted_only: bool
    include_archived: bool
    def __init__(self, subject: _Optional[str] = ..., deleted: _Optional[bool] = ..., deleted_only: _Optional[bool] = ..., include_archived: _Optional[bool] = ...) -> None: ...

class ListVersionsResponse(_message.Message):
    __slots__ = ("versions",)
    VERSIONS_FIELD_NUMBER: _ClassVar[int]
    versions: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, versions: _Optional[_Iterable[int]] = ...) -> None: ...

class LookupSchemaRequest(_message.Message):
    __slots__ = ("subject", "schema", "schema_type", "references", "metadata", "rule_set", "normalize", "deleted")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_TYPE_FIELD_NUMBER: _ClassVar[int]
    REFERENCES_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_FIELD_NUMBER: _ClassVar[int]
    NORMALIZE_FIELD_NUMBER: _ClassVar[int]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    subject: str
    schema: str
    schema_type: SchemaType
    references: _containers.RepeatedCompositeFieldContainer[Reference]
    metadata: Metadata
    rule_set: RuleSet
    normalize: bool
    deleted: bool
    def __init__(self, subject: _Optional[str] = ..., schema: _Optional[str] = ..., schema_type: _Optional[_Union[SchemaType, str]] = ..., references: _Optional[_Iterable[_Union[Reference, _Mapping]]] = ..., metadata: _Optional[_Union[Metadata, _Mapping]] = ..., rule_set: _Optional[_Union[RuleSet, _Mapping]] = ..., normalize: _Optional[bool] = ..., deleted: _Optional[bool] = ...) -> None: ...

class CheckCompatibilityRequest(_message.Message):
    __slots__ = ("subject", "schema", "schema_type", "references", "metadata", "rule_set", "normalize", "version")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_TYPE_FIELD_NUMBER: _ClassVar[int]
    REFERENCES_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_FIELD_NUMBER: _ClassVar[int]
    NORMALIZE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    subject: str
    schema: str
    schema_type: SchemaType
    references: _containers.RepeatedCompositeFieldContainer[Reference]
    metadata: Metadata
    rule_set: RuleSet
    normalize: bool
    version: int
    def __init__(self, subject: _Optional[str] = ..., schema: _Optional[str] = ..., schema_type: _Optional[_Union[SchemaType, str]] = ..., references: _Optional[_Iterable[_Union[Reference, _Mapping]]] = ..., metadata: _Optional[_Union[Metadata, _Mapping]] = ..., rule_set: _Optional[_Union[RuleSet, _Mapping]] = ..., normalize: _Optional[bool] = ..., version: _Optional[int] = ...) -> None: ...

class CheckCompatibilityResponse(_message.Message):
    __slots__ = ("is_compatible", "messages")
    IS_COMPATIBLE_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    is_compatible: bool
    messages: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, is_compatible: _Optional[bool] = ..., messages: _Optional[_Iterable[str]] = ...) -> None: ...

class ValidationTarget(_message.Message):
    __slots__ = ("schema_id", "subject", "version", "message")
    SCHEMA_ID_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    schema_id: int
    subject: str
    version: int
    message: str
    def __init__(self, schema_id: _Optional[int] = ..., subject: _Optional[str] = ..., version: _Optional[int] = ..., message: _Optional[str] = ...) -> None: ...

class RecordBatch(_message.Message):
    __slots__ = ("records",)
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, records: _Optional[_Iterable[str]] = ...) -> None: ...

class ValidateDataRequest(_message.Message):
    __slots__ = ("target", "record", "batch", "llm_output")
    TARGET_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    LLM_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    target: ValidationTarget
    record: str
    batch: RecordBatch
    llm_output: str
    def __init__(self, target: _Optional[_Union[ValidationTarget, _Mapping]] = ..., record: _Optional[str] = ..., batch: _Optional[_Union[RecordBatch, _Mapping]] = ..., llm_output: _Optional[str] = ...) -> None: ...

class ValidateDataStreamRequest(_message.Message):
    __slots__ = ("target", "records")
    TARGET_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    target: ValidationTarget
    records: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, target: _Optional[_Union[ValidationTarget, _Mapping]] = ..., records: _Optional[_Iterable[str]] = ...) -> None: ...

class Problem(_message.Message):
    __slots__ = ("path", "message")
    PATH_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    path: str
    message: str
    def __init__(self, path: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class RuleWarning(_message.Message):
    __slots__ = ("rule", "message")
    RULE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    rule: str
    message: str
    def __init__(self, rule: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class RecordResult(_message.Message):
    __slots__ = ("valid", "errors", "warnings")
    VALID_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    valid: bool
    errors: _containers.RepeatedCompositeFieldContainer[Problem]
    warnings: _containers.RepeatedCompositeFieldContainer[RuleWarning]
    def __init__(self, valid: _Optional[bool] = ..., errors: _Optional[_Iterable[_Union[Problem, _Mapping]]] = ..., warnings: _Optional[_Iterable[_Union[RuleWarning, _Mapping]]] = ...) -> None: ...

class LlmOutputDetails(_message.Message):
    __slots__ = ("extracted", "source", "notes", "repair_prompt")
    EXTRACTED_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    REPAIR_PROMPT_FIELD_NUMBER: _ClassVar[int]
    extracted: str
    source: str
    notes: _containers.RepeatedScalarFieldContainer[str]
    repair_prompt: str
    def __init__(self, extracted: _Optional[str] = ..., source: _Optional[str] = ..., notes: _Optional[_Iterable[str]] = ..., repair_prompt: _Optional[str] = ...) -> None: ...

class ValidateDataResponse(_message.Message):
    __slots__ = ("results", "llm_output")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    LLM_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[RecordResult]
    llm_output: LlmOutputDetails
    def __init__(self, results: _Optional[_Iterable[_Union[RecordResult, _Mapping]]] = ..., llm_output: _Optional[_Union[LlmOutputDetails, _Mapping]] = ...) -> None: ...

class WatchEventsRequest(_message.Message):
    __slots__ = ("types", "subjects", "after_sequence")
    TYPES_FIELD_NUMBER: _ClassVar[int]
    SUBJECTS_FIELD_NUMBER: _ClassVar[int]
    AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    types: _containers.RepeatedScalarFieldContainer[str]
    subjects: _containers.RepeatedScalarFieldContainer[str]
    after_sequence: int
    def __init__(self, types: _Optional[_Iterable[str]] = ..., subjects: _Optional[_Iterable[str]] = ..., after_sequence: _Optional[int] = ...) -> None: ...

class ChangeEvent(_message.Message):
    __slots__ = ("sequence", "id", "type", "subject", "time", "data", "traceparent", "source")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    TRACEPARENT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    id: str
    type: str
    subject: str
    time: str
    data: str
    traceparent: str
    source: str
    def __init__(self, sequence: _Optional[int] = ..., id: _Optional[str] = ..., type: _Optional[str] = ..., subject: _Optional[str] = ..., time: _Optional[str] = ..., data: _Optional[str] = ..., traceparent: _Optional[str] = ..., source: _Optional[str] = ...) -> None: ...

class ErrorDetail(_message.Message):
    __slots__ = ("error_code", "message", "violations", "retry_after_seconds")
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    VIOLATIONS_FIELD_NUMBER: _ClassVar[int]
    RETRY_AFTER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    error_code: int
    message: str
    violations: _containers.RepeatedCompositeFieldContainer[PolicyViolation]
    retry_after_seconds: int
    def __init__(self, error_code: _Optional[int] = ..., message: _Optional[str] = ..., violations: _Optional[_Iterable[_Union[PolicyViolation, _Mapping]]] = ..., retry_after_seconds: _Optional[int] = ...) -> None: ...
