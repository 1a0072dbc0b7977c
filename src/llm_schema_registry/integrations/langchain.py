"""LangChain with the registry (`pip install 'llm-schema-registry[langchain]'`).

- `RegistryOutputParser`: a reply (its text, or the arguments of its tool call) checked with
  the registry's schema and rules; an invalid one raises `RegistryOutputError`, an
  `OutputParserException` whose `observation` is the registry's repair prompt.
- `with_registry_output(model, client, subject)`: the chat model bound to the registered
  schema's provider payload (the registry's export), its replies parsed, and an invalid reply
  answered with the repair prompt and asked again, `max_retries` times at most.
- `load_prompt(client, subject)` (from `langchain_prompts.py`): a registered prompt template
  (PROMPT) as a chat prompt template rendered by the registry; `prompt_chain(model, client,
  subject)`: that prompt, then the model held to the prompt's output schema as above.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from typing import Any

try:
    from langchain_core.callbacks import (
        AsyncCallbackManagerForChainRun,
        CallbackManagerForChainRun,
    )
    from langchain_core.exceptions import OutputParserException
    from langchain_core.language_models import BaseChatModel, LanguageModelInput
    from langchain_core.messages import (
        AIMessage,
        BaseMessage,
        HumanMessage,
        SystemMessage,
        ToolMessage,
        convert_to_messages,
    )
    from langchain_core.output_parsers import BaseOutputParser
    from langchain_core.outputs import ChatGeneration, Generation
    from langchain_core.prompt_values import PromptValue
    from langchain_core.runnables import Runnable, RunnableConfig, RunnableSequence
    from langchain_core.runnables.config import patch_config
except ImportError as missing:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        "llm_schema_registry.integrations.langchain needs langchain-core: "
        "pip install 'llm-schema-registry[langchain]'"
    ) from missing
from pydantic import ConfigDict, PrivateAttr

from llm_schema_registry.client.async_ import AsyncRegistryClient
from llm_schema_registry.client.errors import InvalidRequestError
from llm_schema_registry.client.models import ValidationOutcome
from llm_schema_registry.client.sync import RegistryClient
from llm_schema_registry.integrations.contract import (
    CHAT_KWARGS,
    TOOL_TARGETS,
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
from llm_schema_registry.integrations.langchain_prompts import (
    InvalidPromptVariablesError,
    RegistryPromptTemplate,
    aload_prompt,
    load_prompt,
)

__all__ = [
    "InvalidPromptVariablesError",
    "RegistryOutputError",
    "RegistryOutputParser",
    "RegistryPromptTemplate",
    "RegistryStructuredOutput",
    "aload_prompt",
    "load_prompt",
    "prompt_chain",
    "with_registry_output",
]


class RegistryOutputError(OutputParserException):
    """A reply the registry rejected: `outcome.errors` say where (JSON paths), and the repair
    prompt is both `repair_prompt` and LangChain's `observation` (`send_to_llm=True`)."""

    def __init__(self, outcome: ValidationOutcome, reply: str) -> None:
        problems = "; ".join(f"{p.path}: {p.message}" for p in outcome.errors)
        self.outcome = outcome
        self.repair_prompt = outcome.repair_prompt or ""
        super().__init__(
            f"the reply is not valid for the registered schema: {problems}",
            observation=self.repair_prompt,
            llm_output=reply,
            send_to_llm=True,
        )


