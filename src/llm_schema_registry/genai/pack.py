"""The pack's events. Attribute names follow the OpenTelemetry GenAI semantic conventions
(https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/ and gen-ai-metrics/)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from llm_schema_registry.genai.fields import Field, avro_schema, json_schema

PACK_VERSION = "1.0.0"
NAMESPACE = "ai.genai.events"
OWNER = "genai-platform"
DOC_URL = "https://opentelemetry.io/docs/specs/semconv/gen-ai/"

_ID = Field("event_id", "string", "Unique id of this event (UUID)")
_TIME = Field("timestamp", "timestamp", "When the event happened (UTC)")
_SYSTEM = Field("gen_ai.system", "string", "gen_ai.system: the provider (openai, anthropic, ...)")
_REQUEST_MODEL = Field("gen_ai.request.model", "string", "gen_ai.request.model")

INFERENCE = [
    _ID,
    _TIME,
    Field("gen_ai.operation.name", "string", "gen_ai.operation.name: chat, embeddings, ..."),
    _SYSTEM,
    _REQUEST_MODEL,
    Field("gen_ai.response.model", "string", "gen_ai.response.model", optional=True),
    Field("gen_ai.response.id", "string", "gen_ai.response.id", optional=True),
    Field("gen_ai.request.temperature", "double", "gen_ai.request.temperature", optional=True),
    Field("gen_ai.request.max_tokens", "long", "gen_ai.request.max_tokens", optional=True),
    Field(
        "gen_ai.response.finish_reasons",
        "strings",
        "gen_ai.response.finish_reasons: why generation stopped, per choice",
    ),
    Field("gen_ai.usage.input_tokens", "long", "gen_ai.usage.input_tokens", optional=True),
    Field("gen_ai.usage.output_tokens", "long", "gen_ai.usage.output_tokens", optional=True),
    Field(
        "gen_ai.client.operation.duration",
        "double",
        "gen_ai.client.operation.duration: latency of the call in seconds",
    ),
    Field("error.type", "string", "error.type: the error class when the call failed", True),
    Field("server.address", "string", "server.address: the endpoint called", optional=True),
]

TOKEN_USAGE = [
    _ID,
    _TIME,
    Field("tenant_id", "string", "Who is billed"),
    _SYSTEM,
    _REQUEST_MODEL,
    Field("input_tokens", "long", "gen_ai.usage.input_tokens"),
    Field("output_tokens", "long", "gen_ai.usage.output_tokens"),
    Field("total_tokens", "long", "input_tokens + output_tokens"),
    Field("cost_usd", "double", "Cost of the call in US dollars"),
]
COST_RULES = {
    "domainRules": [
        {
            "name": "totalTokensIsSum",
            "kind": "CONDITION",
            "type": "CEL",
            "mode": "WRITE",
            "doc": "total_tokens == input_tokens + output_tokens",
            "expr": "message.total_tokens == message.input_tokens + message.output_tokens",
            "params": {"level": "STRICT"},
        },
        {
            "name": "costNotNegative",
            "kind": "CONDITION",
            "type": "CEL",
            "mode": "WRITE",
            "doc": "cost_usd >= 0",
            "expr": "message.cost_usd >= 0.0",
            "params": {"level": "STRICT"},
        },
    ]
}

POLICY_VIOLATION = [
    _ID,
    _TIME,
    _SYSTEM,
    _REQUEST_MODEL,
    Field("gen_ai.response.id", "string", "gen_ai.response.id", optional=True),
    Field("policy_id", "string", "The policy that fired"),
    Field(
        "category",
        "enum",
        "What kind of violation",
        symbols=(
            "PROMPT_INJECTION",
            "JAILBREAK",
            "PII_LEAK",
            "TOXICITY",
            "DATA_EXFILTRATION",
            "OTHER",
        ),
        enum_name="ViolationCategory",
    ),
    Field(
        "severity",
        "enum",
        "How bad",
        symbols=("LOW", "MEDIUM", "HIGH", "CRITICAL"),
        enum_name="Severity",
    ),
    Field(
        "action",
        "enum",
        "What the guardrail did",
        symbols=("BLOCKED", "REDACTED", "FLAGGED", "ALLOWED"),
        enum_name="PolicyAction",
    ),
    Field("details", "string", "Free text for reviewers (no raw user data)", optional=True),
]

EVALUATION = [
    _ID,
    _TIME,
    Field("gen_ai.evaluation.name", "string", "gen_ai.evaluation.name: e.g. faithfulness"),
    Field("gen_ai.evaluation.score.value", "double", "gen_ai.evaluation.score.value"),
    Field("gen_ai.evaluation.score.label", "string", "gen_ai.evaluation.score.label", True),
    Field("gen_ai.evaluation.explanation", "string", "gen_ai.evaluation.explanation", True),
    Field("gen_ai.response.id", "string", "gen_ai.response.id of the evaluated reply", True),
    _REQUEST_MODEL,
    Field("evaluator", "string", "Who or what evaluated (a model name, a person, a suite)"),
]


@dataclass(frozen=True)
class PackSchema:
    """One registration: a subject, its schema text and type, metadata, rules."""

    subject: str
    schema_type: str
    schema: dict[str, Any]
    metadata: dict[str, Any]
    rule_set: dict[str, Any] | None = None

    @property
    def text(self) -> str:
        return json.dumps(self.schema, separators=(",", ":"))


def _metadata(description: str, tags: str) -> dict[str, Any]:
    return {
        "properties": {
            "owner": OWNER,
            "description": description,
            "tags": f"genai,genai-pack,{tags}",
            "doc_url": DOC_URL,
            "pack": "genai",
            "pack_version": PACK_VERSION,
        }
    }


def _both(
    topic: str, name: str, description: str, tags: str, fields: list[Field], rules: Any = None
) -> list[PackSchema]:
    metadata = _metadata(description, tags)
    return [
        PackSchema(
            f"{topic}-value",
            "AVRO",
            avro_schema(name, NAMESPACE, description, fields),
            metadata,
            rules,
        ),
        PackSchema(
            f"{topic}.json-value", "JSON", json_schema(name, description, fields), metadata, rules
        ),
    ]


PACK: list[PackSchema] = [
    *_both(
        "genai.inference",
        "InferenceEvent",
        "One LLM call: request, response and usage (OpenTelemetry GenAI conventions)",
        "inference,otel",
        INFERENCE,
    ),
    *_both(
        "genai.token-usage",
        "TokenUsageEvent",
        "Tokens and cost of one LLM call, for billing",
        "usage,cost,billing",
        TOKEN_USAGE,
        COST_RULES,
    ),
    *_both(
        "genai.policy-violation",
        "PolicyViolationEvent",
        "A guardrail or security policy fired on a prompt or reply",
        "security,policy",
        POLICY_VIOLATION,
    ),
    *_both(
        "genai.evaluation",
        "EvaluationResultEvent",
        "The score of one evaluation of a model reply",
        "evaluation,quality",
        EVALUATION,
    ),
]
