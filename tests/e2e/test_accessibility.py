"""WCAG 2.2 AA in a real browser: axe-core finds no serious or critical violation on any main
page, for the people who see it and in each state it can be in.

Each page is checked as its person sees it, with its folding parts (comment and amendment
forms, "Reject…", "Remove signature…") opened, since a form hidden at load is still one
someone fills in.
The counts per page are printed as a table at the end of the run (and kept in
``test-artifacts/e2e/axe-report.txt``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from delegations.models import User
from drafts import actions as draft_actions
from drafts.models import Amendment, RevisionParagraph, Statement
from tests.conftest import TEXT, StatementMaker, proof_for
from tests.e2e.axe import AxeResult, run_axe, table
from tests.e2e.conftest import ARTIFACTS, person_in, report
from workflow import actions

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@dataclass
class World:
    draft: Statement
    consultation: Statement
    sign_on: Statement
    published: Statement
    withdrawn: Statement


def paragraph(statement: Statement, position: int) -> RevisionParagraph:
    return RevisionParagraph.objects.select_related("paragraph").get(
        revision=statement.current_revision, position=position
    )


@pytest.fixture
def world(
    make_statement: StatementMaker,
    pen_delegate: User,
    other_signatory: User,
    chair: User,
    coordinator: User,
) -> World:
    """A statement in every state, with the discussion, signatures and revisions that make
    each page show all it can. Built before the browser starts."""
    draft = make_statement(title="Draft on encryption")
    first = draft.current_revision
    assert first is not None
    draft_actions.save_revision(
        pen_delegate, draft, text=TEXT.replace("*Call upon*", "*Urge*") + "\n3. New.\n", base=first
    )

    consultation = make_statement(Statement.State.CONSULTATION, title="Consultation on spyware")
    recalling, calling = paragraph(consultation, 3), paragraph(consultation, 4)
    thread = draft_actions.comment_on_paragraph(
        other_signatory,
        consultation,
        paragraph=calling.paragraph,
        body="Throttling should count too.",
        quote="shutting down",
    )
    draft_actions.reply_to_comment(pen_delegate, thread, body="Agreed; see the amendment.")
    resolved = draft_actions.comment_on_paragraph(
        other_signatory, consultation, paragraph=recalling.paragraph, body="Fine as it is."
    )
    draft_actions.resolve_comment(pen_delegate, resolved)
    draft_actions.propose_amendment(
        other_signatory,
        consultation,
        paragraph=calling.paragraph,
        kind=Amendment.Kind.REPLACE,
        text=calling.text.replace("shutting down", "shutting down or throttling"),
        justification="A throttled network is a shutdown too.",
    )
    rejected = draft_actions.propose_amendment(
        other_signatory,
        consultation,
        paragraph=recalling.paragraph,
        kind=Amendment.Kind.DELETE,
        text="",
        justification="Said elsewhere.",
    )
    draft_actions.reject_amendment(pen_delegate, rejected, reason="It is the premise.")

    sign_on = make_statement(Statement.State.SIGN_ON, title="Sign-on on shutdowns")

    published = make_statement(Statement.State.PUBLISHED, title="Published on journalists")
    published = actions.open_late_signatures(chair, published)
    actions.sign_on(other_signatory, published, proof=proof_for(other_signatory))

    withdrawn = make_statement(Statement.State.WITHDRAWN, title="Withdrawn on filtering")
    return World(draft, consultation, sign_on, published, withdrawn)


RESULTS: list[AxeResult] = []


def check(page: Page, name: str) -> AxeResult:
    """Run axe on what ``page`` shows now; keep the result for the table."""
    page.wait_for_load_state("load")
    result = run_axe(page, name)
    RESULTS.append(result)
    return result


def open_all_details(page: Page) -> None:
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")


def marked_not_by_colour_alone(page: Page) -> None:
    """Insertions and deletions say what they are in words (for screen readers) and in shape
    (underlined, struck through); state badges carry their state's name."""
    marks = page.locator(".diff-text ins, .diff-text del").evaluate_all(
        """(nodes) => nodes.map((node) => ({
            tag: node.tagName.toLowerCase(),
            text: node.textContent,
            line: getComputedStyle(node).textDecorationLine,
        }))"""
    )
    assert {m["tag"] for m in marks} == {"ins", "del"}, marks
    for mark in marks:
        if mark["tag"] == "ins":
            assert mark["text"].startswith("[inserted: ") and "underline" in mark["line"], mark
        else:
            assert mark["text"].startswith("[deleted: ") and "line-through" in mark["line"], mark


