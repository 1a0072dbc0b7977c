"""Prompt templates (PROMPT) over HTTP: registration through the same protocol as the other
formats (versions, references, lookup, lifecycle, diff), compatibility over the variables and
the output schema, and `POST /subjects/{s}/versions/{v}/render`."""

from __future__ import annotations

import json

import httpx
from prompt_samples import (
    CALL,
    PROMPT,
    SUMMARY,
    SUMMARY_REF,
    prompt_with,
    register_json,
    register_prompt,
    setup_summary_prompt,
    with_variable,
)


async def test_schema_types_list_prompt(sqlite_client: httpx.AsyncClient) -> None:
    assert "PROMPT" in (await sqlite_client.get("/schemas/types")).json()


async def test_register_read_and_render_a_prompt(client: httpx.AsyncClient) -> None:
    schema_id = await setup_summary_prompt(client)
    found = (await client.get("/subjects/ticket-prompt/versions/1")).json()
    assert (found["id"], found["schemaType"]) == (schema_id, "PROMPT")
    assert found["references"] == [SUMMARY_REF]
    assert json.loads(found["schema"]) == PROMPT
    by_id = (await client.get(f"/schemas/ids/{schema_id}")).json()
    assert by_id["schemaType"] == "PROMPT"

    reply = await client.post(
        "/subjects/ticket-prompt/versions/1/render", json={"variables": {**CALL, "style": "short"}}
    )
    assert reply.status_code == 200, reply.text
    rendered = reply.json()
    assert rendered["messages"] == [
        {"role": "system", "content": "You summarize tickets for billing."},
        {"role": "user", "content": "Ticket: Refund\n- late\n- twice\nStyle: SHORT"},
    ]
    assert rendered["model"] == {"name": "gpt-4o-mini", "temperature": 0.2}
    assert rendered["output_schema"] == SUMMARY
    assert (rendered["subject"], rendered["version"]) == ("ticket-prompt", 1)


async def test_render_for_a_provider_returns_the_export_payload(
    sqlite_client: httpx.AsyncClient,
) -> None:
    await setup_summary_prompt(sqlite_client)
    reply = await sqlite_client.post(
        "/subjects/ticket-prompt/versions/latest/render",
        json={"variables": CALL, "target": "openai"},
    )
    assert reply.status_code == 200, reply.text
    payload = reply.json()["output_schema"]
    assert payload["type"] == "json_schema"
    assert payload["json_schema"]["schema"] == SUMMARY
    assert payload["json_schema"]["strict"] is True
    assert reply.json()["output_findings"] == []
    gemini = await sqlite_client.post(
        "/subjects/ticket-prompt/versions/1/render", json={"variables": CALL, "target": "gemini"}
    )
    assert gemini.json()["output_schema"]["responseSchema"]["type"] == "OBJECT"
    rules = {f["rule"] for f in gemini.json()["output_findings"]}
    assert "unsupported-keyword" in rules  # additionalProperties is not Gemini's


async def test_render_names_each_invalid_variable_by_path(client: httpx.AsyncClient) -> None:
    await setup_summary_prompt(client)
    bad = {"team": 7, "ticket": {"title": "x", "lines": ["ok", 3]}, "style": "huge", "extra": 1}
    reply = await client.post("/subjects/ticket-prompt/versions/1/render", json={"variables": bad})
    assert reply.status_code == 422
    body = reply.json()
    assert body["error_code"] == 42262
    paths = [error["path"] for error in body["errors"]]
    assert set(paths) == {"$.team", "$.ticket.lines[1]", "$.style", "$"}
    assert "$.team" in body["message"] and "$.ticket.lines[1]" in body["message"]
    missing = await client.post("/subjects/ticket-prompt/versions/1/render", json={})
    assert missing.json()["error_code"] == 42262
    assert "team" in missing.json()["message"]


