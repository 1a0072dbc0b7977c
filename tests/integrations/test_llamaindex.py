"""LlamaIndex's own pipeline, index and mock LLM against a real `llm-schema serve`: invalid
node metadata is reported with its path before indexing, and a program driven by a
registered schema repairs an invalid reply with the registry's repair prompt."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from llama_index.core import VectorStoreIndex
from llama_index.core.base.llms.types import ChatMessage, MessageRole
from llama_index.core.embeddings import MockEmbedding
from llama_index.core.ingestion import IngestionPipeline
from llama_index.core.llms.mock import MockFunctionCallingLLM
from llama_index.core.schema import Document

from llm_schema_registry.client import RegistryClient
from llm_schema_registry.integrations.contract import InvalidOutputError
from llm_schema_registry.integrations.llamaindex import (
    InvalidMetadataError,
    RegistryMetadataValidator,
    RegistryProgram,
)
from support import ServerProcess

METADATA = {
    "type": "object",
    "properties": {
        "source": {"type": "string"},
        "year": {"type": "integer", "minimum": 1900},
        "author": {
            "type": "object",
            "properties": {"name": {"type": "string"}},
            "required": ["name"],
        },
    },
    "required": ["source", "year"],
}
SUMMARY = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "minLength": 1},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
    },
    "required": ["title", "tags"],
}
VALID_SUMMARY = '{"title": "Schema registries", "tags": ["llm", "json"]}'
EMPTY_TITLE = '{"title": "", "tags": []}'


@pytest.fixture(scope="module")
def client(live_server: ServerProcess) -> Iterator[RegistryClient]:
    with RegistryClient(live_server.url, retries=1, backoff=0.01) as sdk:
        sdk.register("docs-metadata", METADATA, "JSON")
        sdk.register("summary-value", SUMMARY, "JSON")
        yield sdk


def documents() -> list[Document]:
    return [
        Document(text="The handbook.", id_="good", metadata={"source": "hb", "year": 2024}),
        Document(text="A wiki page.", id_="year-text", metadata={"source": "w", "year": "2024"}),
        Document(
            text="A blog.", id_="no-name", metadata={"source": "b", "year": 2020, "author": {}}
        ),
    ]


class Scripted:
    """Replies for LlamaIndex's MockFunctionCallingLLM, recording what each call received."""

    def __init__(self, *replies: str) -> None:
        self.replies = list(replies)
        self.calls: list[tuple[list[ChatMessage], dict[str, Any]]] = []

    def __call__(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatMessage:
        self.calls.append((list(messages), kwargs))
        return ChatMessage(role=MessageRole.ASSISTANT, content=self.replies.pop(0))


def test_invalid_node_metadata_is_quarantined_with_its_path(client: RegistryClient) -> None:
    validator = RegistryMetadataValidator(client, "docs-metadata")
    pipeline = IngestionPipeline(transformations=[validator], disable_cache=True)
    nodes = pipeline.run(documents=documents())
    assert [node.node_id for node in nodes] == ["good"]
    rejected = {r.node.node_id: [e.path for e in r.errors] for r in validator.rejected}
    assert rejected == {"year-text": ["$.year"], "no-name": ["$.author"]}
    assert "node year-text: $.year:" in validator.rejected[0].describe()
    # before indexing: the index only ever sees the valid document
    validator.clear()
    index = VectorStoreIndex.from_documents(
        documents(), transformations=[validator], embed_model=MockEmbedding(embed_dim=8)
    )
    assert set(index.docstore.docs) == {"good"}
    assert len(validator.rejected) == 2


def test_report_keeps_invalid_nodes_and_raise_refuses_them(client: RegistryClient) -> None:
    reporting = RegistryMetadataValidator(client, "docs-metadata", version=1, on_invalid="report")
    assert len(reporting(documents())) == 3 and len(reporting.rejected) == 2
    strict = RegistryMetadataValidator(client, "docs-metadata", on_invalid="raise")
    with pytest.raises(InvalidMetadataError) as refused:
        strict(documents())
    assert "node year-text: $.year" in str(refused.value)
    assert [r.node.node_id for r in refused.value.rejected] == ["year-text", "no-name"]


def test_the_program_returns_the_registered_model(client: RegistryClient) -> None:
    script = Scripted(f"Sure!\n```json\n{VALID_SUMMARY}\n```")
    llm = MockFunctionCallingLLM(response_generator=script)
    program = RegistryProgram(llm, client, "summary-value", "Summarise: {text}")
    found = program(text="A long article about schema registries.")
    assert isinstance(found, program.output_cls)
    assert found.model_dump() == {"title": "Schema registries", "tags": ["llm", "json"]}
    (messages, _), *_ = script.calls
    assert messages[0].content == "Summarise: A long article about schema registries."
    assert '"maxItems":3' in str(messages[-1].content)  # the format instructions


def test_the_program_repairs_an_invalid_reply(client: RegistryClient) -> None:
    script = Scripted(EMPTY_TITLE, VALID_SUMMARY)
    program = RegistryProgram(
        MockFunctionCallingLLM(response_generator=script),
        client,
        "summary-value",
        "Summarise: {text}",
        target="openai-compatible",
    )
    assert program(text="An article.").model_dump()["title"] == "Schema registries"
    (first, options), (second, _) = script.calls
    payload = client.export("summary-value", "openai-compatible", 1, fix=True).payload
    assert options == {"response_format": payload}
    expected = client.validate_llm_output(EMPTY_TITLE, subject="summary-value").repair_prompt
    assert "- $.title:" in str(expected)
    assert [m.content for m in second] == [*(m.content for m in first), EMPTY_TITLE, expected]
    assert second[-1].role == MessageRole.USER


async def test_the_program_runs_async_and_gives_up_after_its_retries(
    client: RegistryClient,
) -> None:
    script = Scripted(EMPTY_TITLE, VALID_SUMMARY)
    llm = MockFunctionCallingLLM(response_generator=script)
    program = RegistryProgram(llm, client, "summary-value", "Summarise: {text}", target="vllm")
    assert (await program.acall(text="An article.")).model_dump()["tags"] == ["llm", "json"]
    assert script.calls[0][1] == {"extra_body": {"structured_outputs": {"json": SUMMARY}}}
    stubborn = Scripted(EMPTY_TITLE, EMPTY_TITLE)
    program = RegistryProgram(
        MockFunctionCallingLLM(response_generator=stubborn),
        client,
        "summary-value",
        "Summarise: {text}",
        max_retries=1,
    )
    with pytest.raises(InvalidOutputError) as exhausted:
        program(text="An article.")
    assert [p.path for p in exhausted.value.outcome.errors] == ["$.title"]
    assert len(stubborn.calls) == 2
