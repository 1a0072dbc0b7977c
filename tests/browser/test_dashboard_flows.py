"""The dashboard's acceptance flows in Chromium, against a real registry process: search,
subject, diff, deprecation by a publisher (and the REST API agreeing), a consumer without
lifecycle controls, impact across a reference, and the validation playground."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

from browsersupport import EXTRAS_HEADER, Registry, Visit
from playwright.sync_api import expect


def in_days(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


def test_search_open_diff_and_deprecate_as_publisher(
    visit: Callable[..., Visit], registry: Registry
) -> None:
    v = visit()
    v.sign_in("publisher")
    page = v.page
    page.get_by_label("Search name, description or tag").fill("orders placed")
    page.keyboard.press("Enter")  # the search form, from the keyboard
    expect(page.get_by_role("status")).to_contain_text("3 subjects")
    v.shot("catalog-search")
    page.get_by_role("link", name="orders.events", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("orders.events")
    v.shot("subject")

    page.get_by_role("navigation", name="Subject").get_by_role("link", name="Diff").click()
    page.get_by_label("Old version").select_option("1")
    page.get_by_label("New version").select_option("2")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".bump strong")).to_have_text("minor")
    changes = page.locator("table.changes tbody tr")
    expect(changes).to_have_count(1)
    expect(changes.first).to_contain_text("total")
    expect(page.locator(".line.add").first).to_be_visible()
    v.shot("diff")

    page.get_by_role("navigation", name="Subject").get_by_role("link", name="Overview").click()
    page.get_by_role("row", name=re.compile(r"^v1 ")).get_by_role("link", name="Deprecate…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Deprecate version 1")
    sunset = in_days(30)
    page.get_by_label("Sunset date").fill(sunset)
    page.get_by_label("Reason (required)").fill("use version 2 with totals")
    v.shot("lifecycle-confirm")
    page.get_by_role("button", name="Confirm: deprecate version 1").click()
    expect(page.get_by_role("status").first).to_contain_text("Done: deprecate")
    expect(page.get_by_role("row", name=re.compile(r"^v1 "))).to_contain_text("DEPRECATED")

    with registry.rest("consumer") as rest:
        found = rest.get("/subjects/orders.events/versions/1", headers=EXTRAS_HEADER).json()
    assert (found["state"], found["sunset_date"], found["reason"]) == (
        "DEPRECATED",
        sunset,
        "use version 2 with totals",
    )


def test_a_consumer_sees_no_lifecycle_controls_and_a_forged_post_is_403(
    visit: Callable[..., Visit], registry: Registry
) -> None:
    v = visit()
    v.sign_in("consumer")
    v.go("/ui/subjects/orders.guarded")
    page = v.page
    expect(page.get_by_role("heading", level=1)).to_have_text("orders.guarded")
    expect(page.locator("td.actions a")).to_have_count(0)
    controls = page.get_by_role("link", name=re.compile("Deprecate|Archive|Roll back"))
    expect(controls).to_have_count(0)
    v.shot("subject-as-consumer")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    forged = post_form(
        page,
        "/ui/subjects/orders.guarded/versions/2/lifecycle",
        {"csrf_token": token, "action": "deprecate", "sunset_date": in_days(9), "reason": "x"},
    )
    assert forged == 403
    assert v.go("/ui/subjects/orders.guarded/versions/2/lifecycle?action=archive").status == 403
    with registry.rest() as rest:
        found = rest.get("/subjects/orders.guarded/versions/2", headers=EXTRAS_HEADER).json()
    assert found["state"] == "ACTIVE"


def post_form(page: Any, path: str, fields: dict[str, str | None]) -> int:
    """A form post from the page's own origin with its cookies (as a script could make)."""
    body = "&".join(
        f"{k}={v}" for k, v in ((k, encode(page, v)) for k, v in fields.items()) if v is not None
    )
    status: int = page.evaluate(
        """async ([path, body]) => (await fetch(path, {method: "POST", body: body,
            headers: {"content-type": "application/x-www-form-urlencoded"},
            redirect: "manual"})).status""",
        [path, body],
    )
    return status


def encode(page: Any, value: str | None) -> str | None:
    if value is None:
        return None
    encoded: str = page.evaluate("(v) => encodeURIComponent(v)", value)
    return encoded


def test_impact_of_a_breaking_change_lists_the_referencing_subject_and_its_consumer(
    visit: Callable[..., Visit],
) -> None:
    v = visit()
    v.sign_in("consumer")
    v.go("/ui/subjects/customer.address/lineage")
    page = v.page
    nodes = page.locator("#lineage-graph svg a.node-link")
    expect(nodes).to_have_count(2)
    expect(page.locator("#lineage-graph svg rect.node-consumer")).to_have_count(1)
    page.get_by_role("button", name="Zoom in").click()
    v.shot("lineage")
    breaking = {
        "type": "record",
        "name": "Address",
        "fields": [{"name": "city", "type": "string"}, {"name": "zip", "type": "string"}],
    }
    page.get_by_label("Proposed schema").fill(json.dumps(breaking, indent=2))
    page.get_by_role("button", name="Analyse impact").click()
    result = page.locator("#impact-result")
    expect(result).to_contain_text("incompatible")
    row = result.locator("table.impact tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("customer.profile")
    expect(row).to_contain_text("crm-service")
    expect(row).to_contain_text("breaking")
    expect(row).to_contain_text("customer.profile v1 → customer.address v1")
    v.shot("impact")
    page.locator("#lineage-graph svg a.node-link", has_text="customer.profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("customer.profile")


def test_the_playground_shows_the_error_path_and_repair_prompt_for_a_messy_reply(
    visit: Callable[..., Visit],
) -> None:
    v = visit()
    v.sign_in("consumer")
    v.go("/ui/subjects/llm.reply/playground")
    page = v.page
    v.shot("playground")
    messy = (
        "Sure! Here is the JSON you asked for:\n```json\n"
        '{"answer": "Paris", "confidence": "very high"}\n```\nLet me know if you need more.'
    )
    page.get_by_label("Raw LLM output").check()
    page.get_by_label("Input", exact=True).fill(messy)
    page.get_by_role("button", name="Validate").click()
    result = page.locator("#playground-result")
    expect(result.get_by_role("heading", level=2)).to_contain_text("Invalid")
    expect(result.locator("code.path")).to_contain_text(["$.confidence"])
    expect(page.locator("#repair-prompt")).to_contain_text("confidence")
    expect(page.get_by_role("button", name="Copy repair prompt")).to_be_visible()
    v.shot("playground-result")
