"""Every dashboard page in Chromium at 1280 px and 390 px wide: it renders, nothing scrolls
sideways, every control has a label, and a screenshot is saved (tests/browser/screenshots/,
git-ignored). Also the export preview, the audit log and the top schemas by role."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from browsersupport import Registry, Visit
from playwright.sync_api import expect

PAGES = {
    "catalog": "/ui/",
    "subject": "/ui/subjects/orders.events?version=2",
    "diff": "/ui/subjects/orders.events/diff?left=1&right=2",
    "lineage": "/ui/subjects/customer.profile/lineage",
    "playground": "/ui/subjects/llm.reply/playground",
    "export": "/ui/subjects/llm.reply/versions/1/export?target=openai",
    "usage": "/ui/usage",
    "audit": "/ui/audit",
    "events": "/ui/events",
    "lifecycle": "/ui/subjects/orders.deprecations/versions/2/lifecycle?action=deprecate",
    "rollback": "/ui/subjects/orders.deprecations/rollback?target=1",
    "not-found": "/ui/subjects/no.such.subject",
}
DOCS_IMAGES = ("catalog", "diff", "lineage")
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
    .filter(e => e.type !== 'hidden' && e.labels.length === 0 && !e.getAttribute('aria-label'))
    .map(e => e.outerHTML)"""


@pytest.mark.parametrize("width", [1280, 390])
def test_every_page_renders_labelled_and_without_sideways_scrolling(
    visit: Callable[..., Visit], width: int
) -> None:
    v = visit(width)
    v.sign_in("admin")
    for name, path in PAGES.items():
        reply = v.go(path)
        assert reply.status == (404 if name == "not-found" else 200), name
        expect(v.page.get_by_role("heading", level=1)).to_be_visible()
        assert v.page.evaluate(UNLABELLED) == [], name
        overflow = v.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow} px at {width} px"
        v.shot(f"{name}-{width}")
        if width == 1280 and name in DOCS_IMAGES:
            v.shot(f"docs-{name}", full_page=False)  # what docs/ui.md shows (docs/img/)


def test_export_preview_applies_safe_fixes_and_offers_copy(visit: Callable[..., Visit]) -> None:
    v = visit()
    v.sign_in("consumer")
    v.go("/ui/subjects/llm.reply/versions/1/export?target=gemini")
    page = v.page
    expect(page.locator("#payload")).to_contain_text("responseSchema")
    page.get_by_label("Provider").select_option("openai")
    page.get_by_label("Apply safe fixes").check()
    page.get_by_role("button", name="Preview").click()
    expect(page).to_have_url(re.compile(r"target=openai&fix=true"))
    expect(page.get_by_role("heading", name=re.compile("Safe fixes applied"))).to_be_visible()
    expect(page.locator("#payload")).to_contain_text('"strict": true')
    expect(page.get_by_role("button", name="Copy payload")).to_be_visible()
    v.shot("export-fixed")


def test_the_audit_log_is_for_auditors_and_admins_and_verifies_its_chain(
    visit: Callable[..., Visit], registry: Registry
) -> None:
    consumer = visit()
    consumer.sign_in("consumer")
    expect(consumer.page.get_by_role("link", name="Audit log")).to_have_count(0)
    assert consumer.go("/ui/audit").status == 403
    auditor = visit()
    auditor.sign_in("auditor")
    auditor.page.get_by_role("link", name="Audit log").click()
    expect(auditor.page.get_by_role("status")).to_contain_text("hash chain verifies")
    auditor.page.get_by_label("Action").fill("ui.sign_in")
    auditor.page.get_by_role("button", name="Filter").click()
    rows = auditor.page.locator("table.audit tbody tr")
    expect(rows.first).to_contain_text("ui.sign_in")
    expect(auditor.page.locator("table.audit")).not_to_contain_text("schema.create")
    auditor.shot("audit-filtered")


def test_top_schemas_count_validations_cluster_wide(
    visit: Callable[..., Visit], registry: Registry
) -> None:
    with registry.rest("consumer") as rest:
        for answer in ("a", "b"):
            record = {"answer": answer, "confidence": 0.5}
            reply = rest.post("/validate", json={"subject": "llm.reply", "data": record})
            assert reply.status_code == 200
    v = visit()
    v.sign_in("consumer")
    v.go("/ui/usage")
    expect(v.page.locator("ol.top").first).to_contain_text("llm.reply")
