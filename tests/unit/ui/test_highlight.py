"""Schema highlighting: every character escaped, JSON keys and strings told apart, the IDL's
keywords, types and comments marked; lines kept for diffs."""

from __future__ import annotations

from llm_schema_registry.ui.highlight import highlighted_lines, plain_lines, tokens

XSS = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'


def test_json_is_pretty_printed_and_escaped() -> None:
    text = '{"doc":"' + XSS.replace('"', '\\"') + '","n":1,"ok":true}'
    lines = highlighted_lines(text)
    html = "".join(lines)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img" in html
    assert '<span class="t-key">&#34;doc&#34;</span>' in html
    assert '<span class="t-number">1</span>' in html
    assert '<span class="t-literal">true</span>' in html
    assert len(lines) == len(plain_lines(text)) == 5


def test_protobuf_keywords_types_and_comments() -> None:
    proto = 'syntax = "proto3";\n/* multi\nline */\nmessage M { string name = 1; } // <b>'
    kinds = {(kind, piece) for kind, piece in tokens(proto, is_json=False) if kind}
    assert {("keyword", "syntax"), ("keyword", "message"), ("type", "string")} <= kinds
    assert ("comment", "/* multi\nline */") in kinds and ("comment", "// <b>") in kinds
    lines = highlighted_lines(proto)
    assert len(lines) == 4 and "&lt;b&gt;" in lines[-1]


def test_tokens_cover_the_text_exactly() -> None:
    for text, is_json in (('{"a": [1, -2.5e3, null]}', True), ("enum E { A = 0; }", False)):
        assert "".join(piece for _, piece in tokens(text, is_json)) == text