async def test_render_refuses_a_schema_that_is_not_a_prompt(
    sqlite_client: httpx.AsyncClient,
) -> None:
    await register_json(sqlite_client, "summary-value", SUMMARY)
    reply = await sqlite_client.post("/subjects/summary-value/versions/1/render", json={})
    assert (reply.status_code, reply.json()["error_code"]) == (422, 42261)
    unknown = await sqlite_client.post("/subjects/nope/versions/1/render", json={})
    assert unknown.json()["error_code"] == 40401


async def test_undeclared_variable_is_refused_at_registration(
    client: httpx.AsyncClient,
) -> None:
    messages = [{"role": "user", "content": "Hi {{ team }}, about {{ customer.name }}"}]
    reply = await register_prompt(client, "p", prompt_with(messages=messages, output_schema=None))
    assert (reply.status_code, reply.json()["error_code"]) == (422, 42201)
    assert "'customer'" in reply.json()["message"]
    assert "messages[0].content" in reply.json()["message"]


async def test_v2_adding_a_required_variable_is_refused_under_backward(
    client: httpx.AsyncClient,
) -> None:
    await setup_summary_prompt(client)
    v2 = prompt_with(variables=with_variable("language", {"type": "string"}, required=True))
    reply = await register_prompt(client, "ticket-prompt", v2)
    assert (reply.status_code, reply.json()["error_code"]) == (409, 40901)
    assert "Variable 'language'" in reply.json()["message"]
    check = await client.post(
        "/compatibility/subjects/ticket-prompt/versions/latest?verbose=true",
        json={"schemaType": "PROMPT", "schema": json.dumps(v2), "references": [SUMMARY_REF]},
    )
    assert check.json()["is_compatible"] is False
    assert any("#/variables/properties/language" in m for m in check.json()["messages"])

    optional = prompt_with(variables=with_variable("language", {"type": "string"}, required=False))
    assert (await register_prompt(client, "ticket-prompt", optional)).status_code == 200


async def test_forward_refuses_a_new_optional_variable_and_backward_a_narrowed_one(
    sqlite_client: httpx.AsyncClient,
) -> None:
    client = sqlite_client
    await setup_summary_prompt(client)
    await client.put("/config/ticket-prompt", json={"compatibility": "FORWARD"})
    optional = prompt_with(variables=with_variable("language", {"type": "string"}, required=False))
    reply = await register_prompt(client, "ticket-prompt", optional)
    assert reply.status_code == 409  # an old version refuses calls passing `language`
    assert "Variable 'language'" in reply.json()["message"]

    await client.put("/config/ticket-prompt", json={"compatibility": "BACKWARD"})
    narrowed = prompt_with(variables=with_variable("style", {"enum": ["short"]}, required=False))
    reply = await register_prompt(client, "ticket-prompt", narrowed)
    assert reply.status_code == 409
    assert "Variable 'style'" in reply.json()["message"]
    retyped = prompt_with(variables=with_variable("team", {"type": "integer"}, required=False))
    reply = await register_prompt(client, "ticket-prompt", retyped)
    assert reply.status_code == 409
    assert "Variable 'team'" in reply.json()["message"]


async def test_output_schema_change_is_judged_by_json_schema_rules(
    sqlite_client: httpx.AsyncClient,
) -> None:
    client = sqlite_client
    await setup_summary_prompt(client)
    # the output subject itself allows anything; the prompt's BACKWARD still judges the move
    await client.put("/config/summary-value", json={"compatibility": "NONE"})
    stricter = {**SUMMARY, "properties": {**SUMMARY["properties"], "score": {"type": "number"}}}
    stricter["required"] = [*SUMMARY["required"], "score"]
    assert (await register_json(client, "summary-value", stricter)).status_code == 200
    moved = [{**SUMMARY_REF, "version": 2}]
    reply = await register_prompt(client, "ticket-prompt", PROMPT, moved)
    assert reply.status_code == 409
    assert "Output schema (summary-value version 2)" in reply.json()["message"]

    looser = {**SUMMARY, "properties": {**SUMMARY["properties"], "score": {"type": "number"}}}
    assert (await register_json(client, "summary-value", looser)).status_code == 200
    reply = await register_prompt(client, "ticket-prompt", PROMPT, [{**SUMMARY_REF, "version": 3}])
    assert reply.status_code == 200, reply.text
    diff = await client.get("/subjects/ticket-prompt/versions/2/diff?against=1")
    kinds = [(c["path"], c["kind"]) for c in diff.json()["changes"]]
    assert ("#/output_schema", "OUTPUT_SCHEMA_CHANGED") in kinds
    assert any(path.startswith("#/output_schema/properties/score") for path, _ in kinds)


