"""The API's documentation page and the profile's tokens, in a real browser, under the
Content Security Policy: swagger-ui comes from Accord's own static files, and nothing it does
is refused by the policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from delegations.models import User
from tests.e2e.conftest import person_in, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_docs_render_under_the_csp(
    browser: Browser, asgi_server: str, pen_delegate: User
) -> None:
    # Served by the ASGI server, so the pages' live sockets connect as they do in production
    # and any console error is the page's own.
    page = person_in(browser, asgi_server, pen_delegate)
    problems: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    # A request the browser itself abandons (leaving a page before its script arrived:
    # net::ERR_ABORTED) is not a failure of the page.
    page.on(
        "requestfailed",
        lambda request: (
            None
            if "ERR_ABORTED" in (request.failure or "")
            else problems.append(f"failed: {request.url} ({request.failure})")
        ),
    )

    page.goto("/accounts/profile/")
    page.get_by_label("Name").fill("Docs test")
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_test_id("token-secret").inner_text()
    assert secret.startswith("acc_")

    page.goto("/api/docs/")
    expect(page.get_by_role("heading", name="Accord API")).to_be_visible()
    expect(page.get_by_text("/api/statements/{id}/transitions/open_sign_on/")).to_be_visible()
    screenshot(page, "api-docs")
    csp = [p for p in problems if "Content Security Policy" in p or "failed:" in p]
    assert not csp, "\n".join(csp)
    assert not problems, "\n".join(problems)
