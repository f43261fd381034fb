"""The statement page with the keyboard alone, live news told to screen readers, and a dropped
connection: what someone who does not use a mouse, or does not see the page, relies on.

Every Tab stop on the way is checked for a visible focus (an outline or a shadow drawn by
``:focus-visible``), so these tests also walk the page in its keyboard order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from delegations.models import User
from drafts.models import RevisionParagraph, Statement
from tests.conftest import StatementMaker
from tests.e2e.conftest import PATIENCE, person_in, running_asgi_server, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FOCUSED = r"""() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    name: (el.getAttribute("aria-label") || el.innerText || "").replace(/\s+/g, " ").trim(),
    label: label.replace(/\s+/g, " ").trim(),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
    inMain: Boolean(el.closest("main")),
    onScreen: box.right > 0 && box.left < innerWidth,
  };
}"""

Focus = dict[str, Any]


def focused(page: Page) -> Focus:
    result: Focus = page.evaluate(FOCUSED)
    return result


def tab_to(page: Page, wanted: Callable[[Focus], bool], *, limit: int = 120) -> Focus:
    """Press Tab until ``wanted`` holds for the focused element; every stop must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        assert now["tag"] != "body", "the focus fell off the page"
        assert now["outline"] or now["shadow"], f"no visible focus on {now}"
        assert now["onScreen"], f"the focus is off screen on {now}"
        if wanted(now):
            return now
    raise AssertionError(f"not reached with {limit} presses of Tab")


def named(name: str) -> Callable[[Focus], bool]:
    return lambda f: f["name"] == name


def labelled(label: str) -> Callable[[Focus], bool]:
    return lambda f: f["label"] == label


def skip_to_content(page: Page) -> None:
    """The first Tab reaches a visible "Skip to content" link, which leads into the page."""
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["name"] == "Skip to content" and first["onScreen"] and first["outline"], first
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page)["inMain"], "Skip to content did not lead into the page's content"


@pytest.fixture
def sign_on(make_statement: StatementMaker, other_signatory: User) -> Statement:
    return make_statement(Statement.State.SIGN_ON)  # France has signed


@pytest.fixture
def consultation(make_statement: StatementMaker, other_signatory: User) -> Statement:
    return make_statement(Statement.State.CONSULTATION)


def test_a_signatory_signs_and_withdraws_with_the_keyboard_alone(
    sign_on: Statement, other_signatory: User, browser: Browser, asgi_server: str
) -> None:
    page = person_in(browser, asgi_server, other_signatory)
    page.goto(f"/statements/{sign_on.pk}/")
    skip_to_content(page)
    tab_to(page, named("Sign on"))
    screenshot(page, "keyboard-sign-on-focused")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your delegation has signed on.")).to_be_visible()
    expect(page.get_by_test_id("signature-count")).to_have_text("2")

    tab_to(page, named("Withdraw signature"))
    page.keyboard.press("Space")
    expect(page.get_by_test_id("signature-count")).to_have_text("1")
    expect(page.get_by_test_id("signatories")).not_to_contain_text("Kenya")


def test_a_delegate_comments_and_a_chair_opens_sign_on_with_the_keyboard_alone(
    consultation: Statement,
    other_signatory: User,
    chair: User,
    browser: Browser,
    asgi_server: str,
) -> None:
    kenya = person_in(browser, asgi_server, other_signatory)
    kenya.goto(f"/statements/{consultation.pk}/")
    skip_to_content(kenya)
    tab_to(kenya, named("Comment on paragraph 4"))
    kenya.keyboard.press("Enter")  # opens the form
    tab_to(kenya, labelled("Quote (optional)"))
    kenya.keyboard.type("shutting down")
    tab_to(kenya, labelled("Comment"))
    kenya.keyboard.type("Throttling should count too.")
    tab_to(kenya, named("Add comment"))
    kenya.keyboard.press("Enter")
    expect(kenya.get_by_text("Your comment is added.")).to_be_visible()
    expect(kenya.locator(".thread")).to_contain_text("Throttling should count too.")

    # The chair opens sign-on, typing the deadline into the date and time field.
    chair_page = person_in(browser, asgi_server, chair)
    kenya.context.close()
    chair_page.goto(f"/statements/{consultation.pk}/")
    tab_to(chair_page, labelled("Sign-on closes (UTC)"))
    # A date and time field is typed into segment by segment: month, day, year, hour, minute.
    chair_page.keyboard.type("12032031")
    chair_page.keyboard.press("Tab")
    chair_page.keyboard.type("0500PM")
    expect(chair_page.get_by_label("Sign-on closes (UTC)")).to_have_value("2031-12-03T17:00")
    tab_to(chair_page, named("Open sign-on"))
    chair_page.keyboard.press("Enter")
    expect(chair_page.get_by_text("Sign-on is open.")).to_be_visible()
    expect(chair_page.get_by_test_id("state")).to_have_text("Sign-on")


