"""How an SDK method written once runs three ways. A method is an `@operation`: a generator
that yields `Call`s and receives their replies (or has their errors thrown in), without I/O.
`Blocking` runs it to its end answering each call in turn (the sync client over HTTP, the
offline `Registry` from its file); `Awaiting` does the same with `await` (the async client).
The `operation` descriptor hands each class the method of its kind, typed for it: blocking
`(args) -> T`, awaiting `async (args) -> T`, with the signature and docstring written once."""

from __future__ import annotations

import functools
import inspect
from abc import ABC, abstractmethod
from collections.abc import Callable, Coroutine, Generator
from types import MethodType
from typing import (
    Any,
    Concatenate,
    Generic,
    ParamSpec,
    Self,
    TypeVar,
    get_args,
    get_type_hints,
    overload,
)

from llm_schema_registry.client.transport import Call

P = ParamSpec("P")
T = TypeVar("T")
Operation = Generator[Call, Any, T]
"""Sends `Call`s, receives each call's decoded reply, returns the method's result."""


class _Steps(Generic[T]):
    """One operation being run: the driver takes each call and gives back its reply or error."""

    def __init__(self, op: Operation[T]) -> None:
        self._op = op
        self._resume: Callable[[], Call] = op.__next__
        self.result: T

    def next_call(self) -> Call | None:
        """The next request, or None once the operation has returned (see `result`)."""
        try:
            return self._resume()
        except StopIteration as done:
            self.result = done.value
            return None

    def reply(self, reply: Any) -> None:
        self._resume = functools.partial(self._op.send, reply)

    def fail(self, error: Exception) -> None:
        # thrown in, so operations can react (drop a cached latest on 404) and re-raise
        self._resume = functools.partial(self._op.throw, error)


class Blocking(ABC):
    """Runs operations to their end, answering each call as it comes."""

    @abstractmethod
    def _answer(self, call: Call) -> Any:
        """The decoded reply to `call`, or the SDK error it stands for."""

    def _run(self, op: Operation[T]) -> T:
        steps = _Steps(op)
        while (call := steps.next_call()) is not None:
            try:
                steps.reply(self._answer(call))
            except Exception as exc:
                steps.fail(exc)
        return steps.result


class Awaiting(ABC):
    """Runs operations to their end, awaiting the answer to each call."""

    @abstractmethod
    async def _answer(self, call: Call) -> Any:
        """The decoded reply to `call`, or the SDK error it stands for."""

    async def _run(self, op: Operation[T]) -> T:
        steps = _Steps(op)
        while (call := steps.next_call()) is not None:
            try:
                steps.reply(await self._answer(call))
            except Exception as exc:
                steps.fail(exc)
        return steps.result


Build = Callable[..., Operation[Any]]


def _blocking(build: Build) -> Callable[..., Any]:
    def method(client: Blocking, /, *args: Any, **kwargs: Any) -> Any:
        return client._run(build(client, *args, **kwargs))

    return method


def _awaiting(build: Build) -> Callable[..., Any]:
    async def method(client: Awaiting, /, *args: Any, **kwargs: Any) -> Any:
        return await client._run(build(client, *args, **kwargs))

    return method


def _dressed(method: Callable[..., Any], build: Build, owner: type) -> Callable[..., Any]:
    """`method` named, documented and signed as `build`, returning what the operation returns
    (an async method's annotation is already the awaited type)."""
    functools.update_wrapper(method, build)
    method.__qualname__ = f"{owner.__qualname__}.{build.__name__}"
    signature = inspect.signature(build, eval_str=True)
    returns = get_args(signature.return_annotation)[-1]  # Operation[T] -> T
    method.__dict__["__signature__"] = signature.replace(return_annotation=returns)
    method.__annotations__ = {**get_type_hints(build), "return": returns}
    return method


class operation(Generic[P, T]):  # lower case: used as a decorator, like `property`
    """Marks a method written once as an operation: on a `Blocking` class it is a method
    returning `T`, on an `Awaiting` class a coroutine method returning `T`."""

    def __init__(self, build: Callable[Concatenate[Any, P], Operation[T]]) -> None:
        self.build = build
        self.__doc__ = build.__doc__
        self._methods: dict[type, Callable[..., Any]] = {}

    @overload
    def __get__(
        self, client: None, owner: type[Blocking]
    ) -> Callable[Concatenate[Blocking, P], T]: ...
    @overload
    def __get__(
        self, client: None, owner: type[Awaiting]
    ) -> Callable[Concatenate[Awaiting, P], Coroutine[Any, Any, T]]: ...
    @overload
    def __get__(self, client: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, client: Blocking, owner: type[Any]) -> Callable[P, T]: ...
    @overload
    def __get__(
        self, client: Awaiting, owner: type[Any]
    ) -> Callable[P, Coroutine[Any, Any, T]]: ...
    def __get__(self, client: object, owner: type[Any]) -> Any:
        method = self._method_for(owner)
        if method is None:
            return self  # on a class that runs nothing (the shared bases): the operation
        return method if client is None else MethodType(method, client)

    def _method_for(self, owner: type) -> Callable[..., Any] | None:
        if owner not in self._methods:
            if issubclass(owner, Blocking):
                method = _blocking(self.build)
            elif issubclass(owner, Awaiting):
                method = _awaiting(self.build)
            else:
                return None
            self._methods[owner] = _dressed(method, self.build, owner)
        return self._methods[owner]
