"""The three journeys of a statement, end to end, in Chromium: several people at once, each in
a browser context of their own, against the real ASGI server (WebSockets and all).

1. Co-drafting: two pen-holding delegations edit one draft at the same time.
2. Consultation and sign-on: a comment, an amendment accepted, three signatures and a
   withdrawal, watched live by the chair (from another server process when Redis joins them).
3. Publication: the coordinator publishes; an anonymous visitor reads, downloads and verifies.

Each step's page is saved as ``test-artifacts/e2e/journey-<n>-<step>.png``.
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from docx import Document
from playwright.sync_api import Browser, Page, expect

from delegations.models import User
from drafts.models import RevisionParagraph, Statement
from tests.conftest import StatementMaker, delegation, person, proof_for
from tests.e2e.conftest import ARTIFACTS, person_in, screenshot
from workflow import actions

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CALL = "2. *Call upon* all states to refrain from shutting down access to the internet."


@pytest.fixture
def netherlands_delegate(db: None) -> User:
    """A delegate of the Netherlands, the other pen-holder of ``make_statement``'s drafts."""
    return person("delegate.nl@example.org", User.Role.DELEGATE, delegation("NL"))


@pytest.fixture
def watching_server(request: pytest.FixtureRequest, asgi_server: str) -> str:
    """Where the chair watches from: a second server process when Redis joins processes (so
    the live updates cross from one process to the other), else the same one."""
    if "redis" in str(settings.CHANNEL_LAYERS["default"]["BACKEND"]).lower():
        url: str = request.getfixturevalue("second_asgi_server")
        return url
    return asgi_server


def words(page: Page, selector: str) -> list[str]:
    """The words marked by ``selector`` (ins or del), without their screen-reader markers."""
    texts: list[str] = page.locator(selector).evaluate_all(
        """(nodes) => nodes.map((node) => {
            const copy = node.cloneNode(true);
            copy.querySelectorAll('.visually-hidden').forEach((hidden) => hidden.remove());
            return copy.textContent.trim();
        })"""
    )
    return texts


def replace_in_box(page: Page, old: str, new: str) -> None:
    box = page.get_by_label("Text (Markdown)")
    box.fill(box.input_value().replace(old, new))


# --- 1. Co-drafting ----------------------------------------------------------------------


def test_journey_1_co_drafting(
    make_statement: StatementMaker,
    pen_delegate: User,
    netherlands_delegate: User,
    browser: Browser,
    asgi_server: str,
) -> None:
    draft = make_statement()
    edit = f"/statements/{draft.pk}/edit/"
    canada = person_in(browser, asgi_server, pen_delegate)
    canada.goto(edit)
    netherlands = person_in(browser, asgi_server, netherlands_delegate)
    netherlands.goto(edit)

    # Each sees the other at work on the text.
    expect(canada.locator("[data-editors]")).to_contain_text(
        f"{netherlands_delegate.full_name} (The Netherlands), editing"
    )
    expect(netherlands.locator("[data-editors]")).to_contain_text(
        f"{pen_delegate.full_name} (Canada), editing"
    )

    # Both change the text at the same time; Canada saves first.
    replace_in_box(canada, "must also be protected online", "must equally be protected online")
    replace_in_box(
        netherlands, "refrain from shutting down", "refrain at all times from shutting down"
    )
    screenshot(canada, "journey-1-both-editing")
    canada.get_by_role("button", name="Save revision").click()
    expect(canada.get_by_text("Saved as revision 2")).to_be_visible()

    # The Netherlands hears of it at once and merges Canada's change into its own text.
    expect(netherlands.locator("[data-newer-text]")).to_contain_text("Revision 2 was just saved")
    screenshot(netherlands, "journey-1-offer-to-merge")
    netherlands.get_by_role("button", name="Merge revision 2 into my text").click()
    expect(netherlands.locator("[data-newer-text]")).to_contain_text("Merged")
    netherlands.get_by_role("button", name="Save revision").click()
    expect(netherlands.get_by_text("Saved as revision 3")).to_be_visible()
    text = netherlands.get_by_test_id("revision-number")
    expect(text).to_have_text("3")
    paragraphs = netherlands.locator(".statement-text")
    expect(paragraphs).to_contain_text("must equally be protected online")
    expect(paragraphs).to_contain_text("refrain at all times from shutting down")
    screenshot(netherlands, "journey-1-both-edits-in-the-text")

    # The history shows both revisions, by whom and for which delegation.
    canada.goto(f"/statements/{draft.pk}/history/")
    rows = canada.get_by_test_id("revisions")
    third = rows.locator("tr[data-revision='3']")
    second = rows.locator("tr[data-revision='2']")
    expect(third).to_contain_text(netherlands_delegate.full_name)
    expect(third).to_contain_text("The Netherlands")
    expect(second).to_contain_text(pen_delegate.full_name)
    expect(second).to_contain_text("Canada")
    screenshot(canada, "journey-1-history")

    # Revision 2 → 3 is exactly the Netherlands' change; 1 → 3 is both, and nothing else.
    third.get_by_role("link", name="changes in revision 3").click()
    expect(canada.get_by_role("heading", name="Revision 2 → revision 3")).to_be_visible()
    assert words(canada, "[data-testid=inline] ins") == ["at all times"]
    assert words(canada, "[data-testid=inline] del") == []
    canada.goto(f"/statements/{draft.pk}/history/")
    canada.get_by_label("Compare from revision 1").check()
    canada.get_by_label("Compare to revision 3").check()
    canada.get_by_role("button", name="Compare the chosen revisions").click()
    expect(canada.get_by_role("heading", name="Revision 1 → revision 3")).to_be_visible()
    assert words(canada, "[data-testid=inline] ins") == ["equally", "at all times"]
    assert words(canada, "[data-testid=inline] del") == ["also"]
    expect(canada.get_by_test_id("summary")).to_contain_text("4 words inserted, 1 deleted")
    screenshot(canada, "journey-1-compare")