def test_live_news_is_announced_politely_and_leaves_the_focus_where_it_was(
    sign_on: Statement,
    other_signatory: User,
    pen_signatory: User,
    coordinator: User,
    browser: Browser,
    asgi_server: str,
) -> None:
    url = f"/statements/{sign_on.pk}/"
    kenya = person_in(browser, asgi_server, other_signatory)
    kenya.goto(url)
    canada = person_in(browser, asgi_server, pen_signatory)
    canada.goto(url)
    expect(kenya.locator("[data-presence]")).to_contain_text(pen_signatory.full_name)

    # Kenya's keyboard focus rests on its "Sign on" button, marked so that we know it again.
    kenya.bring_to_front()
    tab_to(kenya, named("Sign on"))
    kenya.evaluate("() => { document.activeElement.dataset.probe = 'held'; }")

    canada.get_by_role("button", name="Sign on", exact=True).click()

    expect(kenya.get_by_test_id("signature-count")).to_have_text("2")
    notice = kenya.locator("[data-live-notice]")
    expect(notice).to_have_attribute("aria-live", "polite")
    expect(notice).to_have_attribute("role", "status")
    expect(notice).to_contain_text(f"{pen_signatory.full_name} (Canada) signed on.")
    expect(notice).to_contain_text("2 delegations have signed.")
    assert kenya.evaluate("() => document.activeElement.dataset.probe") == "held"

    # A change of state rewrites Kenya's actions: the focus stays in that part of the page.
    coordinator_page = person_in(browser, asgi_server, coordinator)
    coordinator_page.goto(url)
    coordinator_page.get_by_role("button", name="Publish", exact=True).click()
    # It asks once more, saying what publishing does.
    expect(coordinator_page.get_by_test_id("consequences")).to_contain_text(
        "become public for good"
    )
    coordinator_page.get_by_role("button", name="Publish now").click()
    expect(kenya.get_by_test_id("state")).to_have_text("Published")
    expect(notice).to_contain_text("published it")
    assert kenya.evaluate(
        "() => document.activeElement !== document.body"
        " && Boolean(document.activeElement.closest('#live-actions'))"
    ), "the focus was thrown back to the top of the page"
    screenshot(kenya, "live-news-announced")


