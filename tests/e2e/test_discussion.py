"""Comments and amendments in real browsers: Kenya comments and proposes from the statement page,
France's open page shows both without reloading and accepts the amendment, and Kenya's page shows
the new revision. A reply being written is not thrown away when the page refreshes itself."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from delegations.models import User
from drafts.models import RevisionParagraph, Statement
from tests.conftest import StatementMaker
from tests.e2e.conftest import person_in, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CALL = "2. *Call upon* all states to refrain from shutting down access to the internet."


@pytest.fixture
def consultation(make_statement: StatementMaker, other_signatory: User) -> Statement:
    """Built before the browser starts: actions run in a plain thread, as in a request."""
    return make_statement(Statement.State.CONSULTATION)


def test_comments_and_amendments_reach_open_pages(
    consultation: Statement,
    pen_delegate: User,
    other_signatory: User,
    browser: Browser,
    asgi_server: str,
) -> None:
    url = f"/statements/{consultation.pk}/"
    key = RevisionParagraph.objects.get(
        revision=consultation.current_revision, position=4
    ).paragraph.key
    canada = person_in(browser, asgi_server, pen_delegate)
    canada.goto(url)
    kenya = person_in(browser, asgi_server, other_signatory)
    kenya.goto(url)
    expect(canada.locator("[data-presence]")).to_contain_text(other_signatory.full_name)

    # Canada starts a reply to nothing yet: a comment box with words in it, not sent.
    canada_para = canada.locator(f"#{key}")
    canada_para.locator("summary", has_text="Comment").click()
    canada_para.get_by_label("Quote (optional)").fill("shutting down")

    # Kenya comments from the page.
    paragraph = kenya.locator(f"#{key}")
    paragraph.locator("summary", has_text="Comment").click()
    paragraph.get_by_label("Comment", exact=True).fill("Throttling should count too.")
    paragraph.get_by_role("button", name="Add comment").click()
    expect(kenya.get_by_text("Your comment is added.")).to_be_visible()
    expect(kenya.locator(f"#{key} .thread")).to_contain_text("Throttling should count too.")

    # Canada is told at once; the half-written quote is kept, so that part waits.
    expect(canada.locator("[data-live-notice]")).to_contain_text("commented")
    expect(canada_para.get_by_label("Quote (optional)")).to_have_value("shutting down")
    canada_para.get_by_label("Quote (optional)").fill("")
    canada.reload()
    expect(canada.locator(f"#{key} .thread")).to_contain_text("Throttling should count too.")

    # Kenya proposes an amendment; Canada's page shows it without reloading, and accepts it.
    paragraph = kenya.locator(f"#{key}")
    paragraph.locator("summary", has_text="Propose amendment").click()
    paragraph.get_by_label("Proposed wording").fill(
        CALL.replace("shutting down", "shutting down or throttling")
    )
    paragraph.get_by_label("Justification").fill("A throttled network is a shutdown too.")
    paragraph.get_by_role("button", name="Propose amendment").click()
    expect(kenya.get_by_text("Your amendment is proposed")).to_be_visible()

    amendment = canada.locator(f"#{key} .amendment")
    expect(amendment).to_contain_text("A throttled network is a shutdown too.")
    expect(amendment).to_contain_text("or throttling")
    screenshot(canada, "discussion_amendment_seen_by_pen_holder")
    amendment.get_by_role("button", name="Accept").click()
    expect(canada.get_by_text("The amendment by Kenya is accepted")).to_be_visible()

    expect(kenya.get_by_test_id("revision-number")).to_have_text("2")
    expect(kenya.locator("[data-live-notice]")).to_contain_text("accepted an amendment")
    expect(kenya.locator(f"#{key} .para-text")).to_contain_text("shutting down or throttling")
    expect(kenya.locator(f"#{key} .older-wording")).to_contain_text(
        "Refers to an older wording (revision 1)"
    )
    screenshot(kenya, "discussion_after_acceptance")
