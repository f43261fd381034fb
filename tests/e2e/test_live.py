"""Live updates in real browsers: the chair opens sign-on, and a signatory's open page shows it
without reloading."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from delegations.models import User
from drafts.models import Statement
from tests.conftest import StatementMaker
from tests.e2e.conftest import person_in, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def consultation(make_statement: StatementMaker, other_signatory: User) -> Statement:
    """Built before the browser starts: actions run in a plain thread, as in a request."""
    return make_statement(Statement.State.CONSULTATION)


def test_sign_on_opening_reaches_an_open_page_without_reload(
    consultation: Statement,
    chair: User,
    other_signatory: User,
    browser: Browser,
    asgi_server: str,
) -> None:
    statement = consultation
    url = f"/statements/{statement.pk}/"

    signatory = person_in(browser, asgi_server, other_signatory)
    signatory.goto(url)
    expect(signatory.get_by_test_id("state")).to_have_text("Consultation")
    expect(signatory.get_by_role("button", name="Sign on", exact=True)).to_have_count(0)
    unread = signatory.locator("[data-unread]")
    before = int(unread.inner_text())  # "consultation opened" may already be there
    # The page is really live, not just loaded: the chair's arrival shows up on it.
    chair_page = person_in(browser, asgi_server, chair)
    chair_page.goto(url)
    expect(signatory.locator("[data-presence]")).to_contain_text(chair.full_name)
    expect(chair_page.locator("[data-presence]")).to_contain_text(other_signatory.full_name)

    chair_page.get_by_label("Sign-on closes (UTC)").fill("2031-12-03T17:00")
    chair_page.get_by_role("button", name="Open sign-on", exact=True).click()
    expect(chair_page.get_by_text("Sign-on is open.")).to_be_visible()

    # No reload on the signatory's side: the socket brings the state, the button and the bell.
    expect(signatory.get_by_test_id("state")).to_have_text("Sign-on")
    expect(signatory.get_by_role("button", name="Sign on", exact=True)).to_be_visible()
    expect(unread).to_have_text(str(before + 1))
    expect(signatory.locator("[data-live-notice]")).to_contain_text("opened sign-on")
    screenshot(signatory, "live_sign_on_opened")

    signatory.get_by_role("button", name="Sign on", exact=True).click()
    expect(chair_page.get_by_test_id("signature-count")).to_have_text("1")
    expect(chair_page.get_by_test_id("signatories")).to_contain_text("Kenya")
    screenshot(chair_page, "live_signature_seen_by_chair")


def test_a_change_made_through_one_server_reaches_a_page_served_by_another(
    consultation: Statement,
    chair: User,
    other_signatory: User,
    browser: Browser,
    asgi_server: str,
    second_asgi_server: str,
) -> None:
    url = f"/statements/{consultation.pk}/"
    signatory = person_in(browser, second_asgi_server, other_signatory)
    signatory.goto(url)
    chair_page = person_in(browser, asgi_server, chair)
    chair_page.goto(url)
    expect(signatory.locator("[data-presence]")).to_contain_text(chair.full_name)

    chair_page.get_by_label("Sign-on closes (UTC)").fill("2031-12-03T17:00")
    chair_page.get_by_role("button", name="Open sign-on", exact=True).click()

    expect(signatory.get_by_test_id("state")).to_have_text("Sign-on")
    expect(signatory.get_by_role("button", name="Sign on", exact=True)).to_be_visible()
