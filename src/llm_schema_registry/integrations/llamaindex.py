"""LlamaIndex with the registry (`pip install 'llm-schema-registry[llamaindex]'`).

- `RegistryMetadataValidator`: a transformation that checks each document's or node's
  `metadata` against a registered schema before indexing; invalid ones are quarantined
  (left out, kept in `rejected` with the failing paths), reported, or raised.
- `RegistryProgram`: a structured-output program driven by a registered schema: the reply is
  checked by the registry, repaired with its repair prompt, and returned as the Pydantic model
  generated from the schema.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

try:
    from llama_index.core.base.llms.types import ChatMessage, MessageRole
    from llama_index.core.llms import LLM
    from llama_index.core.prompts import BasePromptTemplate, PromptTemplate
    from llama_index.core.schema import BaseNode, TransformComponent
    from llama_index.core.types import BasePydanticProgram
except ImportError as missing:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        "llm_schema_registry.integrations.llamaindex needs llama-index-core: "
        "pip install 'llm-schema-registry[llamaindex]'"
    ) from missing
from pydantic import BaseModel, PrivateAttr

from llm_schema_registry.client.models import Problem
from llm_schema_registry.integrations.contract import (
    CHAT_KWARGS,
    InvalidOutputError,
    OutputContract,
    SchemaClient,
    Version,
)
from llm_schema_registry.integrations.conversation import (
    Attempt,
    repairing,
    run_awaiting,
    run_blocking,
)

__all__ = [
    "InvalidMetadataError",
    "InvalidOutputError",
    "RegistryMetadataValidator",
    "RegistryProgram",
    "RejectedNode",
]

OnInvalid = Literal["quarantine", "report", "raise"]


@dataclass(frozen=True)
class RejectedNode:
    """A node whose metadata the registered schema refused, and why (JSON paths)."""

    node: BaseNode
    errors: list[Problem]

    def describe(self) -> str:
        return "; ".join(f"node {self.node.node_id}: {e.path}: {e.message}" for e in self.errors)


class InvalidMetadataError(ValueError):
    """Raised by `RegistryMetadataValidator(on_invalid="raise")`; `rejected` lists them."""

    def __init__(self, rejected: list[RejectedNode]) -> None:
        super().__init__("; ".join(r.describe() for r in rejected))
        self.rejected = rejected


class RegistryMetadataValidator(TransformComponent):
    """Checks `node.metadata` against `subject`'s version with the registry's validators and
    rules (the SDK's local validation; the version is resolved once per batch, so a batch
    costs at most one request). `on_invalid`: "quarantine" leaves invalid nodes out of the
    result, "report" keeps them; both add them to `rejected`. "raise" raises
    `InvalidMetadataError`. Put it first in an `IngestionPipeline`, before the splitter."""

    subject: str
    version: Version = "latest"
    on_invalid: OnInvalid = "quarantine"
    _client: SchemaClient = PrivateAttr()
    _rejected: list[RejectedNode] = PrivateAttr(default_factory=list)

    def __init__(
        self,
        client: SchemaClient,
        subject: str,
        version: Version = "latest",
        on_invalid: OnInvalid = "quarantine",
    ) -> None:
        fields = {"subject": subject, "version": version, "on_invalid": on_invalid}
        super().__init__(**fields)  # the pydantic fields; the client stays private, unhashed
        self._client = client

    @classmethod
    def class_name(cls) -> str:
        return "RegistryMetadataValidator"

    @property
    def rejected(self) -> list[RejectedNode]:
        """Every node refused so far, across calls (`clear()` empties it)."""
        return self._rejected

    def clear(self) -> None:
        self._rejected = []

    def __call__(self, nodes: Sequence[BaseNode], **kwargs: Any) -> list[BaseNode]:
        schema_id = self._client.get_version(self.subject, self.version).id
        kept: list[BaseNode] = []
        rejected: list[RejectedNode] = []
        for node in nodes:
            outcome = self._client.validate(node.metadata, schema_id=schema_id)
            if outcome.valid:
                kept.append(node)
            else:
                rejected.append(RejectedNode(node, outcome.errors))
        if rejected and self.on_invalid == "raise":
            raise InvalidMetadataError(rejected)
        self._rejected.extend(rejected)
        return list(nodes) if self.on_invalid == "report" else kept


class RegistryProgram(BasePydanticProgram[BaseModel]):
    """A structured-output program whose output class is the Pydantic model generated from a
    registered JSON Schema (`output_cls`). The LLM gets the schema as format instructions
    appended to the prompt, or with `target` ("openai", "openai-compatible", "vllm") the
    registry's provider payload as chat keyword arguments. Each reply is checked by the
    registry (schema and rules); an invalid one is answered with the repair prompt, at most
    `max_retries` times, then `InvalidOutputError`."""

    def __init__(
        self,
        llm: LLM,
        client: SchemaClient,
        subject: str,
        prompt: BasePromptTemplate | str,
        version: Version = "latest",
        *,
        target: str | None = None,
        max_retries: int = 2,
    ) -> None:
        if target is not None and target not in CHAT_KWARGS:
            raise ValueError(f"target must be one of {', '.join(CHAT_KWARGS)} (or None)")
        self._llm = llm
        self._prompt = PromptTemplate(prompt) if isinstance(prompt, str) else prompt
        self._max_retries = max_retries
        self._contract = OutputContract.pinned(client, subject, version)
        self._chat_kwargs: dict[str, Any] = {}
        self._instructions: str | None = None
        if target is None:
            self._instructions = self._contract.instructions()
        else:
            self._contract, payload = self._contract.payload(target)
            self._chat_kwargs = {CHAT_KWARGS[target]: payload}
        self._output_cls = self._contract.model()

    @property
    def output_cls(self) -> type[BaseModel]:
        return self._output_cls

    def __call__(
        self, *args: Any, llm_kwargs: dict[str, Any] | None = None, **kwargs: Any
    ) -> BaseModel:
        options = {**self._chat_kwargs, **(llm_kwargs or {})}
        attempt = run_blocking(
            self._conversation(kwargs), lambda ms: self._llm.chat(ms, **options).message
        )
        return self._answer(attempt)

    async def acall(
        self, *args: Any, llm_kwargs: dict[str, Any] | None = None, **kwargs: Any
    ) -> BaseModel:
        options = {**self._chat_kwargs, **(llm_kwargs or {})}

        async def ask(messages: list[ChatMessage]) -> ChatMessage:
            return (await self._llm.achat(messages, **options)).message

        return self._answer(await run_awaiting(self._conversation(kwargs), ask))

    def _conversation(
        self, prompt_args: dict[str, Any]
    ) -> Generator[list[ChatMessage], ChatMessage, Attempt[ChatMessage]]:
        messages = self._prompt.format_messages(llm=self._llm, **prompt_args)
        if self._instructions:
            messages = [*messages, ChatMessage(role=MessageRole.USER, content=self._instructions)]
        return repairing(
            messages,
            lambda reply: self._contract.check(reply.content or ""),
            _feedback,
            self._max_retries,
        )

    def _answer(self, attempt: Attempt[ChatMessage]) -> BaseModel:
        if not attempt.outcome.valid:
            raise InvalidOutputError(
                attempt.outcome, self._contract.subject, self._contract.version
            )
        return self._output_cls.model_validate(attempt.outcome.extracted)


def _feedback(reply: ChatMessage, repair_prompt: str) -> list[ChatMessage]:
    return [reply, ChatMessage(role=MessageRole.USER, content=repair_prompt)]
