"""The events page in Chromium: the live feed adds a registration made over REST within
seconds (Server-Sent Events from a served script, under the strict CSP), a reader scoped to
some subjects sees only those, and an admin sees each webhook's deliveries and dead letters
and replays them. Screenshots in tests/browser/screenshots/."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from urllib.parse import quote

from browsersupport import Registry, Visit, avro
from playwright.sync_api import expect

ID = {"name": "id", "type": "string"}


def register(registry: Registry, subject: str, *fields: dict[str, str]) -> None:
    with registry.rest() as rest:
        path = f"/subjects/{quote(subject, safe='')}/versions"
        reply = rest.post(path, json={"schema": avro("Live", ID, *fields)})
        assert reply.status_code == 200, reply.text


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_the_live_feed_shows_a_registration_as_it_commits(
    visit: Callable[..., Visit], registry: Registry
) -> None:
    v = visit()
    v.sign_in("consumer")
    v.go("/ui/events")
    page = v.page
    expect(page.get_by_role("heading", name="Change events")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Live")
    expect(page.get_by_role("heading", name="Webhooks")).to_have_count(0)  # admins only
    register(registry, "live.orders")
    row = page.locator("#event-feed tbody tr").first
    expect(row).to_contain_text("live.orders", timeout=5_000)
    expect(row).to_contain_text("schema.registered")
    row.get_by_text("CloudEvent").click()
    expect(row.locator("code")).to_contain_text('"specversion": "1.0"')
    v.shot("events-live")


def test_the_feed_filters_by_subject_glob(visit: Callable[..., Visit], registry: Registry) -> None:
    v = visit()
    v.sign_in("consumer")
    v.go("/ui/events")
    v.page.get_by_label("Subjects (globs, comma-separated)").fill("filtered.keep.*")
    v.page.get_by_role("button", name="Filter").click()
    expect(v.page).to_have_url(re.compile(r"subject=filtered\.keep\.\*"))
    expect(v.page.get_by_role("status")).to_contain_text("Live")
    register(registry, "filtered.drop.x")
    register(registry, "filtered.keep.x")
    rows = v.page.locator("#event-feed tbody tr:not([hidden])")
    expect(rows.first).to_contain_text("filtered.keep.x", timeout=5_000)
    expect(v.page.locator("#event-feed")).not_to_contain_text("filtered.drop.x")


def test_an_admin_sees_dead_letters_and_replays_them(
    visit: Callable[..., Visit], registry: Registry
) -> None:
    receiver = f"http://127.0.0.1:{closed_port()}/hook"  # nobody listens: every try fails
    with registry.rest() as rest:
        made = rest.post("/webhooks", json={"url": receiver, "subjects": ["hooked.*"]})
        assert made.status_code == 201, made.text
    hook = made.json()["id"]
    register(registry, "hooked.orders")
    v = visit()
    v.sign_in("admin")
    v.go("/ui/events")
    expect(v.page.get_by_role("link", name=hook)).to_be_visible()
    v.page.get_by_role("link", name=hook).click()
    expect(v.page.get_by_role("heading", level=1)).to_contain_text(hook)
    for _ in range(40):  # two failed tries, then the dead letter
        if v.page.locator("table.dead-letters tbody tr").count():
            break
        v.page.wait_for_timeout(250)
        v.page.reload()
    dead = v.page.locator("table.dead-letters tbody tr")
    expect(dead).to_have_count(1)
    expect(dead).to_contain_text("hooked.orders")
    expect(v.page.locator("table.deliveries tbody tr")).to_have_count(2)
    v.shot("webhook-dead-letters")
    v.page.get_by_role("button", name="Replay all 1").click()
    expect(v.page.get_by_role("status")).to_contain_text("1 dead letter sent again")
    with registry.rest("auditor") as rest:
        entries = rest.get("/audit").json()
    assert any("replay" in f"{e['action']} {e['resource']}" for e in entries), entries[-3:]


def test_webhook_pages_are_for_admins_only(visit: Callable[..., Visit]) -> None:
    v = visit()
    v.sign_in("publisher")
    reply = v.go("/ui/webhooks/anything")
    assert reply.status in (403, 404)
