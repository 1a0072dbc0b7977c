"""`client.render` (sync and async, one definition) against a real `llm-schema serve`."""

from __future__ import annotations

from typing import Any

import pytest

from llm_schema_registry.client import (
    AsyncRegistryClient,
    InvalidRequestError,
    RegistryClient,
    RenderedPrompt,
)
from support import ServerProcess

OUTPUT = {
    "type": "object",
    "properties": {"answer": {"type": "string"}},
    "required": ["answer"],
    "additionalProperties": False,
}
PROMPT: dict[str, Any] = {
    "messages": [
        {"role": "system", "content": "Answer in {{ language | default('English') }}."},
        {"role": "user", "content": "{{ question }}"},
    ],
    "variables": {
        "type": "object",
        "properties": {"question": {"type": "string"}, "language": {"type": "string"}},
        "required": ["question"],
    },
    "output_schema": {"$ref": "answer.json"},
}
REFERENCE = {"name": "answer.json", "subject": "answer-value", "version": 1}


@pytest.fixture(scope="module")
def url(live_server: ServerProcess) -> str:
    with RegistryClient(live_server.url) as sdk:
        sdk.register("answer-value", OUTPUT, "JSON")
        sdk.register("qa-prompt", PROMPT, "PROMPT", references=[REFERENCE])
    return live_server.url


def test_render_returns_messages_and_the_output_schema(url: str) -> None:
    with RegistryClient(url) as sdk:
        rendered = sdk.render("qa-prompt", "latest", {"question": "Why?", "language": "French"})
        assert isinstance(rendered, RenderedPrompt)
        assert rendered.messages == [
            {"role": "system", "content": "Answer in French."},
            {"role": "user", "content": "Why?"},
        ]
        assert rendered.output_schema == OUTPUT
        for_openai = sdk.render("qa-prompt", 1, {"question": "Why?"}, target="openai")
        assert for_openai.output_schema is not None
        assert for_openai.output_schema["json_schema"]["strict"] is True
        assert for_openai.messages[0]["content"] == "Answer in English."


def test_invalid_variables_name_their_paths(url: str) -> None:
    with RegistryClient(url) as sdk, pytest.raises(InvalidRequestError) as refused:
        sdk.render("qa-prompt", 1, {"question": 42})
    assert refused.value.error_code == 42262
    assert "$.question" in refused.value.message
    # the error body's list, kept by the SDK for callers that report each path
    assert [e["path"] for e in refused.value.details["errors"]] == ["$.question"]


async def test_a_prompts_output_schema_is_named(url: str) -> None:
    with RegistryClient(url) as sdk:
        assert sdk.prompt_output("qa-prompt") == ("answer-value", 1)
        assert sdk.prompt_output("answer-value") is None  # not a prompt
    async with AsyncRegistryClient(url) as sdk:
        assert await sdk.prompt_output("qa-prompt", 1) == ("answer-value", 1)


async def test_async_render(url: str) -> None:
    async with AsyncRegistryClient(url) as sdk:
        rendered = await sdk.render("qa-prompt", 1, {"question": "How?"})
        assert rendered.messages[1] == {"role": "user", "content": "How?"}


def test_a_prompts_pydantic_model_is_its_variables(url: str) -> None:
    with RegistryClient(url) as sdk:
        model = sdk.load_model("qa-prompt", 1)
    assert set(model.model_fields) == {"question", "language"}
    assert model(question="Why?").model_dump(exclude_none=True) == {"question": "Why?"}
