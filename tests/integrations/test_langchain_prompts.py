"""Registered prompt templates (PROMPT) as LangChain prompt templates, rendered by a real
`llm-schema serve`, through real chains with LangChain's own fake chat model: the messages the
registry renders, its variable errors by path, and prompt → model → checked (repaired) reply."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.prompt_values import ChatPromptValue

from llm_schema_registry.client import AsyncRegistryClient, RegistryClient
from llm_schema_registry.client.errors import InvalidRequestError
from llm_schema_registry.integrations.langchain import (
    InvalidPromptVariablesError,
    RegistryOutputError,
    RegistryPromptTemplate,
    aload_prompt,
    load_prompt,
    prompt_chain,
    with_registry_output,
)
from support import ServerProcess

SUMMARY = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "minLength": 1},
        "priority": {"enum": ["low", "high"]},
    },
    "required": ["title", "priority"],
}
TICKET_PROMPT = {
    "description": "Summarize a support ticket",
    "messages": [
        {"role": "system", "content": "You summarize tickets for {{ team }}."},
        {
            "role": "user",
            "content": "Ticket: {{ ticket.title }}\n"
            "{% for line in ticket.lines %}- {{ line }}\n{% endfor %}",
        },
        {"role": "assistant", "content": "Understood{% if style %} ({{ style }}){% endif %}."},
        {"role": "user", "content": "Now the summary."},
    ],
    "variables": {
        "type": "object",
        "properties": {
            "team": {"type": "string"},
            "ticket": {
                "type": "object",
                "properties": {
                    "title": {"type": "string"},
                    "lines": {"type": "array", "items": {"type": "string"}},
                },
            },
            "style": {"enum": ["short", "long"]},
        },
        "required": ["team", "ticket"],
    },
    "output_schema": {"$ref": "summary.json"},
    "model": {"name": "gpt-4o-mini", "temperature": 0.2},
}
REFERENCES = [{"name": "summary.json", "subject": "summary-value", "version": 1}]
GREETING = {
    "messages": [{"role": "developer", "content": "Greet {{ name }}."}],
    "variables": {"type": "object", "properties": {"name": {"type": "string"}}},
}
CALL = {"team": "billing", "ticket": {"title": "Refund", "lines": ["late", "twice"]}}
EXPECTED = [
    SystemMessage("You summarize tickets for billing."),
    HumanMessage("Ticket: Refund\n- late\n- twice\n"),
    AIMessage("Understood."),
    HumanMessage("Now the summary."),
]
VALID = '{"title": "Refund asked twice", "priority": "high"}'
INVALID = '{"title": "", "priority": "urgent"}'


class Recorder(BaseCallbackHandler):
    """What each chat model call received, as a tracer sees it."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[BaseMessage], dict[str, Any]]] = []

    def on_chat_model_start(
        self, serialized: dict[str, Any], messages: list[list[BaseMessage]], **kwargs: Any
    ) -> None:
        self.calls.append((messages[0], kwargs.get("invocation_params") or {}))


@pytest.fixture(scope="module")
def client(live_server: ServerProcess) -> Iterator[RegistryClient]:
    with RegistryClient(live_server.url, retries=1, backoff=0.01) as sdk:
        sdk.register("summary-value", SUMMARY, "JSON")
        sdk.register("ticket-prompt", TICKET_PROMPT, "PROMPT", references=REFERENCES)
        sdk.register("greeting-prompt", GREETING, "PROMPT")
        yield sdk


@pytest.fixture
async def async_client(live_server: ServerProcess) -> AsyncIterator[AsyncRegistryClient]:
    async with AsyncRegistryClient(live_server.url, retries=1, backoff=0.01) as sdk:
        yield sdk


def test_a_registered_prompt_renders_to_langchain_messages(client: RegistryClient) -> None:
    prompt = load_prompt(client, "ticket-prompt")
    assert isinstance(prompt, RegistryPromptTemplate)
    assert (prompt.version, prompt.input_variables) == (1, ["team", "ticket"])
    assert prompt.optional_variables == ["style"]
    assert (prompt.output_subject, prompt.output_version) == ("summary-value", 1)
    rendered = prompt.invoke(CALL)
    assert isinstance(rendered, ChatPromptValue)
    assert rendered.to_messages() == EXPECTED
    # the optional variable, and the same messages as the registry's own render
    styled = prompt.format_messages(**CALL, style="short")
    assert styled[2] == AIMessage("Understood (short).")
    registry = client.render("ticket-prompt", 1, {**CALL, "style": "short"}).messages
    assert [m.text for m in styled] == [m["content"] for m in registry]


