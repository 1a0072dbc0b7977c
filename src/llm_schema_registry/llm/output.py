"""JSON out of a raw model reply, and a compact prompt asking the model to repair it.

Extraction order: the first fenced ```json block; otherwise the first complete JSON object
(or array) amid prose. A syntax error is reported with its line and column in the reply, and a
trailing comma is named as such (`json` only says what it expected next).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_FENCE = re.compile(r"```([A-Za-z0-9_+-]*)[ \t]*\r?\n?(.*?)```", re.DOTALL)
_JSON_TAGS = ("json", "json5", "jsonc")
_OPENERS = {"{": "}", "[": "]"}


@dataclass(frozen=True)
class Extracted:
    """What was found in a reply: `value` when `error` is None."""

    value: Any = None
    error: str | None = None
    source: str = "none"  # fenced | embedded | none
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


def extract_json(reply: str) -> Extracted:
    """The JSON value a model meant to give in `reply`."""
    fences = list(_FENCE.finditer(reply))
    # ```json blocks first; untagged blocks next; other languages (```python) never.
    tagged = [m for m in fences if m.group(1).lower() in _JSON_TAGS]
    tagged = tagged or [m for m in fences if not m.group(1)]
    if tagged:
        block = tagged[0]
        notes = [f"{len(tagged)} fenced JSON blocks; the first was used"] if len(tagged) > 1 else []
        return _decode(reply, block.start(2), block.end(2), "fenced", notes)
    spans = _balanced_spans(reply)
    if not spans:
        return Extracted(error="no JSON object found in the reply")
    # Prose braces ("{as requested}") are skipped: the first span that decodes wins.
    decoded = [_decode(reply, start, end, "embedded", []) for start, end in spans]
    values = [found for found in decoded if found.ok]
    if not values:
        looks_like_json = [
            f for f, (s, _) in zip(decoded, spans, strict=True) if _jsonish(reply, s)
        ]
        return (looks_like_json or decoded)[0]
    notes = (
        [f"{len(values)} JSON values in the reply; the first was used"] if len(values) > 1 else []
    )
    return Extracted(value=values[0].value, source="embedded", notes=notes)


def _jsonish(reply: str, start: int) -> bool:
    rest = reply[start + 1 :].lstrip()
    return rest[:1] in ('"', "{", "}", "]")


def _decode(reply: str, start: int, end: int, source: str, notes: list[str]) -> Extracted:
    text = reply[start:end]
    try:
        return Extracted(value=json.loads(text), source=source, notes=notes)
    except json.JSONDecodeError as exc:
        return Extracted(
            error=_describe(reply, start + exc.pos, exc.msg), source=source, notes=notes
        )


def _describe(reply: str, pos: int, why: str) -> str:
    comma = _trailing_comma_before(reply, pos)
    if comma is not None:
        line, column = _line_column(reply, comma)
        closer = reply[pos] if pos < len(reply) else "end"
        return (
            f"trailing comma at line {line} column {column} (character {comma}) "
            f"before '{closer}': JSON allows no comma after the last element"
        )
    line, column = _line_column(reply, pos)
    return f"invalid JSON at line {line} column {column} (character {pos}): {why}"


def _trailing_comma_before(reply: str, pos: int) -> int | None:
    """The offset of a comma followed only by whitespace and then `}` or `]` at `pos`."""
    at = pos
    while at < len(reply) and reply[at].isspace():
        at += 1
    if at >= len(reply) or reply[at] not in "}]":
        return None
    back = pos - 1
    while back >= 0 and reply[back].isspace():
        back -= 1
    return back if back >= 0 and reply[back] == "," else None


def _line_column(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _balanced_spans(text: str) -> list[tuple[int, int]]:
    """Top-level `{...}` (and `[...]` holding an object) spans, strings respected."""
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(text):
        if text[index] == "{" or (text[index] == "[" and _array_of_objects(text, index)):
            end = _close(text, index)
            if end is None:
                spans.append((index, len(text)))  # unterminated: decode reports where
                break
            spans.append((index, end))
            index = end
        else:
            index += 1
    return spans


def _array_of_objects(text: str, index: int) -> bool:
    rest = text[index + 1 :].lstrip()
    return rest.startswith("{")


def _close(text: str, start: int) -> int | None:
    stack = [_OPENERS[text[start]]]
    in_string = escaped = False
    for index in range(start + 1, len(text)):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in _OPENERS:
            stack.append(_OPENERS[char])
        elif char in "}]":
            if char != stack[-1]:
                return index + 1  # mismatched: let the decoder report it
            stack.pop()
            if not stack:
                return index + 1
    return None


def repair_prompt(
    errors: list[dict[str, str]], schema: Any | None = None, max_schema_chars: int = 4000
) -> str:
    """A compact instruction a caller can send back to the model after an invalid reply."""
    lines = ["Your previous reply was not valid JSON for the required schema.", "Problems:"]
    lines += [f"- {e.get('path', '$')}: {e.get('message', '')}" for e in errors]
    if schema is not None:
        text = json.dumps(schema, separators=(",", ":"), sort_keys=False)
        if len(text) <= max_schema_chars:
            lines.append(f"Schema: {text}")
    lines.append(
        "Reply again with only the corrected JSON object: no prose, no code fences, "
        "no comments, no trailing commas."
    )
    return "\n".join(lines)
