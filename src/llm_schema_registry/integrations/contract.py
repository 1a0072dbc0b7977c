"""A registered schema as the contract of a model's reply, whatever the framework: what tells
the model the shape (format instructions, or a provider payload from the registry's export)
and the registry's check of what comes back (JSON extracted, validated with the schema and
its rules, a repair prompt when invalid). No framework imports here."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from pydantic import BaseModel

from llm_schema_registry.client.bundle import Registry
from llm_schema_registry.client.errors import InvalidRequestError
from llm_schema_registry.client.models import RegisteredSchema, ValidationOutcome
from llm_schema_registry.client.sync import RegistryClient
from llm_schema_registry.llm.output import extract_json

SchemaClient = RegistryClient | Registry
"""A blocking SDK client, or an offline bundle (which validates but cannot export)."""
Version = str | int

# How a target's payload reaches an OpenAI-style chat call as a keyword argument (LangChain's
# `model.bind(**kwargs)`, LlamaIndex's `llm.chat(messages, **kwargs)`); the OpenAI SDK that
# both use for OpenAI-compatible servers sends `extra_body` as request fields.
CHAT_KWARGS = {
    "openai": "response_format",
    "openai-compatible": "response_format",
    "vllm": "extra_body",
}
TOOL_TARGETS = ("openai-tool", "anthropic-tool")  # bound as the one tool the model must call

_DataPath = tuple[str | None, ...]  # property names; None: every item of an array
_STEP = re.compile(r"\.properties\.([A-Za-z0-9_$-]+)|\.items(?![\[\w])")


class InvalidOutputError(ValueError):
    """The model's reply is not valid for the registered schema; `outcome` has the errors
    (with their paths) and `repair_prompt` the registry's instruction to fix it."""

    def __init__(self, outcome: ValidationOutcome, subject: str, version: Version) -> None:
        problems = "; ".join(f"{p.path}: {p.message}" for p in outcome.errors)
        super().__init__(f"the reply is not valid for {subject} version {version}: {problems}")
        self.outcome = outcome
        self.repair_prompt = outcome.repair_prompt or ""


class OutputContract:
    """One subject's version as the contract of a model's reply.

    `absent`: where the provider's copy of the schema made an optional property required and
    nullable (the export's safe fix for OpenAI strict mode); a null there means "absent" and
    is dropped before the registry, which holds the original schema, checks the reply.
    `schema_id`: when known, replies are checked against that id, whose validator the SDK
    caches for good (no request per reply)."""

    def __init__(
        self,
        client: SchemaClient,
        subject: str,
        version: Version = "latest",
        absent: tuple[_DataPath, ...] = (),
        schema_id: int | None = None,
    ) -> None:
        self.client = client
        self.subject = subject
        self.version = version
        self.absent = absent
        self.schema_id = schema_id
        self._model: type[BaseModel] | None = None

    @classmethod
    def pinned(
        cls, client: SchemaClient, subject: str, version: Version = "latest"
    ) -> OutputContract:
        """The contract with `version` resolved once ("latest" to its number), so the payload
        the model sees and the schema its reply is checked against cannot differ."""
        found = client.get_version(subject, version)
        number = found.version if found.version is not None else version
        return cls(client, subject, number, schema_id=found.id)

    def schema(self) -> RegisteredSchema:
        return self.client.get_version(self.subject, self.version)

    def instructions(self) -> str:
        """Format instructions for a model given no payload: the schema, and reply JSON only."""
        schema = self.schema()
        return (
            f"Reply with only a JSON value valid against this {schema.schema_type} schema "
            f"({self.subject} version {schema.version}), without prose or code fences:\n"
            f"{schema.schema}"
        )

    def payload(self, target: str) -> tuple[OutputContract, dict[str, Any]]:
        """`target`'s provider payload from the registry's export (safe fixes applied), and
        this contract knowing which nulls those fixes introduced."""
        if not isinstance(self.client, RegistryClient):
            raise InvalidRequestError("provider payloads come from a registry, not a bundle")
        found = self.client.export(self.subject, target, self.version, fix=True)
        absent = tuple(
            path
            for fix in found.fixes
            if fix.get("rule") == "required" and (path := data_path(fix["path"])) is not None
        )
        pinned = OutputContract(self.client, self.subject, self.version, absent, self.schema_id)
        return pinned, found.payload

    def check(self, reply: str) -> ValidationOutcome:
        """The registry's verdict on a raw reply (the SDK's local `validate_llm_output`: the
        registry's validators and rules, compiled once per schema id)."""
        reply = self._absent_dropped(reply)
        if self.schema_id is None and str(self.version).isdigit():
            # a numbered version never changes: resolve it once, then validate by id
            self.schema_id = self.client.get_version(self.subject, self.version).id
        if self.schema_id is not None:
            return self.client.validate_llm_output(reply, schema_id=self.schema_id)
        return self.client.validate_llm_output(reply, subject=self.subject, version=self.version)

    def model(self) -> type[BaseModel]:
        """The registered JSON Schema as a Pydantic model class (kept when pinned)."""
        if self._model is not None:
            return self._model
        model = self.client.load_model(self.subject, self.version)
        if self.schema_id is not None:
            self._model = model
        return model

    def _absent_dropped(self, reply: str) -> str:
        if not self.absent:
            return reply
        found = extract_json(reply)
        if not found.ok:
            return reply  # the check reports the syntax error on the reply as given
        value = copy.deepcopy(found.value)
        for steps in self.absent:
            _drop_null(value, steps)
        return json.dumps(value)


def data_path(schema_path: str) -> _DataPath | None:
    """`$.properties.a.items.properties.b` as `("a", None, "b")`; None for a path that
    leaves plain properties and array items (through `$defs`, `anyOf`, tuple items)."""
    steps: list[str | None] = []
    position = 1 if schema_path.startswith("$") else 0
    while position < len(schema_path):
        step = _STEP.match(schema_path, position)
        if step is None:
            return None
        steps.append(step.group(1))
        position = step.end()
    return tuple(steps) if steps and steps[-1] is not None else None


def _drop_null(value: Any, steps: _DataPath) -> None:
    head, rest = steps[0], steps[1:]
    if head is None:
        for item in value if isinstance(value, list) else []:
            _drop_null(item, rest)
    elif isinstance(value, dict) and head in value:
        if not rest:
            if value[head] is None:
                del value[head]
        else:
            _drop_null(value[head], rest)
