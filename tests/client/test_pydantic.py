"""Pydantic round trip: register a model, load it back from the registry, and the loaded
class accepts and rejects the same instances as the original."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from llm_schema_registry.client import RegistryClient
from support import ServerProcess


class Flat(BaseModel):
    name: str
    age: int
    score: float


class WithOptionals(BaseModel):
    title: str
    nickname: str | None = None  # optional
    rating: float | None  # required but nullable
    tags: list[str] = []


class Priority(StrEnum):
    low = "low"
    high = "high"


class Ticket(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=20)
    priority: Priority
    retries: int = Field(ge=0, le=5)


class Address(BaseModel):
    street: str
    zip: str = Field(pattern=r"^\d{5}$")


class Person(BaseModel):
    name: str
    home: Address
    previous: list[Address] = []
    work: Address | None = None


class Message(BaseModel):
    role: Priority
    content: str


class Conversation(BaseModel):
    id: int
    messages: list[Message]
    metadata: dict[str, int] = {}
    owner: Person | None = None


ADDRESS = {"street": "Main", "zip": "12345"}
CASES: dict[type[BaseModel], list[Any]] = {
    Flat: [
        {"name": "a", "age": 3, "score": 1.5},
        {"name": "a", "age": "x", "score": 1.5},
        {"name": "a", "score": 1.5},
        {"name": 1, "age": 3, "score": 1.5},
    ],
    WithOptionals: [
        {"title": "t", "rating": None},
        {"title": "t", "rating": 2.0, "nickname": "n", "tags": ["x"]},
        {"title": "t"},
        {"title": "t", "rating": None, "tags": [1]},
        {"title": "t", "rating": "high"},
    ],
    Ticket: [
        {"title": "crash", "priority": "high", "retries": 0},
        {"title": "", "priority": "high", "retries": 0},
        {"title": "x" * 21, "priority": "low", "retries": 1},
        {"title": "crash", "priority": "urgent", "retries": 0},
        {"title": "crash", "priority": "low", "retries": 6},
        {"title": "crash", "priority": "low", "retries": 1, "extra": True},
    ],
    Person: [
        {"name": "p", "home": ADDRESS},
        {"name": "p", "home": ADDRESS, "previous": [ADDRESS], "work": None},
        {"name": "p", "home": {"street": "Main", "zip": "1234"}},
        {"name": "p", "home": ADDRESS, "previous": [{"street": "x"}]},
        {"name": "p"},
    ],
    Conversation: [
        {"id": 1, "messages": [{"role": "low", "content": "hi"}]},
        {"id": 1, "messages": [], "metadata": {"a": 1}, "owner": {"name": "p", "home": ADDRESS}},
        {"id": 1, "messages": [{"role": "boss", "content": "hi"}]},
        {"id": 1, "messages": [], "metadata": {"a": "many"}},
        {"id": 1, "messages": [], "owner": {"name": "p", "home": {"zip": "12345"}}},
    ],
}


@pytest.fixture(scope="module")
def client(live_server: ServerProcess) -> Iterator[RegistryClient]:
    with RegistryClient(live_server.url) as sdk:
        yield sdk


def _accepts(model: type[BaseModel], instance: Any) -> bool:
    try:
        model.model_validate(instance)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("model", list(CASES), ids=lambda m: m.__name__)
def test_loaded_model_agrees_with_the_original(
    client: RegistryClient, model: type[BaseModel]
) -> None:
    subject = f"{model.__name__.lower()}-value"
    schema_id = client.register_model(subject, model)
    assert client.get_latest(subject).id == schema_id
    loaded = client.load_model(subject, 1)
    assert loaded.__name__ == model.__name__
    verdicts = [_accepts(model, instance) for instance in CASES[model]]
    assert verdicts == [_accepts(loaded, instance) for instance in CASES[model]]
    assert True in verdicts and False in verdicts
    # and the registry's own validation agrees too
    assert verdicts == [client.validate(i, subject=subject).valid for i in CASES[model]]


def test_register_model_checks_compatibility(client: RegistryClient) -> None:
    class V1(BaseModel):
        model_config = ConfigDict(extra="forbid")
        name: str

    class V2(BaseModel):
        model_config = ConfigDict(extra="forbid")
        name: str
        email: str  # a new required field: old data fails

    client.register_model("evolving-value", V1)
    client.set_config("BACKWARD", "evolving-value")
    verdict = client.check_compatibility("evolving-value", V2.model_json_schema(), "JSON")
    assert not verdict.is_compatible


def test_load_model_with_registered_references(client: RegistryClient) -> None:
    address = {"type": "object", "properties": {"zip": {"type": "string"}}, "required": ["zip"]}
    customer = {
        "title": "Customer",
        "type": "object",
        "properties": {"name": {"type": "string"}, "home": {"$ref": "address.json"}},
        "required": ["name", "home"],
    }
    client.register("ref-address", address, "JSON")
    refs = [{"name": "address.json", "subject": "ref-address", "version": 1}]
    client.register("ref-customer-value", customer, "JSON", references=refs)
    loaded = client.load_model("ref-customer-value")
    assert loaded.model_validate({"name": "n", "home": {"zip": "1"}})
    with pytest.raises(ValidationError):
        loaded.model_validate({"name": "n", "home": {}})


def test_loaded_model_keeps_field_order_and_is_generated_once(client: RegistryClient) -> None:
    client.register_model("order-kept-value", WithOptionals)
    loaded = client.load_model("order-kept-value")
    assert list(loaded.model_fields) == list(WithOptionals.model_fields)
    assert client.load_model("order-kept-value") is loaded