class RegistryOutputParser(BaseOutputParser[Any]):
    """Parses a model's reply with a registered schema's version ("latest" by default): the
    JSON it holds (fenced, amid prose, or a tool call's arguments), validated by the SDK with
    the registry's validators and rules. Returns the JSON value, or an instance of the
    Pydantic model generated from the schema with `as_model=True`."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    client: SchemaClient
    subject: str
    version: Version = "latest"
    as_model: bool = False
    _contract: OutputContract = PrivateAttr()

    def model_post_init(self, context: Any, /) -> None:
        self._contract = OutputContract(self.client, self.subject, self.version)

    @classmethod
    def for_contract(cls, contract: OutputContract, as_model: bool = False) -> RegistryOutputParser:
        parser = cls(
            client=contract.client,
            subject=contract.subject,
            version=contract.version,
            as_model=as_model,
        )
        parser._contract = contract
        return parser

    def parse(self, text: str) -> Any:
        return self._parsed(text)

    def parse_result(self, result: list[Generation], *, partial: bool = False) -> Any:
        generation = result[0]
        if isinstance(generation, ChatGeneration):
            return self._parsed(reply_text(generation.message))
        return self._parsed(generation.text)

    def outcome(self, reply: BaseMessage) -> ValidationOutcome:
        """The registry's verdict on a reply, without raising."""
        return self._contract.check(reply_text(reply))

    def shaped(self, outcome: ValidationOutcome) -> Any:
        """A valid outcome's value as this parser returns it."""
        if self.as_model:
            return self._contract.model().model_validate(outcome.extracted)
        return outcome.extracted

    def get_format_instructions(self) -> str:
        return self._contract.instructions()

    @property
    def _type(self) -> str:
        return "llm_schema_registry"

    def _parsed(self, text: str) -> Any:
        outcome = self._contract.check(text)
        if not outcome.valid:
            raise RegistryOutputError(outcome, text)
        return self.shaped(outcome)


