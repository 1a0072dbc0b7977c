"""What the dashboard must never do, in Chromium: run a script out of a schema, name, doc,
description, tag or owner; accept a form post without its session's CSRF token or from
another site; load anything from off this machine (`/docs` included); or hand out a session
cookie a script could read."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from urllib.parse import quote

import jwt
from browsersupport import EXTRAS_HEADER, JWT_SECRET, XSS, Registry, Visit
from playwright.sync_api import expect
from test_dashboard_flows import in_days, post_form


def test_xss_payloads_render_as_text_and_no_dialog_fires(
    visit: Callable[..., Visit], registry: Registry
) -> None:
    v = visit()
    v.sign_in("admin")
    page = v.page
    v.go("/ui/?q=xss")
    for payload in XSS:
        expect(page.locator("table.catalog")).to_contain_text(payload)
    v.shot("xss-catalog")
    for index, payload in enumerate(XSS):
        subject = quote(payload, safe="")
        for path in ("", "/diff", "/lineage", "/playground"):
            v.go(f"/ui/subjects/{subject}{path}")
            expect(page.get_by_role("heading", level=1)).to_contain_text(payload)
        v.go(f"/ui/subjects/{subject}")
        expect(page.locator(".facts")).to_contain_text(f"described {payload}")
        expect(page.locator("pre.code").first).to_contain_text(payload)
        v.shot(f"xss-subject-{index}")
        v.go(f"/ui/subjects/xss.json.{index}/versions/1/export")
        expect(page.locator("#payload")).to_contain_text("description")
        v.go(f"/ui/subjects/xss.json.{index}/playground")
    assert page.locator("img[src=x]").count() == 0
    assert page.evaluate("document.querySelectorAll('script:not([src]):not([type])').length") == 0
    # the dialog and external-request checks run when the `visit` fixture ends


def test_a_post_without_the_csrf_token_is_refused(
    visit: Callable[..., Visit], registry: Registry
) -> None:
    v = visit()
    v.sign_in("publisher")
    v.go("/ui/subjects/orders.guarded")
    page = v.page
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    path = "/ui/subjects/orders.guarded/versions/2/lifecycle"
    fields = {"action": "deprecate", "sunset_date": in_days(9), "reason": "no token"}
    assert post_form(page, path, fields) == 403
    assert post_form(page, path, {**fields, "csrf_token": "forged"}) == 403
    from_elsewhere = v.context.request.post(
        registry.url + path,
        form={**fields, "csrf_token": token or ""},
        headers={"Origin": "https://attacker.example"},
        max_redirects=0,
    )
    assert from_elsewhere.status == 403
    v.go("/ui/subjects/orders.guarded")  # the page still works, and nothing moved
    with registry.rest() as rest:
        found = rest.get("/subjects/orders.guarded/versions/2", headers=EXTRAS_HEADER).json()
        assert found["state"] == "ACTIVE"
        denied = rest.get("/audit", params={"action": "ui.csrf"}).json()
    assert len(denied) >= 3 and {entry["result"] for entry in denied} == {"denied"}


def test_docs_and_redoc_load_with_no_request_off_the_machine(
    visit: Callable[..., Visit],
) -> None:
    v = visit()
    v.go("/docs")
    expect(v.page.locator(".swagger-ui .info .title")).to_contain_text("LLM Schema Registry")
    expect(v.page.locator(".opblock-tag-section").first).to_be_visible()
    v.shot("docs")
    v.go("/redoc")
    expect(v.page.get_by_role("heading", name="LLM Schema Registry").first).to_be_visible()
    v.shot("redoc")
    # no request left the machine: asserted by the `visit` fixture


def test_session_cookie_is_http_only_and_strict_and_sign_out_ends_it(
    visit: Callable[..., Visit],
) -> None:
    v = visit()
    v.go("/ui/")
    expect(v.page.get_by_role("heading", name="Sign in")).to_be_visible()  # redirected
    v.shot("sign-in")
    v.sign_in("consumer")
    [cookie] = [c for c in v.context.cookies() if c["name"] == "lsr_session"]
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Strict", "/ui")
    assert v.page.evaluate("document.cookie") == ""
    v.page.get_by_role("button", name="Sign out").click()
    expect(v.page.get_by_role("heading", name="Sign in")).to_be_visible()
    v.go("/ui/subjects/orders.events")
    expect(v.page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_sign_in_with_a_bearer_token_and_a_refused_key(visit: Callable[..., Visit]) -> None:
    v = visit()
    v.go("/ui/sign-in")
    v.page.get_by_label("API key").fill("lsk_0000.wrong")
    v.page.get_by_role("button", name="Sign in").click()
    expect(v.page.get_by_role("alert")).to_contain_text("Sign-in failed")
    expires = int(time.time()) + 600
    claims = {"sub": "ana", "roles": ["auditor"], "exp": expires}
    v.page.get_by_label("Bearer token (JWT)").fill(jwt.encode(claims, JWT_SECRET, "HS256"))
    v.page.get_by_role("button", name="Sign in").click()
    expect(v.page.locator(".actor")).to_have_text("jwt:ana")
    [cookie] = [c for c in v.context.cookies() if c["name"] == "lsr_session"]
    assert cookie["expires"] <= expires + 1  # never outlives the token
    expect(v.page.get_by_role("link", name="Audit log")).to_be_visible()
    assert dt.datetime.now(dt.UTC).timestamp() < expires