def test_a_dropped_connection_says_reconnecting_and_keeps_what_was_typed(
    consultation: Statement,
    pen_delegate: User,
    other_signatory: User,
    browser: Browser,
    transactional_db: None,
) -> None:
    key = RevisionParagraph.objects.get(
        revision=consultation.current_revision, position=4
    ).paragraph.key
    with running_asgi_server() as url:
        port = int(url.rsplit(":", 1)[1])
        editor = person_in(browser, url, pen_delegate)
        editor.goto(f"/statements/{consultation.pk}/edit/")
        box = editor.get_by_label("Text (Markdown)")
        box.click()
        editor.keyboard.press("Control+End")
        editor.keyboard.type("\n3. *Decide* to remain seized of the matter.\n")

        kenya = person_in(browser, url, other_signatory)
        kenya.goto(f"/statements/{consultation.pk}/")
        expect(kenya.locator("[data-presence]")).to_contain_text(pen_delegate.full_name)
        expect(editor.locator("[data-editors]")).to_contain_text(
            f"{other_signatory.full_name} (Kenya), reading"
        )
        paragraph = kenya.locator(f"#{key}")
        paragraph.locator("summary", has_text="Comment").click()
        paragraph.get_by_label("Comment", exact=True).fill("Half a thought about throttling")
    # The server is gone: both pages say so, in a status region, and keep the words.
    for page in (editor, kenya):
        status = page.get_by_role("status").filter(has_text="Reconnecting…")
        expect(status).to_be_visible()
    # Who else is here is no longer known: the last people seen are not shown as still here,
    # and the list says so, politely, leaving the focus in the comment being written.
    kenya_present = kenya.locator("[data-presence-box]")
    editor_present = editor.locator("[data-editors-box]")
    for present, gone in ((kenya_present, pen_delegate), (editor_present, other_signatory)):
        expect(present).to_be_visible()
        expect(present).to_have_attribute("role", "status")
        expect(present).to_contain_text("not known while the connection is down")
        expect(present).not_to_contain_text(gone.full_name)
    expect(paragraph.get_by_label("Comment", exact=True)).to_be_focused()
    screenshot(kenya, "reconnecting-statement")
    screenshot(editor, "reconnecting-editor")
    expect(box).to_have_value(re.compile("remain seized of the matter"))

    with running_asgi_server(port=port):
        for page in (editor, kenya):
            expect(page.locator("[data-connection]")).to_be_hidden(timeout=PATIENCE)
        # Back, and told afresh who is here.
        expect(kenya_present).to_contain_text(pen_delegate.full_name, timeout=PATIENCE)
        expect(editor_present).to_contain_text(
            f"{other_signatory.full_name} (Kenya), reading", timeout=30_000
        )
        for present in (kenya_present, editor_present):
            expect(present).not_to_contain_text("not known")
        # Caught up after reconnecting, without throwing the unsent comment away.
        expect(paragraph.get_by_label("Comment", exact=True)).to_have_value(
            "Half a thought about throttling"
        )
        # The editor's text was kept in the browser too: a reload brings it back.
        editor.reload()
        expect(editor.get_by_text("Restored your unsaved text from this browser")).to_be_visible()
        expect(box).to_have_value(re.compile("remain seized of the matter"))


def test_a_delegate_picks_pen_holders_by_filtering_with_the_keyboard_alone(
    pen_delegate: User, plenary: Any, browser: Browser, asgi_server: str
) -> None:
    """No Ctrl/Cmd-click through 42 names: a filter box, then Enter (or Tab and Space)."""
    page = person_in(browser, asgi_server, pen_delegate)
    page.goto("/statements/new/")
    expect(page.get_by_role("group", name="Pen-holding delegations")).to_be_visible()
    tab_to(page, labelled("Filter the list"))
    page.keyboard.type("nether")
    expect(page.get_by_role("status").filter(has_text="1 shown")).to_be_visible()
    page.keyboard.press("Enter")  # the one match left is ticked, and takes the focus
    expect(page.get_by_role("checkbox", name="The Netherlands")).to_be_checked()
    assert focused(page)["label"] == "The Netherlands"
    page.keyboard.press("Shift+Tab")  # back to the filter
    assert focused(page)["label"] == "Filter the list"
    page.keyboard.press("Control+a")
    page.keyboard.type("ghan")
    tab_to(page, lambda f: f["tag"] == "input" and "Ghana" in f["label"])
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Ghana")).to_be_checked()
    screenshot(page, "keyboard-pen-holders")
    page.get_by_label("Title").fill("Joint statement on encryption")
    page.get_by_label("Text (Markdown)").fill("# Encryption\n\nThe members of the coalition.\n")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_test_id("state")).to_have_text("Draft")
    made = Statement.objects.get(title="Joint statement on encryption")
    assert set(made.pen_holders.values_list("code", flat=True)) == {"CA", "NL", "GH"}
