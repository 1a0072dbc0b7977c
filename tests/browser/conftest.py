"""Fixtures of the browser tests: one registry process (authentication on, SQLite) per
session, Chromium, and pages that fail their test on any dialog or any request that would
leave this machine."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from browsersupport import (
    CHROMIUM,
    CHROMIUM_ARGS,
    JWT_SECRET,
    SESSION_KEYS,
    Registry,
    Visit,
    make_keys,
    require_browser,
    seed,
)

from support import ServerProcess


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    require_browser()
    workdir = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{workdir}/registry.db"
    keys = make_keys(url, ("admin", "publisher", "consumer", "auditor"))
    env = {
        "REGISTRY_AUTH_ENABLED": "true",
        "REGISTRY_UI_SESSION_KEYS": SESSION_KEYS,
        "REGISTRY_JWT_SECRET": JWT_SECRET,
        "REGISTRY_USAGE_FLUSH_SECONDS": "1",
        # the events page's webhooks: receivers on loopback, dead letters within moments
        "REGISTRY_WEBHOOK_ALLOW_PRIVATE": "true",
        "REGISTRY_WEBHOOK_RETRIES": "1",
        "REGISTRY_WEBHOOK_RETRY_MIN_SECONDS": "0.05",
        "REGISTRY_WEBHOOK_RETRY_MAX_SECONDS": "0.1",
    }
    server = ServerProcess(url, workdir, env)
    try:
        found = Registry(server.url, keys)
        seed(found)
        yield found
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(registry: Registry) -> Iterator[Any]:
    """Chromium for one module. Playwright's sync API keeps an event loop running while it
    is started, so it must stop before the asyncio tests of other folders run."""
    from playwright.sync_api import expect, sync_playwright

    # The machines running the suite are shared and slow at times: wait longer than 5 s for
    # a page to show what is expected (Swagger UI parses 1.5 MB of script first).
    expect.set_options(timeout=20_000)

    driver = sync_playwright().start()
    launched = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        yield launched
    finally:
        launched.close()
        driver.stop()


@pytest.fixture
def visit(browser: Any, registry: Registry) -> Iterator[Callable[..., Visit]]:
    """Opens browser contexts; at the end, none saw a dialog or tried to leave the machine."""
    opened: list[Visit] = []

    def open_visit(width: int = 1280) -> Visit:
        opened.append(Visit(browser, registry, width))
        return opened[-1]

    yield open_visit
    for each in opened:
        each.close()
    assert [d for each in opened for d in each.dialogs] == [], "a dialog fired"
    assert [u for each in opened for u in each.external] == [], "a request left the machine"