def test_partial_variables_and_roles(client: RegistryClient) -> None:
    prompt = load_prompt(client, "ticket-prompt", 1).partial(team="billing")
    assert prompt.input_variables == ["ticket"]
    assert prompt.invoke({"ticket": CALL["ticket"]}).to_messages() == EXPECTED
    greeting = load_prompt(client, "greeting-prompt")
    assert greeting.output_subject is None
    (message,) = greeting.format_messages(name="Ada")
    # a developer message: a system message langchain-openai sends with the developer role
    assert isinstance(message, SystemMessage) and message.text == "Greet Ada."
    assert message.additional_kwargs == {"__openai_role__": "developer"}


def test_invalid_variables_are_named_by_path(client: RegistryClient) -> None:
    prompt = load_prompt(client, "ticket-prompt")
    wrong = {"team": 7, "ticket": {"title": "Refund", "lines": ["late", 3]}, "style": "epic"}
    with pytest.raises(InvalidPromptVariablesError) as invalid:
        prompt.invoke(wrong)
    paths = sorted(p.path for p in invalid.value.errors)
    assert paths == ["$.style", "$.team", "$.ticket.lines[1]"]
    message = str(invalid.value)
    assert "ticket-prompt version 1" in message
    assert all(path in message for path in paths)
    with pytest.raises(InvalidPromptVariablesError, match=r"\$: .*undeclared"):
        prompt.invoke({**CALL, "undeclared": 1})  # the variables schema is closed
    with pytest.raises(KeyError, match="missing variables"):  # LangChain's own check
        prompt.invoke({"team": "billing"})


def test_only_prompts_load(client: RegistryClient) -> None:
    with pytest.raises(InvalidRequestError, match="not a prompt template"):
        load_prompt(client, "summary-value")
    with pytest.raises(InvalidRequestError, match="no output schema"):
        prompt_chain(FakeListChatModel(responses=[VALID]), client, "greeting-prompt")


def test_prompt_model_parsed_output_with_a_repair(client: RegistryClient) -> None:
    recorder = Recorder()
    model = FakeListChatModel(responses=[INVALID, VALID])
    chain = prompt_chain(model, client, "ticket-prompt", target="openai")
    found = chain.invoke(CALL, {"callbacks": [recorder]})
    assert found == {"title": "Refund asked twice", "priority": "high"}
    (first, params), (second, _) = recorder.calls
    assert first == EXPECTED  # the registry's rendering reached the model
    payload = client.export("summary-value", "openai", 1, fix=True).payload
    assert params["response_format"] == payload
    repair = second[-1]
    assert second[:-2] == EXPECTED
    assert isinstance(second[-2], AIMessage) and second[-2].text == INVALID
    assert isinstance(repair, HumanMessage)
    assert "$.title" in repair.text and "$.priority" in repair.text


def test_composed_by_hand_and_exhausted(client: RegistryClient) -> None:
    prompt = load_prompt(client, "ticket-prompt")
    assert prompt.output_subject is not None
    structured = with_registry_output(
        FakeListChatModel(responses=[INVALID]),
        client,
        prompt.output_subject,
        prompt.output_version or "latest",
        target=None,
        max_retries=0,
    )
    with pytest.raises(RegistryOutputError) as exhausted:
        (prompt | structured).invoke(CALL)
    assert sorted(p.path for p in exhausted.value.outcome.errors) == ["$.priority", "$.title"]


async def test_async_render_and_chain(
    client: RegistryClient, async_client: AsyncRegistryClient
) -> None:
    prompt = await aload_prompt(async_client, "ticket-prompt")
    assert (await prompt.ainvoke(CALL)).to_messages() == EXPECTED
    with pytest.raises(TypeError, match="use ainvoke"):
        prompt.invoke(CALL)
    with pytest.raises(InvalidPromptVariablesError) as invalid:
        await prompt.ainvoke({**CALL, "team": ["billing"]})
    assert [p.path for p in invalid.value.errors] == ["$.team"]
    # a sync-loaded prompt renders off the event loop; the chain with the async client
    sync_loaded = load_prompt(client, "ticket-prompt")
    assert (await sync_loaded.ainvoke(CALL)).to_messages() == EXPECTED
    chain = prompt_chain(
        FakeListChatModel(responses=[INVALID, VALID]),
        client,
        "ticket-prompt",
        async_client=async_client,
        target=None,
        as_model=True,
    )
    found: Any = await chain.ainvoke(CALL)
    assert found.model_dump(mode="json") == {"title": "Refund asked twice", "priority": "high"}
