"""The template sandbox over HTTP: escapes refused at registration (42201 with the reason),
rendering inert and bounded (42263)."""

from __future__ import annotations

import httpx
import pytest
from prompt_samples import prompt_with, register_prompt

VARIABLES = {
    "type": "object",
    "properties": {"x": {"type": "object"}, "items": {"type": "array"}, "s": {"type": "string"}},
}


def template(content: str) -> dict[str, object]:
    messages = [{"role": "user", "content": content}]
    return prompt_with(messages=messages, variables=VARIABLES, output_schema=None)


@pytest.mark.parametrize(
    "content",
    [
        "{{ ''.__class__ }}",
        "{{ x.__class__.__mro__ }}",
        "{% for c in ().__class__.__bases__ %}{{ c }}{% endfor %}",
        "{{ x.__init__.__globals__['os'] }}",
        "{{ s.format(x) }}",
        "{{ x | attr('__class__') }}",
        "{% set y = x %}",
    ],
)
async def test_escapes_are_refused_at_registration(
    sqlite_client: httpx.AsyncClient, content: str
) -> None:
    reply = await register_prompt(sqlite_client, "sandbox", template(content))
    assert (reply.status_code, reply.json()["error_code"]) == (422, 42201)
    assert "is not allowed in a prompt template" in reply.json()["message"]
    assert (await sqlite_client.get("/subjects")).json() == []


async def test_rendering_is_inert_and_bounded(sqlite_client: httpx.AsyncClient) -> None:
    client = sqlite_client
    loops = "{% for a in items %}{% for b in items %}{% endfor %}{% endfor %}"
    content = "[{{ x.items }}{{ s }}]" + loops
    assert (await register_prompt(client, "sandbox", template(content))).status_code == 200
    path = "/subjects/sandbox/versions/1/render"
    inert = {"x": {"a": 1}, "s": "{{ ''.__class__ }}", "items": [1, 2]}
    reply = await client.post(path, json={"variables": inert})
    assert reply.json()["messages"][0]["content"] == "[{{ ''.__class__ }}]"
    bomb = {"x": {}, "s": "", "items": list(range(1000))}
    reply = await client.post(path, json={"variables": bomb})
    assert (reply.status_code, reply.json()["error_code"]) == (422, 42263)
    assert "loop iterations" in reply.json()["message"]
