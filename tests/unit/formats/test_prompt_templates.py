"""The prompt template language: what is refused at parse time and why, and rendering that
stays inert whatever the variables hold."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llm_schema_registry.formats.base import InvalidSchemaError, RenderError
from llm_schema_registry.formats.prompt import PromptFormat, PromptSchema

FMT = PromptFormat()
ANY_OBJECT: dict[str, Any] = {"type": "object"}
VARIABLES = {
    "type": "object",
    "properties": {
        "x": ANY_OBJECT,
        "s": {"type": "string"},
        "n": {"type": "integer"},
        "items": {"type": "array"},
    },
}


def prompt(template: str) -> PromptSchema:
    document = {"messages": [{"role": "user", "content": template}], "variables": VARIABLES}
    return FMT.parse(json.dumps(document))


def render(template: str, **variables: Any) -> str:
    return FMT.prompt(prompt(template)).render(variables)[0].content


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("{{ ''.__class__ }}", "reading '__class__'"),
        ("{{ x.__class__.__mro__ }}", "reading '__mro__'"),
        ("{% for c in ().__class__.__bases__ %}{{ c }}{% endfor %}", "reading '__bases__'"),
        ("{{ x['__globals__'] }}", "reading '__globals__'"),
        ("{{ x._private }}", "reading '_private'"),
        ("{{ s.upper() }}", "'Call'"),
        ("{{ ''.join }}", "reading into anything but a variable"),
        ("{{ x | attr('__class__') }}", "the 'attr' filter"),
        ("{{ x | map('upper') | list }}", "the 'list' filter"),
        ("{{ n is callable }}", "the 'callable' test"),
        ("{% set y = 1 %}", "'assign' statement"),
        ("{% macro m() %}{% endmacro %}", "'macro' statement"),
        ("{% include 'other' %}", "'include' statement"),
        ("{% import 'other' as o %}", "'import' statement"),
        ("{% extends 'base' %}", "'extends' statement"),
        ("{% with y = 1 %}{% endwith %}", "'with' statement"),
        ("{% filter upper %}x{% endfilter %}", "'filterblock' statement"),
        ("{{ n + 1 }}", "'Add'"),
        ("{{ n * 99999999 }}", "'Mul'"),
        ("{{ items[1:3] }}", "this subscript"),
        ("{% for y in items recursive %}{% endfor %}", "a recursive loop"),
        ("{{ x | tojson(indent=99999999) }}", "arguments to the 'tojson' filter"),
        ("{{ s | replace('', s) }}", "the 'replace' filter"),
    ],
)
def test_unsafe_or_logic_heavy_templates_are_refused(template: str, reason: str) -> None:
    with pytest.raises(InvalidSchemaError) as refused:
        prompt(template)
    assert reason in str(refused.value)
    assert "messages[0].content" in str(refused.value)


@pytest.mark.parametrize("name", ["lipsum", "range", "cycler", "joiner", "namespace", "dict"])
def test_jinja_globals_are_undeclared_variables(name: str) -> None:
    with pytest.raises(InvalidSchemaError, match=f"undeclared variable\\(s\\) '{name}'"):
        prompt(f"{{{{ {name} }}}}")


def test_syntax_errors_name_the_line() -> None:
    with pytest.raises(InvalidSchemaError, match="syntax error on line 2"):
        prompt("ok\n{% if %}")


def test_allowed_constructs_render() -> None:
    template = (
        "{{ x.name }}/{{ x['k'] }}/{{ items[0] }}/{{ items[i] }}"
        "{% for a, b in x.pairs | items %}{{ a }}={{ b }}{% if not loop.last %},{% endif %}"
        "{% endfor %}|{{ s | default('none') | upper }}|{{ items | join('+') }}"
        "|{{ 'big' if n > 10 else 'small' }}|{{ x | tojson }}"
    )
    document = {
        "messages": [{"role": "user", "content": template}],
        "variables": {**VARIABLES, "properties": {**VARIABLES["properties"], "i": {}}},
    }
    parsed = FMT.parse(json.dumps(document))
    x = {"name": "N", "k": "K", "pairs": {"a": 1, "b": 2}}
    text = parsed.render({"x": x, "items": ["p", "q"], "i": 1, "n": 11})[0].content
    assert text.startswith("N/K/p/q") and "a=1,b=2" in text
    assert "|NONE|p+q|big|" in text


def test_rendering_reads_json_values_only() -> None:
    # keys that are Python attributes or methods of dict/str/list render as nothing
    assert render("[{{ x.items }}{{ x.keys }}{{ x.update }}]", x={"a": 1}) == "[]"
    assert render("[{{ s.upper }}{{ s.format }}]", s="abc") == "[]"
    assert render("[{{ items.append }}{{ items.pop }}]", items=[1]) == "[]"
    assert render("[{{ x.items }}]", x={"items": "mine"}) == "[mine]"


def test_variable_values_are_never_evaluated_as_templates() -> None:
    sneaky = "{{ ''.__class__.__mro__ }}{% for a in b %}"
    assert render("{{ s }}", s=sneaky) == sneaky


def test_loops_are_bounded() -> None:
    many = list(range(1000))
    with pytest.raises(RenderError, match="loop iterations"):
        render("{% for a in items %}{% for b in items %}{% endfor %}{% endfor %}", items=many)


def test_output_is_bounded() -> None:
    big = "x" * 100_000
    with pytest.raises(RenderError, match="more than 1000000 characters"):
        render("{% for a in items %}{{ s }}{% endfor %}", items=list(range(20)), s=big)


def test_join_cannot_build_an_unbounded_text() -> None:
    with pytest.raises(RenderError, match="join would render more than"):
        render("{{ items | join(s) }}", items=list(range(1000)), s="x" * 10_000)
    assert render("{{ items | join(', ') }}", items=[1, 2]) == "1, 2"


def test_a_filter_on_the_wrong_kind_of_value_is_a_render_error() -> None:
    with pytest.raises(RenderError, match="failed to render"):
        render("{{ n | join(',') }}", n=5)


def test_variables_default_to_closed_and_can_be_opened() -> None:
    closed = prompt("hi")
    assert FMT.validate(closed, {"other": 1}) != []
    open_variables = {**VARIABLES, "additionalProperties": True}
    document = {"messages": [{"role": "user", "content": "hi"}], "variables": open_variables}
    assert FMT.validate(FMT.parse(json.dumps(document)), {"other": 1}) == []


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "JSON object"),
        ({"messages": []}, "non-empty list"),
        ({"messages": [{"role": "robot", "content": "x"}]}, "role must be one of"),
        ({"messages": [{"role": "user", "content": 1}]}, "content must be a string"),
        ({"messages": [{"role": "user", "content": "x", "name": "n"}]}, "messages[0] must be"),
        ({"messages": [{"role": "user", "content": "x"}], "tools": []}, "Unknown key(s)"),
        ({"messages": [{"role": "user", "content": "x"}], "variables": {}}, '"type": "object"'),
        ({"messages": [{"role": "user", "content": "x"}], "model": "gpt"}, "model must be"),
        (
            {"messages": [{"role": "user", "content": "x"}], "output_schema": "out.json"},
            '{"$ref": "<reference name>"}',
        ),
    ],
)
def test_malformed_documents_say_what_is_wrong(document: Any, message: str) -> None:
    with pytest.raises(InvalidSchemaError) as refused:
        FMT.parse(json.dumps(document))
    assert message in str(refused.value)