class RegistryStructuredOutput(Runnable[LanguageModelInput, Any]):
    """A chat model (already bound to the provider payload) whose replies `parser` checks; an
    invalid reply is followed by the registry's repair prompt and the model asked again, at
    most `max_retries` times, then `RegistryOutputError`. `instructions`: a system message
    put first (the format instructions, when no payload is bound)."""

    def __init__(
        self,
        model: Runnable[LanguageModelInput, BaseMessage],
        parser: RegistryOutputParser,
        *,
        max_retries: int = 2,
        instructions: str | None = None,
    ) -> None:
        self.model = model
        self.parser = parser
        self.max_retries = max_retries
        self.instructions = instructions

    def invoke(
        self, input: LanguageModelInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Any:
        return self._call_with_config(self._repaired, input, config, **kwargs)

    async def ainvoke(
        self, input: LanguageModelInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Any:
        return await self._acall_with_config(self._arepaired, input, config, **kwargs)

    def _repaired(
        self,
        input: LanguageModelInput,
        run_manager: CallbackManagerForChainRun,
        config: RunnableConfig,
    ) -> Any:
        child = patch_config(config, callbacks=run_manager.get_child())
        conversation = self._conversation(input)
        return self._answer(run_blocking(conversation, lambda ms: self.model.invoke(ms, child)))

    async def _arepaired(
        self,
        input: LanguageModelInput,
        run_manager: AsyncCallbackManagerForChainRun,
        config: RunnableConfig,
    ) -> Any:
        child = patch_config(config, callbacks=run_manager.get_child())
        conversation = self._conversation(input)
        return self._answer(
            await run_awaiting(conversation, lambda ms: self.model.ainvoke(ms, child))
        )

    def _conversation(
        self, input: LanguageModelInput
    ) -> Generator[list[BaseMessage], BaseMessage, Attempt[BaseMessage]]:
        messages = _messages(input)
        if self.instructions:
            messages = [SystemMessage(self.instructions), *messages]
        return repairing(messages, self.parser.outcome, _feedback, self.max_retries)

    def _answer(self, attempt: Attempt[BaseMessage]) -> Any:
        if not attempt.outcome.valid:
            raise RegistryOutputError(attempt.outcome, reply_text(attempt.reply))
        return self.parser.shaped(attempt.outcome)


def with_registry_output(
    model: BaseChatModel,
    client: RegistryClient,
    subject: str,
    version: Version = "latest",
    *,
    target: str | None = "openai-tool",
    max_retries: int = 2,
    as_model: bool = False,
) -> RegistryStructuredOutput:
    """`model` made to answer in `subject`'s registered schema, as LangChain's
    `with_structured_output` does with a schema in code. The version is resolved once.

    `target` picks the registry export the model is given: `openai-tool`/`anthropic-tool`
    bound with `bind_tools` (the model must call it), `openai`/`openai-compatible` bound as
    `response_format`, `vllm` as `extra_body` (guided decoding); None binds nothing and puts
    format instructions in a system message, for any chat model."""
    if target is not None and target not in (*TOOL_TARGETS, *CHAT_KWARGS):
        known = ", ".join((*TOOL_TARGETS, *CHAT_KWARGS))
        raise ValueError(f"no LangChain binding for target {target!r}; use one of {known}")
    contract = OutputContract.pinned(client, subject, version)
    bound: Runnable[LanguageModelInput, BaseMessage] = model
    instructions = None
    if target is None:
        instructions = contract.instructions()
    else:
        contract, payload = contract.payload(target)
        bound = _bound(model, target, payload)
    parser = RegistryOutputParser.for_contract(contract, as_model)
    return RegistryStructuredOutput(
        bound, parser, max_retries=max_retries, instructions=instructions
    )


def prompt_chain(
    model: BaseChatModel,
    client: RegistryClient,
    subject: str,
    version: Version = "latest",
    *,
    async_client: AsyncRegistryClient | None = None,
    target: str | None = "openai-tool",
    max_retries: int = 2,
    as_model: bool = False,
) -> RunnableSequence[dict[str, Any], Any]:
    """`load_prompt(client, subject, version) | with_registry_output(model, ...)` for the
    output schema the prompt names (its subject and the referenced version): invoked with the
    prompt's variables, it renders through the registry, asks the model for the registered
    shape and returns the checked (repaired when needed) reply. A prompt naming no output
    schema raises `InvalidRequestError`."""
    prompt = load_prompt(client, subject, version, async_client=async_client)
    if prompt.output_subject is None or prompt.output_version is None:
        raise InvalidRequestError(f"prompt {subject} version {prompt.version} has no output schema")
    structured = with_registry_output(
        model,
        client,
        prompt.output_subject,
        prompt.output_version,
        target=target,
        max_retries=max_retries,
        as_model=as_model,
    )
    return RunnableSequence(prompt, structured)


def reply_text(message: BaseMessage) -> str:
    """The JSON a reply carries: its first tool call's arguments, else its text."""
    if isinstance(message, AIMessage):
        if message.tool_calls:
            return json.dumps(message.tool_calls[0]["args"])
        if message.invalid_tool_calls:
            return message.invalid_tool_calls[0].get("args") or ""
    return str(message.text)


def _bound(
    model: BaseChatModel, target: str, payload: dict[str, Any]
) -> Runnable[LanguageModelInput, BaseMessage]:
    if target in TOOL_TARGETS:
        name = str(payload.get("function", payload)["name"])
        return model.bind_tools([payload], tool_choice=name)
    return model.bind(**{CHAT_KWARGS[target]: payload})


def _messages(input: LanguageModelInput) -> list[BaseMessage]:
    if isinstance(input, PromptValue):
        return input.to_messages()
    if isinstance(input, str):
        return [HumanMessage(input)]
    return convert_to_messages(input)


def _feedback(reply: BaseMessage, repair_prompt: str) -> list[BaseMessage]:
    """The reply, then the repair prompt: as the result of each tool call the reply made
    (tool-calling APIs expect every call answered), else as the user's next message."""
    calls = [*reply.tool_calls, *reply.invalid_tool_calls] if isinstance(reply, AIMessage) else []
    if calls:
        return [reply, *(ToolMessage(repair_prompt, tool_call_id=c["id"] or "") for c in calls)]
    return [reply, HumanMessage(repair_prompt)]