# --- 2. Consultation and sign-on ---------------------------------------------------------


def test_journey_2_consultation_and_sign_on(
    make_statement: StatementMaker,
    chair: User,
    other_signatory: User,
    pen_signatory: User,
    third_signatory: User,
    browser: Browser,
    asgi_server: str,
    watching_server: str,
) -> None:
    statement = make_statement()
    url = f"/statements/{statement.pk}/"
    key = RevisionParagraph.objects.get(
        revision=statement.current_revision, position=4
    ).paragraph.key

    # The chair opens consultation.
    chair_page = person_in(browser, watching_server, chair)
    chair_page.goto(url)
    chair_page.get_by_role("button", name="Open consultation").click()
    expect(chair_page.get_by_text("Consultation is open.")).to_be_visible()
    expect(chair_page.get_by_test_id("state")).to_have_text("Consultation")
    screenshot(chair_page, "journey-2-consultation-open")

    # Kenya, not a pen-holder, comments on a paragraph and proposes an amendment to it.
    kenya = person_in(browser, asgi_server, other_signatory)
    kenya.goto(url)
    canada = person_in(browser, asgi_server, pen_signatory)
    canada.goto(url)
    paragraph = kenya.locator(f"#{key}")
    paragraph.locator("summary", has_text="Comment").click()
    paragraph.get_by_label("Quote (optional)").fill("shutting down")
    paragraph.get_by_label("Comment", exact=True).fill("Throttling should count too.")
    paragraph.get_by_role("button", name="Add comment").click()
    expect(kenya.get_by_text("Your comment is added.")).to_be_visible()
    paragraph = kenya.locator(f"#{key}")
    paragraph.locator("summary", has_text="Propose amendment").click()
    paragraph.get_by_label("Proposed wording").fill(
        CALL.replace("shutting down", "shutting down or throttling")
    )
    paragraph.get_by_label("Justification").fill("A throttled network is a shutdown too.")
    paragraph.get_by_role("button", name="Propose amendment").click()
    expect(kenya.get_by_text("Your amendment is proposed")).to_be_visible()
    screenshot(kenya, "journey-2-comment-and-amendment")

    # Canada, a pen-holder, sees both arrive without reloading, and accepts the amendment.
    expect(canada.locator(f"#{key} .thread")).to_contain_text("Throttling should count too.")
    amendment = canada.locator(f"#{key} .amendment")
    expect(amendment).to_contain_text("A throttled network is a shutdown too.")
    screenshot(canada, "journey-2-amendment-seen-by-pen-holder")
    amendment.get_by_role("button", name="Accept").click()
    expect(canada.get_by_text("The amendment by Kenya is accepted")).to_be_visible()
    expect(kenya.locator(f"#{key} .para-text")).to_contain_text("shutting down or throttling")

    # The chair opens sign-on with a deadline; the signatories' pages offer "Sign on" at once,
    # without reloading, and their bell hears the news (it joins the statement's line, which
    # the bell counts once).
    expect(chair_page.get_by_test_id("revision-number")).to_have_text("2")
    seen_key = f"accord.notifications.last.{other_signatory.pk}"
    seen = int(kenya.evaluate("(key) => window.localStorage.getItem(key) || '0'", seen_key))
    chair_page.get_by_label("Sign-on closes (UTC)").fill("2031-12-03T17:00")
    chair_page.get_by_role("button", name="Open sign-on", exact=True).click()
    expect(chair_page.get_by_text("Sign-on is open.")).to_be_visible()
    expect(kenya.get_by_test_id("state")).to_have_text("Sign-on")
    expect(kenya.locator("[data-live-notice]")).to_contain_text("opened sign-on")
    kenya.wait_for_function(
        "([key, before]) => Number(window.localStorage.getItem(key) || '0') > before",
        arg=[seen_key, seen],
    )
    expect(kenya.locator("[data-unread]")).not_to_have_text("0")
    count = chair_page.get_by_test_id("signature-count")
    expect(count).to_have_text("0")

    france = person_in(browser, asgi_server, third_signatory)
    france.goto(url)
    signing = [(kenya, "Kenya"), (france, "France"), (canada, "Canada")]
    for n, (page, name) in enumerate(signing, start=1):
        button = page.get_by_role("button", name="Sign on", exact=True)
        expect(button).to_be_visible()
        button.click()
        expect(page.get_by_text("Your delegation has signed on.")).to_be_visible()
        # The chair's page counts it live, and names the delegation.
        expect(count).to_have_text(str(n))
        expect(chair_page.get_by_test_id("signatories")).to_contain_text(name)
    expect(chair_page.get_by_test_id("signatories").get_by_role("listitem")).to_have_text(
        [re.compile("^Canada"), re.compile("^France"), re.compile("^Kenya")]
    )
    expect(chair_page.locator("[data-live-notice]")).to_contain_text("3 delegations have signed")
    screenshot(chair_page, "journey-2-three-signatures-live")

    # France withdraws: the chair's count drops live.
    france.get_by_role("button", name="Withdraw signature").click()
    expect(france.get_by_text("Your delegation's signature is withdrawn.")).to_be_visible()
    expect(count).to_have_text("2")
    expect(chair_page.get_by_test_id("signatories")).not_to_contain_text("France")
    expect(chair_page.locator("[data-live-notice]")).to_contain_text("withdrew a signature")
    screenshot(chair_page, "journey-2-after-withdrawal")


