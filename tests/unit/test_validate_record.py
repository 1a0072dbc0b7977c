"""`validation.validate_record`: the offline entry point the SDK uses, without a server."""

from __future__ import annotations

import json

from llm_schema_registry.formats import format_for
from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.validation import validate_record

AVRO = json.dumps(
    {
        "type": "record",
        "name": "Usage",
        "fields": [{"name": "tokens", "type": "int"}, {"name": "model", "type": "string"}],
    }
)
RULES = {
    "domainRules": [
        {
            "name": "positive",
            "kind": "CONDITION",
            "type": "CEL",
            "mode": "WRITE",
            "expr": "message.tokens > 0",
            "params": {"level": "WARN"},
        }
    ]
}


def test_a_record_is_checked_against_schema_and_rules_offline() -> None:
    parsed = format_for(SchemaType.AVRO).parse(AVRO, ())
    good = validate_record(SchemaType.AVRO, parsed, RULES, {"tokens": 3, "model": "m"})
    assert good.as_json() == {"valid": True, "errors": [], "warnings": []}
    warned = validate_record(SchemaType.AVRO, parsed, RULES, {"tokens": 0, "model": "m"})
    assert warned.valid and [w["rule"] for w in warned.as_json()["warnings"]] == ["positive"]
    bad = validate_record(SchemaType.AVRO, parsed, None, {"tokens": "x", "model": "m"})
    assert not bad.valid and bad.as_json()["errors"][0]["path"] == "$.tokens"
