"""The text-format value of an option nobody defined (`{ a: 1 b: "two" }`), read as a tree.

protoc keeps such a value as the raw text of its tokens (`UninterpretedOption.aggregate_value`);
the printer reads it back into entries to print it as Confluent prints message values: one
`key: value` per line, lists one item per line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

from llm_schema_registry.formats.protobuf.undefined_options import Token, tokenize, unescape

# A scalar as written (`1`, `-2.5`, `RED`), a string literal's bytes, a list or a message.
RawValue: TypeAlias = "str | bytes | list[RawValue] | Aggregate"


@dataclass(frozen=True)
class Aggregate:
    entries: list[tuple[str, RawValue]]


class _MalformedError(Exception):
    pass


def parse_aggregate(text: str) -> Aggregate | None:
    """The entries of an aggregate value's text, or None when it is not text format."""
    reader = _Reader(tokenize(text))
    try:
        entries = reader.entries(closer=None)
    except _MalformedError:
        return None
    return Aggregate(entries)


class _Reader:
    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self) -> str | None:
        return self.tokens[self.at].text if self.at < len(self.tokens) else None

    def take(self) -> Token:
        if self.at >= len(self.tokens):
            raise _MalformedError
        self.at += 1
        return self.tokens[self.at - 1]

    def expect(self, text: str) -> None:
        if self.take().text != text:
            raise _MalformedError

    def entries(self, closer: str | None) -> list[tuple[str, RawValue]]:
        found: list[tuple[str, RawValue]] = []
        while self.peek() != closer:
            key = self.key()
            if self.peek() == ":":
                self.take()
            found.append((key, self.value()))
            if self.peek() in (",", ";"):
                self.take()
        return found

    def key(self) -> str:
        token = self.take()
        if token.kind == "word":
            return token.text
        if token.text != "[":
            raise _MalformedError
        parts = []
        while self.peek() != "]":
            parts.append(self.take().text)
        self.take()
        return "[" + "".join(parts) + "]"

    def value(self) -> RawValue:
        token = self.take()
        if token.text in ("{", "<"):
            closer = "}" if token.text == "{" else ">"
            entries = self.entries(closer)
            self.expect(closer)
            return Aggregate(entries)
        if token.text == "[":
            items: list[RawValue] = []
            while self.peek() != "]":
                items.append(self.value())
                if self.peek() == ",":
                    self.take()
            self.take()
            return items
        if token.kind == "string":
            data = unescape(token.text[1:-1])
            while self.at < len(self.tokens) and self.tokens[self.at].kind == "string":
                data += unescape(self.take().text[1:-1])
            return data
        if token.text == "-":
            return "-" + self.scalar(self.take())
        return self.scalar(token)

    @staticmethod
    def scalar(token: Token) -> str:
        if token.kind not in ("word", "number"):
            raise _MalformedError
        return token.text