def states_are_named(page: Page) -> None:
    badges = page.locator(".state").all_inner_texts()
    assert badges and all(text.strip() for text in badges), badges


def assert_clean(results: list[AxeResult]) -> None:
    summary = table(results)
    report("axe-core, WCAG 2.2 A/AA: violations (elements) by impact\n" + summary)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe-report.txt").write_text(
        table(RESULTS) + "\n\n" + "\n".join(f"{r.name}\n{r.describe()}" for r in RESULTS) + "\n"
    )
    blocking = [r for r in results if r.blocking]
    assert not blocking, (
        summary + "\n\n" + "\n".join(f"{r.name} ({r.url}):\n{r.describe()}" for r in blocking)
    )


Visit = tuple[str, str, Callable[[Page], None] | None]


def test_pages_of_people_logged_in_have_no_serious_violation(
    world: World,
    pen_delegate: User,
    other_signatory: User,
    third_signatory: User,
    chair: User,
    coordinator: User,
    browser: Browser,
    asgi_server: str,
) -> None:
    w = world
    visits: dict[str, list[Visit]] = {
        "chair": [
            ("dashboard (chair)", "/", states_are_named),
            ("statement: draft (chair: open consultation)", f"/statements/{w.draft.pk}/", None),
            (
                "statement: consultation (chair: open sign-on)",
                f"/statements/{w.consultation.pk}/",
                None,
            ),
            ("statement: withdrawn", f"/statements/{w.withdrawn.pk}/", None),
            (
                "statement: published (chair: late signatures)",
                f"/statements/{w.published.pk}/",
                None,
            ),
            ("statement record", f"/statements/{w.consultation.pk}/record/", None),
        ],
        "pen_delegate": [
            ("dashboard (pen-holder)", "/", None),
            ("edit page", f"/statements/{w.draft.pk}/edit/", None),
            ("history", f"/statements/{w.draft.pk}/history/", None),
            (
                "compare: inline",
                f"/statements/{w.draft.pk}/compare/?from=1&to=2",
                marked_not_by_colour_alone,
            ),
            (
                "compare: side by side",
                f"/statements/{w.draft.pk}/compare/?from=1&to=2&view=side",
                None,
            ),
            (
                "statement: consultation (pen-holder: amendments)",
                f"/statements/{w.consultation.pk}/",
                open_all_details,
            ),
            ("new statement", "/statements/new/", None),
            ("all statements", "/statements/", None),
            ("a section in full, filtered", "/statements/?section=pen&state=draft", None),
            ("profile", "/accounts/profile/", None),
        ],
        "other_signatory": [
            ("dashboard (signatory)", "/", None),
            (
                "statement: consultation (comment, propose)",
                f"/statements/{w.consultation.pk}/",
                open_all_details,
            ),
            ("statement: sign-on (sign on, decline)", f"/statements/{w.sign_on.pk}/", None),
            ("statement: published (late signature given)", f"/statements/{w.published.pk}/", None),
            ("notification centre", "/notifications/", None),
            ("notification preferences", "/notifications/preferences/", None),
        ],
        "third_signatory": [
            ("statement: sign-on (withdraw signature)", f"/statements/{w.sign_on.pk}/", None),
        ],
        "coordinator": [
            ("dashboard (coordinator)", "/", None),
            ("statement: sign-on (coordinator: publish)", f"/statements/{w.sign_on.pk}/", None),
            (
                "statement: published (coordinator: remove)",
                f"/statements/{w.published.pk}/",
                open_all_details,
            ),
            ("audit record", "/audit/", None),
        ],
    }
    people = {
        "chair": chair,
        "pen_delegate": pen_delegate,
        "other_signatory": other_signatory,
        "third_signatory": third_signatory,
        "coordinator": coordinator,
    }
    results = []
    for who, pages in visits.items():
        page = person_in(browser, asgi_server, people[who])
        for name, url, prepare in pages:
            response = page.goto(url)
            assert response is not None and response.ok, f"{name}: {url} answered {response}"
            if prepare:
                prepare(page)
            results.append(check(page, name))
        page.context.close()
    assert_clean(results)


