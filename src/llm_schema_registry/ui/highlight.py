"""Syntax highlighting for schema texts, without a library: JSON (Avro, JSON Schema) and the
brace-and-semicolon IDL of Protobuf. Which one is decided by whether the text parses as
JSON (the format protocol knows no display syntax, and nothing outside formats/ branches on
schema types). Tokens become `<span class="t-…">` with every character escaped, one
`Markup` per line so a diff can mark lines."""

from __future__ import annotations

import json
import re

from markupsafe import Markup, escape

_JSON = re.compile(
    r'(?P<string>"(?:[^"\\\n]|\\.)*")(?P<colon>\s*:)?'
    r"|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<literal>\b(?:true|false|null)\b)"
    r"|(?P<punct>[{}\[\],:])"
)
_KEYWORDS = (
    "syntax|edition|package|import|option|message|enum|service|rpc|returns|stream|repeated|"
    "optional|required|oneof|map|reserved|extend|extensions|to|max|public|weak|group"
)
_TYPES = (
    "double|float|int32|int64|uint32|uint64|sint32|sint64|fixed32|fixed64|sfixed32|"
    "sfixed64|bool|string|bytes"
)
_IDL = re.compile(
    r"(?P<comment>//[^\n]*|/\*.*?\*/)"
    r'|(?P<string>"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')'
    rf"|(?P<keyword>\b(?:{_KEYWORDS})\b)"
    rf"|(?P<type>\b(?:{_TYPES})\b)"
    r"|(?P<number>\b-?\d+(?:\.\d+)?\b)"
    r"|(?P<punct>[{}\[\]();=<>,.])",
    re.DOTALL,
)


def pretty(text: str) -> tuple[str, bool]:
    """(the text to show, whether it is JSON): JSON indented, anything else as stored."""
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False), True
    except ValueError:
        return text, False


def tokens(text: str, is_json: bool) -> list[tuple[str, str]]:
    """(kind, text) pieces covering `text` exactly; kind "" is plain."""
    pattern = _JSON if is_json else _IDL
    found: list[tuple[str, str]] = []
    at = 0
    for match in pattern.finditer(text):
        if match.start() > at:
            found.append(("", text[at : match.start()]))
        kind = match.lastgroup or ""
        if is_json and match.group("string") is not None:
            colon = match.group("colon")
            found.append(("key" if colon else "string", match.group("string")))
            if colon:
                found.append(("punct", colon))
        else:
            found.append((kind, match.group(0)))
        at = match.end()
    if at < len(text):
        found.append(("", text[at:]))
    return found


def highlighted_lines(text: str) -> list[Markup]:
    """The text, pretty-printed when JSON, as escaped and highlighted lines."""
    shown, is_json = pretty(text)
    lines: list[list[str]] = [[]]
    for kind, piece in tokens(shown, is_json):
        for index, part in enumerate(piece.split("\n")):
            if index:
                lines.append([])
            if part:
                lines[-1].append(
                    f'<span class="t-{kind}">{escape(part)}</span>' if kind else str(escape(part))
                )
    return [Markup("".join(parts)) for parts in lines]


def plain_lines(text: str) -> list[str]:
    """The lines `highlighted_lines` shows, unhighlighted (for comparing versions)."""
    return pretty(text)[0].split("\n")
