"""Options Confluent accepts without a definition, kept as uninterpreted options.

Confluent reads `.proto` text with Square's Wire parser (`ProtoParser`, in
io.confluent.kafka.schemaregistry.protobuf.ProtobufSchema), which accepts any option, e.g.
`option (my_option) = true;` inside a oneof, without looking for its definition; its canonical
text prints the option back. protoc rejects such an option (`Option "(my_option)" unknown`).
To accept what Confluent accepts, the compiler blanks every option protoc reported unknown
(with spaces, so every other line and column stays put), compiles again and records each one
on its element as an `UninterpretedOption`, the descriptor's own slot for options nobody
interpreted. The printer prints them where they were, so the canonical text keeps them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from google.protobuf import descriptor_pb2

UNKNOWN_OPTION = re.compile(r'Option "[^"]+" unknown\.')

_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))
    | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<number>\.?[0-9](?:[eE][+-]|[0-9A-Za-z_.])*)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<symbol>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_OPENING, _CLOSING = "([{<", ")]}>"
_SIMPLE_ESCAPES = {
    "a": 7,
    "b": 8,
    "f": 12,
    "n": 10,
    "r": 13,
    "t": 9,
    "v": 11,
    "\\": 92,
    "'": 39,
    '"': 34,
    "?": 63,
}
_UINT64_MAX, _INT64_MIN = 2**64 - 1, -(2**63)


class Token(NamedTuple):
    kind: str  # string, number, word or symbol
    text: str
    start: int  # offsets into the text
    end: int


def tokenize(text: str) -> list[Token]:
    """The tokens of `.proto` text (or of an aggregate option value), comments dropped."""
    tokens = []
    for match in _TOKEN.finditer(text):
        kind = str(match.lastgroup)
        if kind not in ("space", "comment"):
            tokens.append(Token(kind, match.group(), match.start(), match.end()))
    return tokens


def offset_of(text: str, line: int, column: int) -> int:
    """The offset of protoc's 0-based (line, column): tabs advance to the next multiple of
    eight and every UTF-8 byte counts one, as protoc's tokenizer counts them."""
    offset = 0
    for _ in range(line):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return -1
    at = 0
    while at < column and offset < len(text) and text[offset] != "\n":
        char = text[offset]
        at += 8 - at % 8 if char == "\t" else len(char.encode("utf-8"))
        offset += 1
    return offset if at == column else -1


@dataclass(frozen=True)
class Removed:
    """An option blanked out of the text: where protoc reported it and what it said."""

    line: int
    column: int
    option: Any  # descriptor_pb2.UninterpretedOption


class _Read(NamedTuple):
    option: Any  # descriptor_pb2.UninterpretedOption
    end: int  # index of the token after the value


def blank(text: str, positions: Iterable[tuple[int, int]]) -> tuple[str, list[Removed]] | None:
    """`text` with the options protoc reported at `positions` replaced by spaces, and what they
    were; None when a position is not at an option this module understands."""
    tokens = tokenize(text)
    by_start = {token.start: index for index, token in enumerate(tokens)}
    gone: set[int] = set()
    lists: set[int] = set()  # the `[` of each field option list that lost an entry
    found = []
    for line, column in sorted(set(positions)):
        index = by_start.get(offset_of(text, line, column), -1)
        read = _read_option(tokens, index) if index > 0 else None
        if read is None:
            return None
        before = tokens[index - 1].text
        if before == "option" and read.end < len(tokens) and tokens[read.end].text == ";":
            gone.update(range(index - 1, read.end + 1))
        elif before in ("[", ",") and read.end < len(tokens) and tokens[read.end].text in ",]":
            gone.update(range(index, read.end))
            lists.add(_opening_bracket(tokens, index))
        else:
            return None
        found.append(Removed(line, column, read.option))
    for opening in lists:
        _drop_separators(tokens, opening, gone)
    chars = list(text)
    for index in gone:
        token = tokens[index]
        for offset in range(token.start, token.end):
            if chars[offset] != "\n":
                chars[offset] = " "
    return "".join(chars), found


def _read_option(tokens: Sequence[Token], index: int) -> _Read | None:
    """The option starting at `index` (its name), up to the end of its value."""
    option = descriptor_pb2.UninterpretedOption()
    at = index
    while True:
        if tokens[at].text == "(":
            close = next((i for i in range(at, len(tokens)) if tokens[i].text == ")"), -1)
            if close < 0:
                return None
            part = "".join(t.text for t in tokens[at + 1 : close])
            option.name.add(name_part=part, is_extension=True)
            at = close + 1
        elif tokens[at].kind == "word":
            option.name.add(name_part=tokens[at].text, is_extension=False)
            at += 1
        else:
            return None
        if at + 1 < len(tokens) and tokens[at].text == "." and tokens[at + 1].text != "=":
            at += 1
            continue
        break
    if at >= len(tokens) or tokens[at].text != "=":
        return None
    end = _set_value(option, tokens, at + 1)
    return None if end is None else _Read(option, end)