async def test_output_schema_must_name_a_json_reference(sqlite_client: httpx.AsyncClient) -> None:
    client = sqlite_client
    reply = await register_prompt(client, "p", PROMPT, references=[])
    assert reply.json()["error_code"] == 42201
    assert "output_schema names 'summary.json'" in reply.json()["message"]
    avro = {"schema": json.dumps({"type": "record", "name": "S", "fields": []})}
    assert (await client.post("/subjects/avro-out/versions", json=avro)).status_code == 200
    ref = [{"name": "summary.json", "subject": "avro-out", "version": 1}]
    reply = await register_prompt(client, "p", PROMPT, ref)
    assert reply.json()["error_code"] == 42201


async def test_versions_lookup_lifecycle_references_and_diff_work_unchanged(
    client: httpx.AsyncClient,
) -> None:
    schema_id = await setup_summary_prompt(client)
    changed = prompt_with(
        messages=[*PROMPT["messages"], {"role": "assistant", "content": "Summary:"}],
        model={"name": "gpt-4o", "temperature": 0.2},
    )
    v2 = await register_prompt(client, "ticket-prompt", changed)
    assert v2.status_code == 200, v2.text
    assert (await client.get("/subjects/ticket-prompt/versions")).json() == [1, 2]
    body = {"schemaType": "PROMPT", "schema": json.dumps(PROMPT), "references": [SUMMARY_REF]}
    looked_up = (await client.post("/subjects/ticket-prompt", json=body)).json()
    assert (looked_up["version"], looked_up["id"]) == (1, schema_id)
    again = await client.post("/subjects/ticket-prompt/versions", json=body)
    assert again.json()["id"] == schema_id  # same schema, no new version

    refs = await client.get("/subjects/summary-value/versions/1/referencedby")
    assert schema_id in refs.json()
    blocked = await client.delete("/subjects/summary-value/versions/1")
    assert blocked.json()["error_code"] == 42206

    diff = await client.get("/subjects/ticket-prompt/versions/2/diff?against=1")
    kinds = [(c["path"], c["kind"], c["breaking"]) for c in diff.json()["changes"]]
    assert ("#/messages/2", "MESSAGE_ADDED", False) in kinds
    assert ("#/model/name", "MODEL_SETTING_CHANGED", False) in kinds

    deprecate = {"state": "DEPRECATED", "reason": "use v2", "sunset_date": "2099-01-01"}
    state = await client.put("/subjects/ticket-prompt/versions/1", json=deprecate)
    assert state.status_code == 200, state.text
    rendered = await client.post(
        "/subjects/ticket-prompt/versions/1/render", json={"variables": CALL}
    )
    assert rendered.status_code == 200  # a deprecated version still renders


async def test_export_of_a_prompt_is_its_variables_as_a_tool(
    sqlite_client: httpx.AsyncClient,
) -> None:
    await setup_summary_prompt(sqlite_client)
    reply = await sqlite_client.get("/subjects/ticket-prompt/versions/1/export?target=mcp-tool")
    assert reply.status_code == 200, reply.text
    schema = reply.json()["payload"]["inputSchema"]
    assert set(schema["properties"]) == {"team", "ticket", "style"}
    assert schema["additionalProperties"] is False  # calls pass declared variables only
