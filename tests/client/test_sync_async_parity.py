"""The sync and async clients are one SDK: the same public methods, properties and attributes,
with the same signatures (parameters, kinds, defaults, annotations; the async ones awaitable,
streams async iterators where the sync ones are iterators),
so neither can grow a method or a parameter the other lacks."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from typing import Any, get_args, get_origin

from llm_schema_registry.client import AsyncRegistryClient, RegistryClient

# the context-manager protocol is the one place their names differ
SYNC_NAMES = {"__aenter__": "__enter__", "__aexit__": "__exit__"}
COMPARED_DUNDERS = {"__init__", *SYNC_NAMES, *SYNC_NAMES.values()}


def _plain(annotation: Any, cls: type) -> Any:
    """`annotation` with the client's own class as `Self` and an awaitable as what it yields."""
    if annotation is cls:
        return "Self"
    if get_origin(annotation) in (Awaitable, Coroutine):
        return _plain(get_args(annotation)[-1], cls)
    if get_origin(annotation) is AsyncIterator:  # a stream: iterated with `async for`
        return Iterator[get_args(annotation)[0]]  # type: ignore[valid-type]
    return annotation


def _shape(member: Callable[..., Any], cls: type) -> inspect.Signature:
    signature = inspect.signature(member, eval_str=True)
    return signature.replace(
        parameters=[
            p.replace(annotation=_plain(p.annotation, cls)) for p in signature.parameters.values()
        ],
        return_annotation=_plain(signature.return_annotation, cls),
    )


def _members(cls: type) -> dict[str, tuple[str, Any]]:
    """Public name (and constructor, context manager by their sync names) -> kind and shape."""
    found: dict[str, tuple[str, Any]] = {}
    for name, member in inspect.getmembers(cls):
        if name.startswith("_") and name not in COMPARED_DUNDERS:
            continue
        if isinstance(inspect.getattr_static(cls, name), property):
            found[name] = ("property", _shape(member.fget, cls))
        elif callable(member):
            found[SYNC_NAMES.get(name, name)] = ("method", _shape(member, cls))
        else:
            found[name] = ("attribute", type(member))
    return found


def _public_methods(cls: type) -> dict[str, Callable[..., Any]]:
    return {
        name: member
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


def _awaitable(method: Callable[..., Any]) -> bool:
    returns = inspect.signature(method, eval_str=True).return_annotation
    return (
        inspect.iscoroutinefunction(method)
        or inspect.isasyncgenfunction(method)
        or get_origin(returns) in (Awaitable, Coroutine)
    )


def test_same_public_methods_with_the_same_signatures() -> None:
    assert _members(RegistryClient) == _members(AsyncRegistryClient)


def test_async_methods_are_awaitable_and_sync_ones_are_not() -> None:
    assert {
        name: _awaitable(method) for name, method in _public_methods(AsyncRegistryClient).items()
    } == dict.fromkeys(_public_methods(AsyncRegistryClient), True)
    assert {
        name: _awaitable(method) for name, method in _public_methods(RegistryClient).items()
    } == dict.fromkeys(_public_methods(RegistryClient), False)


async def test_same_public_attributes() -> None:
    blocking = RegistryClient("http://127.0.0.1:9", retries=1, latest_ttl=2)
    awaiting = AsyncRegistryClient("http://127.0.0.1:9", retries=1, latest_ttl=2)
    try:
        assert {name: type(value) for name, value in vars(blocking).items() if name[0] != "_"} == {
            name: type(value) for name, value in vars(awaiting).items() if name[0] != "_"
        }
        assert blocking.options == awaiting.options
    finally:
        blocking.close()
        await awaiting.close()
