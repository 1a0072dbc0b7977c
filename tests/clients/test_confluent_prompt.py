"""The real confluent-kafka `SchemaRegistryClient` reading a PROMPT schema it does not know:
by id, by subject version and latest, without crashing."""

from __future__ import annotations

import json

import httpx
from confluent_kafka.schema_registry import SchemaRegistryClient

from support import ServerProcess

OUTPUT = {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}
PROMPT = {
    "messages": [{"role": "user", "content": "Answer: {{ question }}"}],
    "variables": {
        "type": "object",
        "properties": {"question": {"type": "string"}},
        "required": ["question"],
    },
    "output_schema": {"$ref": "answer.json"},
}
REFERENCE = {"name": "answer.json", "subject": "answer-value", "version": 1}


def test_confluent_client_reads_a_prompt_by_id(live_server: ServerProcess) -> None:
    url = live_server.url
    output = {"schemaType": "JSON", "schema": json.dumps(OUTPUT)}
    assert httpx.post(f"{url}/subjects/answer-value/versions", json=output).status_code == 200
    prompt = {"schemaType": "PROMPT", "schema": json.dumps(PROMPT), "references": [REFERENCE]}
    reply = httpx.post(f"{url}/subjects/qa-prompt/versions", json=prompt)
    assert reply.status_code == 200, reply.text
    prompt_id = reply.json()["id"]

    client = SchemaRegistryClient({"url": url})
    schema = client.get_schema(prompt_id)
    assert schema.schema_type == "PROMPT"
    assert json.loads(schema.schema_str) == PROMPT
    assert [(r.name, r.subject, r.version) for r in schema.references] == [
        ("answer.json", "answer-value", 1)
    ]
    latest = client.get_latest_version("qa-prompt")
    assert (latest.schema_id, latest.version, latest.schema.schema_type) == (prompt_id, 1, "PROMPT")
    assert client.get_version("qa-prompt", 1).schema.schema_str == schema.schema_str
    assert "qa-prompt" in client.get_subjects()


def test_confluent_client_ignores_the_llm_profiles_config_key(live_server: ServerProcess) -> None:
    url = live_server.url
    config = {"compatibility": "FULL", "llmProfiles": ["openai-strict@2026-02"]}
    assert httpx.put(f"{url}/config/strict-value", json=config).status_code == 200
    found = SchemaRegistryClient({"url": url}).get_config("strict-value")
    assert found.compatibility_level is not None
    assert found.compatibility_level.value == "FULL"
