"""JSON out of messy model replies, and `POST /validate` with `llm_output` on the real app."""

from __future__ import annotations

import json

import httpx

from llm_schema_registry.llm.output import extract_json, repair_prompt

PROSE_AND_FENCE = """Sure! Here is the ticket you asked for:

```json
{"title": "Login fails", "priority": "high", "labels": ["auth", "bug"]}
```

Let me know if you need anything else. {"not": "this one"}"""

TRAILING_COMMA = """Here you go:
{
  "title": "Login fails",
  "priority": "high",
}
Hope that helps."""

TWO_OBJECTS = (
    'First attempt: {"title": "A", "priority": "low"} and a better one: '
    '{"title": "B", "priority": "high"}'
)

NESTED_PROSE = (
    "The answer {as requested} is below.\n"
    'Result: {"title": "Braces } inside \\"strings\\" {", "priority": "low", "meta": {"n": 1}}'
    "\nThanks!"
)


def test_fenced_block_wins_over_prose_objects() -> None:
    found = extract_json(PROSE_AND_FENCE)
    assert found.ok and found.source == "fenced"
    assert found.value == {"title": "Login fails", "priority": "high", "labels": ["auth", "bug"]}


def test_untagged_fence_is_used_when_no_json_fence() -> None:
    found = extract_json('Output:\n```\n{"a": 1}\n```\n')
    assert (found.source, found.value) == ("fenced", {"a": 1})


def test_trailing_comma_is_named_with_its_position() -> None:
    found = extract_json(TRAILING_COMMA)
    assert found.error is not None
    comma = TRAILING_COMMA.index('"high",') + len('"high"')
    assert found.error.startswith(f"trailing comma at line 4 column 21 (character {comma})")
    assert "before '}'" in found.error


def test_two_objects_use_the_first_and_say_so() -> None:
    found = extract_json(TWO_OBJECTS)
    assert found.value == {"title": "A", "priority": "low"}
    assert found.notes == ["2 JSON values in the reply; the first was used"]


def test_braces_in_prose_and_strings() -> None:
    # "{as requested}" is prose, not JSON: skipped for the object that follows.
    found = extract_json(NESTED_PROSE)
    assert found.value == {
        "title": 'Braces } inside "strings" {',
        "priority": "low",
        "meta": {"n": 1},
    }


def test_no_json_at_all() -> None:
    assert extract_json("I cannot help with that.").error == "no JSON object found in the reply"


def test_unterminated_object_reports_where() -> None:
    found = extract_json('Here: {"title": "x", "priority": ')
    assert found.error is not None and found.error.startswith("invalid JSON at line 1")


def test_repair_prompt_is_compact_and_lists_problems() -> None:
    prompt = repair_prompt(
        [{"path": "$.priority", "message": "'urgent' is not one of ['low', 'high']"}],
        {"type": "object"},
    )
    assert "- $.priority: 'urgent' is not one of ['low', 'high']" in prompt
    assert 'Schema: {"type":"object"}' in prompt
    assert len(prompt.splitlines()) == 5


TICKET = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "priority": {"enum": ["low", "high"]},
        "labels": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["title", "priority"],
}


async def test_validate_endpoint_takes_raw_model_output(sqlite_client: httpx.AsyncClient) -> None:
    reply = await sqlite_client.post(
        "/subjects/ticket-value/versions",
        json={"schema": json.dumps(TICKET), "schemaType": "JSON"},
    )
    assert reply.status_code == 200, reply.text
    good = await sqlite_client.post(
        "/validate", json={"subject": "ticket-value", "llm_output": PROSE_AND_FENCE}
    )
    body = good.json()
    assert good.status_code == 200, body
    assert body["valid"] is True and body["repair_prompt"] is None
    assert body["source"] == "fenced" and body["extracted"]["title"] == "Login fails"

    wrong = PROSE_AND_FENCE.replace('"high"', '"urgent"')
    bad = (
        await sqlite_client.post(
            "/validate", json={"subject": "ticket-value", "version": 1, "llm_output": wrong}
        )
    ).json()
    assert bad["valid"] is False
    assert [e["path"] for e in bad["errors"]] == ["$.priority"]
    assert "$.priority" in bad["repair_prompt"] and "Schema:" in bad["repair_prompt"]

    comma = (
        await sqlite_client.post(
            "/validate", json={"subject": "ticket-value", "llm_output": TRAILING_COMMA}
        )
    ).json()
    assert comma["valid"] is False and comma["extracted"] is None
    assert comma["errors"][0]["message"].startswith("trailing comma at line 4 column 21")

    two = (
        await sqlite_client.post(
            "/validate", json={"subject": "ticket-value", "llm_output": TWO_OBJECTS}
        )
    ).json()
    assert two["valid"] is True and two["notes"]


async def test_validate_needs_exactly_one_input(sqlite_client: httpx.AsyncClient) -> None:
    await sqlite_client.post(
        "/subjects/ticket-value/versions",
        json={"schema": json.dumps(TICKET), "schemaType": "JSON"},
    )
    reply = await sqlite_client.post(
        "/validate", json={"subject": "ticket-value", "data": {}, "llm_output": "{}"}
    )
    assert reply.status_code == 422


def test_fence_variants() -> None:
    one_line = extract_json('Result: ```json {"a": 1}``` done')
    assert (one_line.source, one_line.value) == ("fenced", {"a": 1})
    other_language = extract_json('```python\nprint("x")\n```\nThe data: {"a": 2}')
    assert (other_language.source, other_language.value) == ("embedded", {"a": 2})
    both = extract_json('```\n{"untagged": true}\n```\n```JSON\n{"tagged": true}\n```')
    assert both.value == {"tagged": True}
