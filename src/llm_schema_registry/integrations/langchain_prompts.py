"""Registered prompt templates (PROMPT schemas) as LangChain chat prompt templates
(`pip install 'llm-schema-registry[langchain]'`).

`load_prompt(client, subject)` gives a `BaseChatPromptTemplate` whose input variables are the
prompt's declared variables. Invoking it renders through the registry
(`POST /subjects/{s}/versions/{v}/render`): the registry checks the variables against the
registered variables schema and renders with its sandboxed template engine, so there is no
second template engine here and a prompt renders the same from every framework and SDK.
Invalid variables raise `InvalidPromptVariablesError`, each by its JSON path.
`integrations.langchain.prompt_chain` puts it in front of `with_registry_output` for the
prompt's output schema.
"""

from __future__ import annotations

from typing import Any

try:
    from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
    from langchain_core.prompts.chat import BaseChatPromptTemplate
    from langchain_core.runnables.config import run_in_executor
except ImportError as missing:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        "llm_schema_registry.integrations.langchain_prompts needs langchain-core: "
        "pip install 'llm-schema-registry[langchain]'"
    ) from missing
from pydantic import ConfigDict

from llm_schema_registry.client.async_ import AsyncRegistryClient
from llm_schema_registry.client.errors import InvalidRequestError
from llm_schema_registry.client.models import Problem, RenderedPrompt
from llm_schema_registry.client.sync import RegistryClient
from llm_schema_registry.integrations.contract import Version

__all__ = [
    "InvalidPromptVariablesError",
    "RegistryPromptTemplate",
    "aload_prompt",
    "load_prompt",
]

INVALID_VARIABLES = 42262  # the registry's error code for variables its schema refuses

# A developer message is a system message to LangChain; langchain-openai sends a system
# message carrying this marker with OpenAI's "developer" role.
_DEVELOPER = {"__openai_role__": "developer"}


class InvalidPromptVariablesError(ValueError):
    """Variables the registered variables schema refuses (the registry's 422 / 42262):
    `errors` lists each as a `Problem(path, message)`, its path a JSON path (`$.ticket.title`)."""

    def __init__(
        self, subject: str, version: int, errors: list[Problem], registry_message: str = ""
    ) -> None:
        # without the list (a transport that drops error details), the registry's message
        listed = "; ".join(f"{p.path}: {p.message}" for p in errors) or registry_message
        super().__init__(f"invalid variables for prompt {subject} version {version}: {listed}")
        self.subject = subject
        self.version = version
        self.errors = errors


class RegistryPromptTemplate(BaseChatPromptTemplate):
    """One registered prompt version, rendered by the registry into LangChain messages
    (system and developer → `SystemMessage`, user → `HumanMessage`, assistant → `AIMessage`).

    `input_variables` are the declared variables the schema requires, `optional_variables`
    the others. `invoke` renders with `client`; `ainvoke` with `async_client` when given,
    else with `client` off the event loop. `output_subject`/`output_version`: the prompt's
    output schema (None when it names none)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    client: RegistryClient | None = None
    async_client: AsyncRegistryClient | None = None
    subject: str
    version: int
    output_subject: str | None = None
    output_version: int | None = None

    @property
    def _prompt_type(self) -> str:
        return "llm_schema_registry"

    def format_messages(self, **kwargs: Any) -> list[BaseMessage]:
        if self.client is None:
            raise TypeError("this prompt was loaded with an async client: use ainvoke")
        variables = self._merge_partial_and_user_variables(**kwargs)
        try:
            rendered = self.client.render(self.subject, self.version, variables)
        except InvalidRequestError as error:
            self._raise_for_variables(error)
            raise
        return messages_of(rendered)

    async def aformat_messages(self, **kwargs: Any) -> list[BaseMessage]:
        variables = self._merge_partial_and_user_variables(**kwargs)
        if self.async_client is None:
            return await run_in_executor(None, self.format_messages, **variables)
        try:
            rendered = await self.async_client.render(self.subject, self.version, variables)
        except InvalidRequestError as error:
            self._raise_for_variables(error)
            raise
        return messages_of(rendered)

    def _raise_for_variables(self, error: InvalidRequestError) -> None:
        """The registry's 42262 as InvalidPromptVariablesError; any other error stays as is."""
        if error.error_code == INVALID_VARIABLES:
            found = error.details.get("errors") or []
            problems = [Problem(str(e["path"]), str(e["message"])) for e in found]
            raise InvalidPromptVariablesError(
                self.subject, self.version, problems, error.message
            ) from error


def load_prompt(
    client: RegistryClient,
    subject: str,
    version: Version = "latest",
    *,
    async_client: AsyncRegistryClient | None = None,
) -> RegistryPromptTemplate:
    """`subject`'s prompt template as a LangChain chat prompt template. The version is resolved
    once ("latest" to its number), so every call renders the same template. A version that is
    not a prompt raises `InvalidRequestError`."""
    found = client.get_version(subject, version)
    number = found.version if found.version is not None else int(version)
    variables = client.prompt_variables(subject, number)
    if variables is None:
        raise InvalidRequestError(f"{subject} version {number} is not a prompt template")
    output = client.prompt_output(subject, number)
    return _template(client, async_client, subject, number, variables, output)


async def aload_prompt(
    async_client: AsyncRegistryClient, subject: str, version: Version = "latest"
) -> RegistryPromptTemplate:
    """`load_prompt` with the async client only: the template answers `ainvoke` (and
    `astream`, `abatch`), not `invoke`."""
    found = await async_client.get_version(subject, version)
    number = found.version if found.version is not None else int(version)
    variables = await async_client.prompt_variables(subject, number)
    if variables is None:
        raise InvalidRequestError(f"{subject} version {number} is not a prompt template")
    output = await async_client.prompt_output(subject, number)
    return _template(None, async_client, subject, number, variables, output)


def messages_of(rendered: RenderedPrompt) -> list[BaseMessage]:
    """The registry's rendered messages as LangChain messages."""
    made: list[BaseMessage] = []
    for message in rendered.messages:
        role, content = message["role"], message["content"]
        if role == "system":
            made.append(SystemMessage(content))
        elif role == "developer":
            made.append(SystemMessage(content, additional_kwargs=dict(_DEVELOPER)))
        elif role == "assistant":
            made.append(AIMessage(content))
        else:  # "user", the only other role a prompt template may use
            made.append(HumanMessage(content))
    return made


def _template(
    client: RegistryClient | None,
    async_client: AsyncRegistryClient | None,
    subject: str,
    number: int,
    variables: dict[str, Any],
    output: tuple[str, int] | None,
) -> RegistryPromptTemplate:
    declared = list((variables.get("properties") or {}).keys())
    required = [name for name in variables.get("required") or [] if name in declared]
    return RegistryPromptTemplate(
        client=client,
        async_client=async_client,
        subject=subject,
        version=number,
        input_variables=required,
        optional_variables=[name for name in declared if name not in required],
        # variables are JSON values of any shape; the registry checks them, not LangChain
        input_types=dict.fromkeys(declared, Any),
        output_subject=output[0] if output else None,
        output_version=output[1] if output else None,
    )
