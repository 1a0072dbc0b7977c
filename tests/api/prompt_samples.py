"""Prompt templates and output schemas shared by the prompt tests, and how to register them."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx

SUMMARY: dict[str, Any] = {
    "type": "object",
    "properties": {"summary": {"type": "string"}, "tone": {"enum": ["neutral", "upbeat"]}},
    "required": ["summary", "tone"],
    "additionalProperties": False,
}
SUMMARY_REF = {"name": "summary.json", "subject": "summary-value", "version": 1}

PROMPT: dict[str, Any] = {
    "description": "Summarize a support ticket",
    "messages": [
        {"role": "system", "content": "You summarize tickets for {{ team }}."},
        {
            "role": "user",
            "content": (
                "Ticket: {{ ticket.title }}\n{% for line in ticket.lines %}- {{ line }}\n"
                "{% endfor %}{% if style %}Style: {{ style | upper }}{% endif %}"
            ),
        },
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
                "required": ["title", "lines"],
            },
            "style": {"enum": ["short", "long"]},
        },
        "required": ["team", "ticket"],
    },
    "output_schema": {"$ref": "summary.json"},
    "model": {"name": "gpt-4o-mini", "temperature": 0.2},
}
CALL = {"team": "billing", "ticket": {"title": "Refund", "lines": ["late", "twice"]}}


def prompt_with(**changes: Any) -> dict[str, Any]:
    """A copy of PROMPT with top-level keys replaced (None removes one)."""
    document = copy.deepcopy(PROMPT)
    for key, value in changes.items():
        if value is None:
            document.pop(key, None)
        else:
            document[key] = value
    return document


def with_variable(name: str, schema: dict[str, Any], *, required: bool) -> dict[str, Any]:
    """PROMPT's variables schema with one more variable."""
    variables = copy.deepcopy(PROMPT["variables"])
    variables["properties"][name] = schema
    if required:
        variables["required"].append(name)
    return variables


async def register_json(client: httpx.AsyncClient, subject: str, schema: Any) -> httpx.Response:
    body = {"schemaType": "JSON", "schema": json.dumps(schema)}
    return await client.post(f"/subjects/{subject}/versions", json=body)


async def register_prompt(
    client: httpx.AsyncClient,
    subject: str,
    document: dict[str, Any],
    references: list[dict[str, Any]] | None = None,
) -> httpx.Response:
    refs = [SUMMARY_REF] if references is None and "output_schema" in document else references
    body = {"schemaType": "PROMPT", "schema": json.dumps(document), "references": refs or []}
    return await client.post(f"/subjects/{subject}/versions", json=body)


async def setup_summary_prompt(client: httpx.AsyncClient, subject: str = "ticket-prompt") -> int:
    """The output schema under summary-value, then PROMPT as version 1 of `subject`."""
    assert (await register_json(client, "summary-value", SUMMARY)).status_code == 200
    reply = await register_prompt(client, subject, PROMPT)
    assert reply.status_code == 200, reply.text
    schema_id: int = reply.json()["id"]
    return schema_id
