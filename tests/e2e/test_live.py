"""Live updates across server processes: the chair opens sign-on through one, and a signatory's
page served by another shows it without reloading (the journeys in test_journeys.py show the
same within one process)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from delegations.models import User
from drafts.models import Statement
from tests.conftest import StatementMaker
from tests.e2e.conftest import person_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def consultation(make_statement: StatementMaker, other_signatory: User) -> Statement:
    """Built before the browser starts: actions run in a plain thread, as in a request."""
    return make_statement(Statement.State.CONSULTATION)


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
