"""Accord on a phone: 375 px wide, touch. The dashboard, the statement page with its sign-on
buttons, and the public list and statement fit the width (no sideways scrolling), and their
main buttons are on screen, large enough to tap, and work when tapped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from delegations.models import User
from drafts.models import Statement
from tests.conftest import StatementMaker
from tests.e2e.conftest import log_in, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTH = 375
PHONE = {
    "viewport": {"width": WIDTH, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture
def phone(browser: Browser, asgi_server: str) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=asgi_server, **PHONE)  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    yield context
    context.close()


def fits_the_width(page: Page) -> None:
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    wider = page.evaluate(
        """(limit) => Array.from(document.querySelectorAll('body *'))
            .filter((el) => el.getBoundingClientRect().right > limit + 1)
            .filter((el) => !el.closest('.table-scroll, .visually-hidden, .skip-link'))
            .slice(0, 5).map((el) => el.tagName + '.' + el.className)""",
        WIDTH,
    )
    assert width <= WIDTH, f"{page.url} is {width} px wide on a {WIDTH} px screen: {wider}"


def tappable(button: Locator) -> None:
    """On screen, within the width, at least 24 by 24 px (WCAG 2.2's target size)."""
    expect(button).to_be_visible()
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
    assert box["width"] >= 24 and box["height"] >= 24, box


def test_a_signatory_signs_on_from_a_phone(
    make_statement: StatementMaker, other_signatory: User, phone: BrowserContext
) -> None:
    statement = make_statement(Statement.State.SIGN_ON)
    page = phone.new_page()
    log_in(page, other_signatory)
    fits_the_width(page)
    tappable(page.get_by_role("link", name=statement.title))
    screenshot(page, "phone-dashboard")

    page.get_by_role("link", name="All statements").tap()
    expect(page.get_by_role("heading", name="All statements")).to_be_visible()
    fits_the_width(page)
    tappable(page.get_by_role("button", name="Show", exact=True))
    screenshot(page, "phone-statement-list")
    page.go_back()

    page.get_by_role("link", name=statement.title).tap()
    sign = page.get_by_role("button", name="Sign on", exact=True)
    tappable(sign)
    tappable(page.get_by_role("button", name="Decline", exact=True))
    fits_the_width(page)
    screenshot(page, "phone-statement-sign-on")

    sign.tap()
    expect(page.get_by_text("Your delegation has signed on.")).to_be_visible()
    expect(page.get_by_test_id("signature-count")).to_have_text("2")
    tappable(page.get_by_role("button", name="Withdraw signature"))
    fits_the_width(page)
    screenshot(page, "phone-statement-signed")


def test_a_visitor_reads_a_published_statement_on_a_phone(
    make_statement: StatementMaker, phone: BrowserContext
) -> None:
    make_statement(Statement.State.PUBLISHED, title="Joint statement on internet shutdowns")
    page = phone.new_page()
    page.goto("/published/")
    fits_the_width(page)
    tappable(page.get_by_role("button", name="Search"))
    link = page.get_by_role("link", name="Joint statement on internet shutdowns")
    tappable(link)
    screenshot(page, "phone-public-list")

    link.tap()
    expect(page.get_by_test_id("signatories").get_by_role("listitem")).to_have_text(["France"])
    fits_the_width(page)
    tappable(page.get_by_test_id("downloads").get_by_role("link", name="Word (.docx)"))
    screenshot(page, "phone-public-statement")