def test_public_and_error_pages_have_no_serious_violation(
    world: World,
    pen_delegate: User,
    third_signatory: User,
    coordinator: User,
    browser: Browser,
    asgi_server: str,
) -> None:
    w = world
    results = []
    visitor = browser.new_context(base_url=asgi_server).new_page()
    # axe really looks: a button without a name is found.
    visitor.goto("/published/")
    visitor.evaluate(
        "() => document.querySelector('main').append(document.createElement('button'))"
    )
    planted = run_axe(visitor, "a nameless button")
    assert [v["id"] for v in planted.blocking] == ["button-name"], planted.describe()

    for name, url in [
        ("login", "/accounts/login/"),
        ("public list", "/published/"),
        ("public detail", f"/published/{w.published.slug}/"),
        ("verify (empty)", "/verify/"),
    ]:
        visitor.goto(url)
        results.append(check(visitor, name))
    signed = w.published.instrument_revision
    assert signed is not None
    visitor.get_by_label("Paste the text").fill(signed.text)
    visitor.get_by_role("button", name="Verify").click()
    expect(visitor.get_by_test_id("verdict")).to_contain_text("exactly the text signed in")
    results.append(check(visitor, "verify (match)"))
    visitor.get_by_label("Paste the text").fill(signed.text.replace("refrain", "abstain"))
    visitor.get_by_role("button", name="Verify").click()
    expect(visitor.get_by_test_id("differences")).to_be_visible()
    results.append(check(visitor, "verify (no match, differences)"))
    response = visitor.goto("/published/no-such-statement/")
    assert response is not None and response.status == 404
    results.append(check(visitor, "404 (public)"))
    visitor.context.close()

    delegate = person_in(browser, asgi_server, pen_delegate)
    response = delegate.goto("/audit/")
    assert response is not None and response.status == 403
    results.append(check(delegate, "403"))
    response = delegate.goto("/statements/999999/")
    assert response is not None and response.status == 404
    results.append(check(delegate, "404"))
    delegate.context.close()

    # A button on a page that missed the news (its socket hears nothing): France withdraws its
    # signature from a statement that was published meanwhile.
    france = person_in(browser, asgi_server, third_signatory)
    france.route_web_socket(re.compile("/ws/"), lambda socket: None)
    france.goto(f"/statements/{w.sign_on.pk}/")
    office = person_in(browser, asgi_server, coordinator)
    office.goto(f"/statements/{w.sign_on.pk}/")
    office.get_by_role("button", name="Publish", exact=True).click()
    # It asks once more, saying what publishing does.
    expect(office.get_by_test_id("consequences")).to_contain_text("become public for good")
    office.get_by_role("button", name="Publish now").click()
    expect(office.get_by_text("Published.")).to_be_visible()
    office.context.close()
    with france.expect_navigation():
        france.get_by_role("button", name="Withdraw signature").click()
    expect(france.get_by_role("heading", name="Not possible now")).to_be_visible()
    results.append(check(france, "409"))
    france.context.close()
    assert_clean(results)
