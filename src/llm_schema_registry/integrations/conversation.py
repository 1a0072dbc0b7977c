"""The repair loop both integrations run, written once as a generator without I/O (as the
SDK's operations are): it yields the messages to send and receives the model's reply; after
an invalid reply it sends the conversation again with that reply and the registry's repair
prompt appended. Each framework drives it with its own blocking or awaiting chat call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import Generic, TypeVar, cast

from llm_schema_registry.client.models import ValidationOutcome

M = TypeVar("M")  # a framework's chat message
R = TypeVar("R")  # the model's reply
T = TypeVar("T")


@dataclass(frozen=True)
class Attempt(Generic[R]):
    """The last reply, the registry's verdict on it, and how many replies were asked for."""

    reply: R
    outcome: ValidationOutcome
    attempts: int


def repairing(
    messages: list[M],
    check: Callable[[R], ValidationOutcome],
    feedback: Callable[[R, str], list[M]],
    max_retries: int,
) -> Generator[list[M], R, Attempt[R]]:
    """Asks until a reply is valid or `max_retries` repairs were tried. `feedback(reply,
    repair_prompt)`: the messages that follow an invalid reply (the reply itself first)."""
    attempts = 0
    while True:
        reply = yield messages
        attempts += 1
        outcome = check(reply)
        if outcome.valid or attempts > max_retries:
            return Attempt(reply, outcome, attempts)
        messages = [*messages, *feedback(reply, outcome.repair_prompt or "")]


def run_blocking(conversation: Generator[list[M], R, T], ask: Callable[[list[M]], R]) -> T:
    messages = next(conversation)
    while True:
        try:
            messages = conversation.send(ask(messages))
        except StopIteration as done:
            return cast(T, done.value)  # a generator's return value


async def run_awaiting(
    conversation: Generator[list[M], R, T], ask: Callable[[list[M]], Awaitable[R]]
) -> T:
    messages = next(conversation)
    while True:
        try:
            messages = conversation.send(await ask(messages))
        except StopIteration as done:
            return cast(T, done.value)  # a generator's return value