# --- 3. Publication ----------------------------------------------------------------------


@pytest.fixture
def signed_by_three(
    make_statement: StatementMaker, other_signatory: User, pen_signatory: User
) -> Statement:
    """In sign-on, signed by France, Kenya and Canada. Built before the browser starts:
    actions run in a plain thread, as in a request."""
    statement = make_statement(Statement.State.SIGN_ON, title="Joint statement on shutdowns")
    actions.sign_on(other_signatory, statement, proof=proof_for(other_signatory))
    actions.sign_on(pen_signatory, statement, proof=proof_for(pen_signatory))
    return statement


def test_journey_3_publication(
    signed_by_three: Statement, coordinator: User, browser: Browser, asgi_server: str
) -> None:
    statement = signed_by_three

    # The coordinator publishes.
    office = person_in(browser, asgi_server, coordinator)
    office.goto(f"/statements/{statement.pk}/")
    office.get_by_role("button", name="Publish", exact=True).click()
    # It asks once more, saying what publishing does.
    expect(office.get_by_test_id("consequences")).to_contain_text("become public for good")
    office.get_by_role("button", name="Publish now").click()
    expect(office.get_by_text("Published.")).to_be_visible()
    expect(office.get_by_test_id("state")).to_have_text("Published")
    screenshot(office, "journey-3-published")

    # Anyone finds it on the public list, without logging in.
    visitor = browser.new_context(base_url=asgi_server, accept_downloads=True).new_page()
    visitor.goto("/published/")
    link = visitor.get_by_role("link", name="Joint statement on shutdowns")
    expect(link).to_be_visible()
    screenshot(visitor, "journey-3-public-list")
    link.click()
    expect(
        visitor.get_by_role("heading", name="Joint statement on shutdowns", level=1)
    ).to_be_visible()
    # The signatories in the coalition's order.
    expect(visitor.get_by_test_id("signatories").get_by_role("listitem")).to_have_text(
        ["Canada", "France", "Kenya"]
    )
    screenshot(visitor, "journey-3-public-statement")

    # The Word document holds the signed text.
    with visitor.expect_download() as download_info:
        visitor.get_by_test_id("downloads").get_by_role("link", name="Word (.docx)").click()
    download = download_info.value
    saved = ARTIFACTS / "journey-3-statement.docx"
    download.save_as(saved)
    print(f"[e2e] download: {saved}")
    document = Document(BytesIO(Path(saved).read_bytes()))
    paragraphs = [p.text for p in document.paragraphs]
    assert "Joint statement on internet shutdowns" in paragraphs
    # Numbered paragraphs keep their number before a tab, as a word processor shows them.
    assert "2.\tCall upon all states to refrain from shutting down access to the internet." in (
        paragraphs
    )
    assert any("Recalling that the same rights" in p for p in paragraphs)

    # And /verify/ says the downloaded file is the signed text, word for word.
    visitor.get_by_role("link", name="Check that it is this text, word for word").click()
    visitor.get_by_label("Or choose a file (.txt, .md or .docx)").set_input_files(saved)
    visitor.get_by_role("button", name="Verify").click()
    verdict = visitor.get_by_test_id("verdict")
    expect(verdict).to_contain_text("the text signed in")
    expect(verdict).to_contain_text("Joint statement on shutdowns")
    expect(verdict).to_contain_text("by 3 members of the coalition")
    screenshot(visitor, "journey-3-verified")
