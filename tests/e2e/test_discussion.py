"""Comments and amendments in real browsers: Kenya comments and proposes from the statement page,
France's open page shows both without reloading and accepts the amendment, and Kenya's page shows
the new revision. A reply being written is not thrown away when the page refreshes itself."""

from __future__ import annotations

import re

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


def test_a_burst_elsewhere_is_one_toast_and_one_line_on_the_bell(
    consultation: Statement,
    pen_delegate: User,
    other_signatory: User,
    browser: Browser,
    asgi_server: str,
) -> None:
    """Canada works on the dashboard while Kenya comments twice on a statement: one pop-up
    for the statement, counting the updates, and the bell counts one line, not two."""
    key = RevisionParagraph.objects.get(
        revision=consultation.current_revision, position=4
    ).paragraph.key
    canada = person_in(browser, asgi_server, pen_delegate)
    canada.goto("/")
    expect(canada.locator("[data-unread][data-live]")).to_be_attached()
    expect(canada.locator("[data-unread]")).to_have_text("1")  # consultation opened
    kenya = person_in(browser, asgi_server, other_signatory)
    kenya.goto(f"/statements/{consultation.pk}/")
    for words in ("Throttling should count too.", "And slowing it down."):
        paragraph = kenya.locator(f"#{key}")
        paragraph.locator("summary", has_text="Comment").click()
        paragraph.get_by_label("Comment", exact=True).fill(words)
        paragraph.get_by_role("button", name="Add comment").click()
        expect(kenya.locator(f"#{key} .thread", has_text=words)).to_be_visible()
    toasts = canada.locator(".toast")
    expect(toasts).to_have_count(1)
    expect(toasts).to_contain_text(f"{consultation.title}: 2 updates — Comment or reply")
    expect(toasts).to_contain_text(f"{other_signatory.full_name} (Kenya)")
    expect(toasts.get_by_role("link")).to_have_attribute(
        "href", re.compile(rf"^/statements/{consultation.pk}/")
    )
    expect(canada.locator("[data-unread]")).to_have_text("1")
    screenshot(canada, "burst-toast")
