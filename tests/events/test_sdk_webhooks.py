"""Webhooks through the SDK and the CLI against a real `llm-schema serve` process: add, list,
deliveries, dead letters, replay and rm; deliveries checked by `verify_webhook` and by the
`standardwebhooks` library alike; `event_page` pages the feed."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from eventsupport import Receiver, running

from llm_schema_registry.client import (
    NotFoundError,
    RegistryClient,
    WebhookVerificationError,
    verify_webhook,
)
from llm_schema_registry.webhooks import generate_secret
from support import ServerProcess

SCHEMA = (
    '{"type":"record","name":"H","fields":[{"name":"a","type":"string"},'
    '{"name":"f%s","type":"string","default":""}]}'
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp("sdk-webhooks")
    env = {
        "REGISTRY_WEBHOOK_ALLOW_PRIVATE": "true",
        "REGISTRY_WEBHOOK_RETRIES": "1",
        "REGISTRY_WEBHOOK_RETRY_MIN_SECONDS": "0.05",
        "REGISTRY_WEBHOOK_RETRY_MAX_SECONDS": "0.1",
    }
    node = ServerProcess(f"sqlite:///{workdir}/registry.db", workdir, env)
    yield node
    node.stop()


async def until(check: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def cli(server: ServerProcess, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "llm_schema_registry.cli.main", "--url", server.url]
    return subprocess.run(
        [*command, "--output", "json", *args], capture_output=True, text=True, timeout=30
    )


async def test_sdk_webhook_lifecycle_and_verified_deliveries(server: ServerProcess) -> None:
    secret = generate_secret()
    subject = f"hooked-{uuid.uuid4().hex[:6]}"
    # two failures (the first try and its one retry) send the first event to the dead letters
    async with running(Receiver(secret=secret, script=[500, 500])) as receiver:
        with RegistryClient(server.url) as client:
            made = client.add_webhook(receiver.url, subjects=[subject], secret=secret)
            assert made["secret"] == secret and made["subjects"] == [subject]
            assert made["id"] in {hook["id"] for hook in client.webhooks()}
            client.register(subject, SCHEMA % "1")
            await until(lambda: len(client.webhook_dead_letters(made["id"])) == 1)
            dead = client.webhook_dead_letters(made["id"])[0]
            assert dead["subject"] == subject and dead["type"] == "schema.registered"
            attempts = client.webhook_deliveries(made["id"])
            assert [a["status"] for a in attempts] == [500, 500]
            assert client.replay_dead_letters(made["id"]) == 1
            await until(lambda: len(receiver.received) == 3)
            client.register(subject, SCHEMA % "2")
            await until(lambda: len(receiver.received) == 4)
            page = client.event_page(0, subjects=[subject], limit=10)
            client.remove_webhook(made["id"])
            with pytest.raises(NotFoundError):
                client.webhook_deliveries(made["id"])
    delivered = receiver.received[2:]
    assert all(seen.error is None for seen in delivered)  # standardwebhooks agrees
    events = [verify_webhook(seen.headers, seen.body, secret) for seen in delivered]
    assert events[0]["id"] == dead["event_id"] == receiver.received[0].headers["webhook-id"]
    assert [e["sequence"] for e in events] == [e.sequence for e in page.events]
    assert page.next_after == page.events[-1].sequence
    tampered = delivered[0].body.replace(subject.encode(), b"someone-else")
    with pytest.raises(WebhookVerificationError):
        verify_webhook(delivered[0].headers, tampered, secret)
    with pytest.raises(WebhookVerificationError):
        verify_webhook(delivered[0].headers, delivered[0].body, generate_secret())


async def test_cli_webhooks(server: ServerProcess, tmp_path: Path) -> None:
    subject = f"cli-hooked-{uuid.uuid4().hex[:6]}"
    async with running(Receiver(script=[500, 500])) as receiver:
        added = cli(server, "webhooks", "add", receiver.url, "--subject", subject)
        assert added.returncode == 0, added.stderr
        made = json.loads(added.stdout)
        receiver.secret = made["secret"]
        listed = json.loads(cli(server, "webhooks", "list").stdout)
        assert made["id"] in {hook["id"] for hook in listed}
        with RegistryClient(server.url) as client:
            client.register(subject, SCHEMA % "1")

        def dead_letters() -> list[dict[str, object]]:
            found: list[dict[str, object]] = json.loads(
                cli(server, "webhooks", "dead-letters", made["id"]).stdout
            )
            return found

        await until(lambda: len(dead_letters()) == 1)
        tried = json.loads(cli(server, "webhooks", "deliveries", made["id"]).stdout)
        assert [a["status"] for a in tried] == [500, 500]
        replayed = json.loads(cli(server, "webhooks", "replay", made["id"]).stdout)
        assert replayed == {"replayed": 1}
        await until(lambda: len(receiver.received) == 3)
        assert receiver.received[2].error is None
        assert json.loads(cli(server, "webhooks", "rm", made["id"]).stdout)["deleted"] is True
        missing = cli(server, "webhooks", "rm", made["id"])
        assert missing.returncode == 2 and json.loads(missing.stdout)["error_code"] == 40460
        command = [sys.executable, "-m", "llm_schema_registry.cli.main", "--url", server.url]
        text = subprocess.run(
            [*command, "webhooks", "list"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert text.returncode == 0 and made["id"] not in text.stdout
