"""LangChain's own fake chat models through real chains, checked by a real `llm-schema serve`:
a valid reply parses to the registered shape, an invalid one yields the registry's repair
prompt, and the retry that sends it back succeeds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models.fake_chat_models import (
    FakeListChatModel,
    GenericFakeChatModel,
)
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from pydantic import BaseModel

from llm_schema_registry.client import RegistryClient
from llm_schema_registry.integrations.langchain import (
    RegistryOutputError,
    RegistryOutputParser,
    RegistryStructuredOutput,
    with_registry_output,
)
from support import ServerProcess

SUBJECT = "forecast-value"
FORECAST = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "minLength": 1},
        "low": {"type": "integer"},
        "high": {"type": "integer"},
        "note": {"type": "string"},
    },
    "required": ["city", "low", "high"],
}
RULES = {
    "domainRules": [
        {
            "name": "lowNotAboveHigh",
            "kind": "CONDITION",
            "type": "CEL",
            "mode": "WRITE",
            "expr": "message.low <= message.high",
        }
    ]
}
VALID = '{"city": "Oslo", "low": 1, "high": 5}'
BROKEN_RULE = '{"city": "Oslo", "low": 9, "high": 5}'
OSLO = {"city": "Oslo", "low": 1, "high": 5}


@pytest.fixture(scope="module")
def client(live_server: ServerProcess) -> Iterator[RegistryClient]:
    with RegistryClient(live_server.url, retries=1, backoff=0.01) as sdk:
        sdk.register(SUBJECT, FORECAST, "JSON", rule_set=RULES)
        yield sdk


class Recorder(BaseCallbackHandler):
    """What each chat model call received (LangChain's callbacks, as a tracer sees them)."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[BaseMessage], dict[str, Any]]] = []

    def on_chat_model_start(
        self, serialized: dict[str, Any], messages: list[list[BaseMessage]], **kwargs: Any
    ) -> None:
        self.calls.append((messages[0], kwargs.get("invocation_params") or {}))


def test_a_valid_reply_parses_to_the_registered_shape(client: RegistryClient) -> None:
    parser = RegistryOutputParser(client=client, subject=SUBJECT)
    chain = FakeListChatModel(responses=[f"Here it is:\n```json\n{VALID}\n```"]) | parser
    assert chain.invoke("Weather in Oslo?") == OSLO
    typed = RegistryOutputParser(client=client, subject=SUBJECT, as_model=True).invoke(
        AIMessage(VALID)
    )
    assert isinstance(typed, BaseModel)
    assert typed.model_dump(exclude_none=True) == OSLO
    assert '"minLength":1' in parser.get_format_instructions()


def test_an_invalid_reply_yields_the_repair_prompt(client: RegistryClient) -> None:
    parser = RegistryOutputParser(client=client, subject=SUBJECT, version=1)
    wrong_type = FakeListChatModel(responses=['{"city": "Oslo", "low": "cold", "high": 5}'])
    with pytest.raises(RegistryOutputError) as schema_error:
        (wrong_type | parser).invoke("Weather in Oslo?")
    error = schema_error.value
    assert [p.path for p in error.outcome.errors] == ["$.low"]
    assert "- $.low:" in error.repair_prompt
    # LangChain's own fields: what agents send back to the model
    assert (error.observation, error.send_to_llm) == (error.repair_prompt, True)
    with pytest.raises(RegistryOutputError) as rule_error:
        (FakeListChatModel(responses=[BROKEN_RULE]) | parser).invoke("Weather in Oslo?")
    assert "lowNotAboveHigh" in rule_error.value.repair_prompt  # the registry's CEL rule


def test_the_retry_sends_the_repair_prompt_and_succeeds(client: RegistryClient) -> None:
    recorder = Recorder()
    model = FakeListChatModel(responses=[BROKEN_RULE, VALID])
    structured = with_registry_output(model, client, SUBJECT, target=None)
    assert structured.invoke("Weather in Oslo?", {"callbacks": [recorder]}) == OSLO
    (first, _), (second, _) = recorder.calls
    assert isinstance(first[0], SystemMessage) and '"minLength":1' in first[0].text
    assert first[1] == HumanMessage("Weather in Oslo?")
    expected = client.validate_llm_output(BROKEN_RULE, subject=SUBJECT).repair_prompt
    assert second[:2] == first
    assert isinstance(second[2], AIMessage) and second[2].text == BROKEN_RULE
    assert second[3:] == [HumanMessage(str(expected))]


def test_retries_are_bounded(client: RegistryClient) -> None:
    recorder = Recorder()
    model = FakeListChatModel(responses=["I cannot answer in JSON."])
    structured = with_registry_output(model, client, SUBJECT, target=None, max_retries=1)
    with pytest.raises(RegistryOutputError) as exhausted:
        structured.invoke("Weather in Oslo?", {"callbacks": [recorder]})
    assert len(recorder.calls) == 2
    assert "no JSON object found" in exhausted.value.repair_prompt


def test_the_provider_payload_reaches_the_model(client: RegistryClient) -> None:
    recorder = Recorder()
    # OpenAI strict mode: the export made the optional `note` required and nullable
    reply = '{"city": "Oslo", "low": 1, "high": 5, "note": null}'
    structured = with_registry_output(
        FakeListChatModel(responses=[reply]), client, SUBJECT, target="openai"
    )
    assert structured.invoke("Weather in Oslo?", {"callbacks": [recorder]}) == OSLO
    payload = client.export(SUBJECT, "openai", 1, fix=True).payload
    assert recorder.calls[0][1]["response_format"] == payload
    assert payload["json_schema"]["schema"]["properties"]["note"]["type"] == ["string", "null"]
    # the null meant "absent": the registry's own schema refuses a null note
    assert not client.validate_llm_output(reply, subject=SUBJECT).valid


def test_vllm_guided_decoding_is_bound_as_extra_body(client: RegistryClient) -> None:
    recorder = Recorder()
    structured = with_registry_output(
        FakeListChatModel(responses=[VALID]), client, SUBJECT, target="vllm"
    )
    assert structured.invoke("Weather in Oslo?", {"callbacks": [recorder]}) == OSLO
    assert recorder.calls[0][1]["extra_body"] == {"structured_outputs": {"json": FORECAST}}


def test_tool_call_replies_are_answered_per_call(client: RegistryClient) -> None:
    def call(args: dict[str, Any], call_id: str) -> AIMessage:
        return AIMessage("", tool_calls=[{"name": SUBJECT, "args": args, "id": call_id}])

    recorder = Recorder()
    model = GenericFakeChatModel(
        messages=iter([call({**OSLO, "city": ""}, "c1"), call(OSLO, "c2")])
    )
    structured = RegistryStructuredOutput(
        model, RegistryOutputParser(client=client, subject=SUBJECT)
    )
    assert structured.invoke("Weather in Oslo?", {"callbacks": [recorder]}) == OSLO
    answer = recorder.calls[1][0][-1]
    assert isinstance(answer, ToolMessage) and answer.tool_call_id == "c1"
    assert "- $.city:" in answer.text


async def test_async_invoke_repairs_too(client: RegistryClient) -> None:
    model = FakeListChatModel(responses=['```json\n{"city": "Oslo",}\n```', VALID])
    structured = with_registry_output(model, client, SUBJECT, target=None, as_model=True)
    found = await structured.ainvoke("Weather in Oslo?")
    assert json.loads(found.model_dump_json(exclude_none=True)) == OSLO


def test_targets_without_a_binding_are_refused(client: RegistryClient) -> None:
    with pytest.raises(ValueError, match="no LangChain binding"):
        with_registry_output(FakeListChatModel(responses=[VALID]), client, SUBJECT, target="gemini")
