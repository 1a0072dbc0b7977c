"""Browser test support: a real registry process with authentication on (SQLite), keys for
each role, seeded subjects (including XSS payloads), and Debian's Chromium driven by
Playwright with every request off this machine blocked and recorded."""

from __future__ import annotations

import asyncio
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from llm_schema_registry.security.apikeys import new_key
from llm_schema_registry.storage.security_sql import SqlSecurityStore
from llm_schema_registry.storage.sql import SqlStore

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
JWT_SECRET = "browser-tests-hs256-secret-0123456789"
SESSION_KEYS = "t1:browser-tests-session-key-0123456789"
XSS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')
V1 = "application/vnd.schemaregistry.v1+json"
EXTRAS_HEADER = {"Confluent-Accept-Unknown-Properties": "true"}  # lifecycle fields in replies
LOCAL = re.compile(r"^(https?|wss?)://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?/")


def require_browser() -> None:
    """Chromium and the playwright package, or a skip (a failure under CI)."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install -e '.[test]')")
    if missing:
        reason = "browser tests need " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


async def _make_keys(url: str, roles: tuple[str, ...]) -> dict[str, str]:
    store = SqlStore(url)
    await store.start()  # migrations first: a fresh database works
    await store.close()
    security = SqlSecurityStore(url)
    secrets = {}
    try:
        for role in roles:
            key, secret = new_key(role, description=f"browser tests: {role}")
            await security.add_key(key)
            secrets[role] = secret
    finally:
        await security.close()
    return secrets


def make_keys(url: str, roles: tuple[str, ...]) -> dict[str, str]:
    """role -> API key secret, stored in the database at `url`."""
    return asyncio.run(_make_keys(url, roles))


@dataclass
class Registry:
    """The running registry, seen over REST with a key per role."""

    url: str
    keys: dict[str, str]
    seeded: dict[str, Any] = field(default_factory=dict)

    def rest(self, role: str = "admin") -> httpx.Client:
        headers = {"X-API-Key": self.keys[role], "Content-Type": V1}
        return httpx.Client(base_url=self.url, headers=headers, timeout=10)


def avro(name: str, *fields: dict[str, Any], doc: str = "") -> str:
    record: dict[str, Any] = {"type": "record", "name": name, "fields": list(fields)}
    if doc:
        record["doc"] = doc
    return json.dumps(record)


def metadata(owner: str, description: str, tags: str) -> dict[str, Any]:
    return {"properties": {"owner": owner, "description": description, "tags": tags}}


ORDER_ID = {"name": "id", "type": "string", "doc": "Order id"}
ORDER_TOTAL = {"name": "total", "type": "double", "default": 0.0}
ADDRESS_CITY = {"name": "city", "type": "string"}
REPLY_SCHEMA = {
    "type": "object",
    "title": "Reply",
    "description": "A model's answer with its confidence",
    "properties": {
        "answer": {"type": "string"},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
    },
    "required": ["answer", "confidence"],
}


def seed(registry: Registry) -> None:
    """Subjects every test reads (tests that change state use their own subjects)."""
    with registry.rest() as rest:

        def register(subject: str, schema: str, **body: Any) -> None:
            path = f"/subjects/{quote(subject, safe='')}/versions"
            reply = rest.post(path, json={"schema": schema, **body})
            assert reply.status_code == 200, reply.text

        described = metadata("team-orders", "Orders placed in the shop", "orders, gold")
        for subject in ("orders.events", "orders.deprecations", "orders.guarded"):
            register(subject, avro("Order", ORDER_ID), metadata=described)
            register(subject, avro("Order", ORDER_ID, ORDER_TOTAL), metadata=described)
        for i in range(3):
            register(
                f"billing.svc{i}.invoices",
                avro("Invoice", ORDER_ID),
                metadata=metadata("team-billing", f"Invoices of service {i}", "billing"),
            )
        register(
            "customer.address",
            avro("Address", ADDRESS_CITY),
            metadata=metadata("team-crm", "Postal addresses", "crm"),
        )
        profile = avro("Profile", {"name": "home", "type": "Address"})
        refs = [{"name": "Address", "subject": "customer.address", "version": 1}]
        register(
            "customer.profile",
            profile,
            references=refs,
            metadata=metadata("team-crm", "Customer profiles", "crm"),
        )
        consumer = {"consumer_id": "crm-service", "version": 1}
        assert rest.post("/subjects/customer.profile/consumers", json=consumer).status_code == 200
        register(
            "llm.reply",
            json.dumps(REPLY_SCHEMA),
            schemaType="JSON",
            metadata=metadata("team-ai", "Structured model replies", "llm"),
        )
        for index, payload in enumerate(XSS):
            evil = metadata(payload, f"described {payload}", f"{payload}, xss")
            register(payload, avro(f"Evil{index}", ORDER_ID, doc=payload), metadata=evil)
            register(
                payload, avro(f"Evil{index}", ORDER_ID, ORDER_TOTAL, doc=payload), metadata=evil
            )
            schema = {**REPLY_SCHEMA, "description": payload, "title": payload}
            register(f"xss.json.{index}", json.dumps(schema), schemaType="JSON", metadata=evil)


class Visit:
    """One test's browser page, with what it must never see: a dialog, or a request leaving
    this machine (both recorded, and asserted absent when the test ends)."""

    def __init__(self, browser: Any, registry: Registry, width: int = 1280) -> None:
        self.registry = registry
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.external: list[str] = []
        self.page.on("dialog", self._dialog)
        self.context.route("**/*", self._route)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _route(self, route: Any) -> None:
        url = route.request.url
        if LOCAL.match(url) or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def go(self, path: str) -> Any:
        return self.page.goto(self.registry.url + path)

    def sign_in(self, role: str) -> None:
        self.go("/ui/sign-in")
        self.page.get_by_label("API key").fill(self.registry.keys[role])
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(re.compile(r".*/ui/?$"))

    def shot(self, name: str, *, full_page: bool = True) -> Path:
        """A screenshot in the git-ignored folder (`full_page` False: the viewport only, the
        size docs/img/ keeps)."""
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def close(self) -> None:
        self.context.close()