def _set_value(option: Any, tokens: Sequence[Token], at: int) -> int | None:
    """Fills the value of `option` from the tokens at `at`; the index after it."""
    if at >= len(tokens):
        return None
    first = tokens[at]
    if first.text == "{":
        close = _matching(tokens, at)
        if close is None:
            return None
        option.aggregate_value = " ".join(t.text for t in tokens[at + 1 : close])
        return close + 1
    if first.kind == "string":
        end = at
        data = b""
        while end < len(tokens) and tokens[end].kind == "string":
            data += unescape(tokens[end].text[1:-1])
            end += 1
        option.string_value = data
        return end
    negative = first.text == "-"
    token = tokens[at + 1] if negative and at + 1 < len(tokens) else first
    if token.kind == "word":
        if negative and token.text.lower() not in ("inf", "infinity", "nan"):
            return None
        if negative:
            option.double_value = -math.inf if token.text.lower() != "nan" else math.nan
        else:
            option.identifier_value = token.text
        return at + (2 if negative else 1)
    if token.kind != "number":
        return None
    number = _number(token.text)
    if number is None:
        return None
    if isinstance(number, int) and not negative and number <= _UINT64_MAX:
        option.positive_int_value = number
    elif isinstance(number, int) and negative and -number >= _INT64_MIN:
        option.negative_int_value = -number
    else:
        option.double_value = -float(number) if negative else float(number)
    return at + (2 if negative else 1)


def _number(text: str) -> int | float | None:
    lowered = text.lower()
    try:
        if lowered.startswith("0x"):
            return int(lowered, 16)
        if lowered.isdigit():
            return int(lowered, 8) if len(lowered) > 1 and lowered[0] == "0" else int(lowered)
        return float(lowered.removesuffix("f"))
    except ValueError:
        return None


def unescape(body: str) -> bytes:
    """The bytes a `.proto` string literal's body (quotes removed) stands for."""
    out = bytearray()
    at = 0
    while at < len(body):
        char = body[at]
        at += 1
        if char != "\\" or at >= len(body):
            out += char.encode("utf-8")
            continue
        code = body[at]
        at += 1
        if code in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[code])
        elif code in "xX":
            digits = re.match(r"[0-9A-Fa-f]{1,2}", body[at:])
            out.append(int(digits.group(), 16) if digits else ord("x"))
            at += len(digits.group()) if digits else 0
        elif code in "01234567":
            digits = re.match(r"[0-7]{0,2}", body[at:])
            out.append(int(code + (digits.group() if digits else ""), 8) & 0xFF)
            at += len(digits.group()) if digits else 0
        elif code in "uU" and re.match(r"[0-9A-Fa-f]{4}", body[at:]):
            width = 8 if code == "U" else 4
            out += chr(int(body[at : at + width], 16)).encode("utf-8")
            at += width
        else:
            out += code.encode("utf-8")
    return bytes(out)


def _matching(tokens: Sequence[Token], at: int) -> int | None:
    """The index of the bracket closing the one at `at`."""
    depth = 0
    for index in range(at, len(tokens)):
        text = tokens[index].text
        if tokens[index].kind == "symbol" and text in _OPENING:
            depth += 1
        elif tokens[index].kind == "symbol" and text in _CLOSING:
            depth -= 1
            if depth == 0:
                return index
    return None


def _opening_bracket(tokens: Sequence[Token], index: int) -> int:
    """The `[` opening the field option list that holds the option at `index`."""
    depth = 0
    for at in range(index - 1, -1, -1):
        text = tokens[at].text
        if tokens[at].kind != "symbol":
            continue
        if text in _CLOSING:
            depth += 1
        elif text in _OPENING:
            if depth == 0 and text == "[":
                return at
            depth -= 1
    return -1


def _drop_separators(tokens: Sequence[Token], opening: int, gone: set[int]) -> None:
    """Keeps the commas between the entries left in a `[...]` list, and drops the brackets
    when no entry is left (protoc rejects an empty list)."""
    close = _matching(tokens, opening)
    if opening < 0 or close is None:
        return
    entries: list[tuple[list[int], int | None]] = []
    current: list[int] = []
    depth = 0
    for index in range(opening + 1, close):
        text = tokens[index].text
        if tokens[index].kind == "symbol" and text in _OPENING:
            depth += 1
        elif tokens[index].kind == "symbol" and text in _CLOSING:
            depth -= 1
        if depth == 0 and text == ",":
            entries.append((current, index))
            current = []
        else:
            current.append(index)
    entries.append((current, None))
    kept = [(members, comma) for members, comma in entries if any(i not in gone for i in members)]
    gone.update(comma for _, comma in entries if comma is not None)
    if not kept:
        gone.update((opening, close))
    for _, comma in kept[:-1]:
        if comma is not None:
            gone.discard(comma)


def attach(proto: Any, info: Any, removed: Iterable[Removed]) -> None:
    """Records each removed option on the innermost element of `proto` whose source span
    (from `info`, the file's SourceCodeInfo) holds it; the file itself when none does.

    Innermost by span, not by path: a oneof's fields are paths under the message, beside
    the oneof, yet their spans lie inside the oneof's."""
    spans = [(tuple(location.path), _span(location.span)) for location in info.location]
    for item in removed:
        where = (item.line, item.column)
        holding = [
            (start, (-end[0], -end[1]), path)
            for path, (start, end) in spans
            if path and start <= where < end and _has_options(proto, path)
        ]
        path = max(holding)[2] if holding else ()
        _element(proto, path).options.uninterpreted_option.append(item.option)


def _span(span: Sequence[int]) -> tuple[tuple[int, int], tuple[int, int]]:
    if len(span) == 3:
        return (span[0], span[1]), (span[0], span[2])
    return (span[0], span[1]), (span[2], span[3])


def _element(proto: Any, path: Sequence[int]) -> Any:
    element = proto
    for number, index in zip(path[::2], path[1::2], strict=True):
        element = getattr(element, element.DESCRIPTOR.fields_by_number[number].name)[index]
    return element


def _has_options(proto: Any, path: Sequence[int]) -> bool:
    if len(path) % 2:
        return False  # a path to a scalar of an element (its name, number ...)
    try:
        element = _element(proto, path)
    except (KeyError, IndexError, AttributeError, TypeError):
        return False
    return hasattr(element, "DESCRIPTOR") and "options" in element.DESCRIPTOR.fields_by_name
