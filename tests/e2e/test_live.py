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


def speaks(person: User, language: str) -> None:
    """Save ``language`` on the person's profile, as the switcher does (after logging in: the
    login helper expects the dashboard in English)."""
    User.objects.filter(pk=person.pk).update(language=language)


def test_each_watcher_reads_the_news_in_their_own_language(
    make_statement: StatementMaker,
    chair: User,
    pen_delegate: User,
    other_signatory: User,
    adviser: User,
    browser: Browser,
    asgi_server: str,
) -> None:
    """An English-speaking chair opens sign-on. French-speaking people on the statement's page
    and on its edit page read the new state in French, and the invited adviser, who may no
    longer see the statement, reads why in French too: the frame carried codes, and each page
    put them into its own words."""
    statement = make_statement(Statement.State.CONSULTATION, advisers_invited=True)
    url = f"/statements/{statement.pk}/"
    watcher = person_in(browser, asgi_server, other_signatory)
    editor = person_in(browser, asgi_server, pen_delegate)
    outsider = person_in(browser, asgi_server, adviser)
    for person in (other_signatory, pen_delegate, adviser):
        speaks(person, "fr")
    watcher.goto(url)
    editor.goto(f"{url}edit/")
    outsider.goto(url)
    chair_page = person_in(browser, asgi_server, chair)
    chair_page.goto(url)
    expect(watcher.locator("[data-presence-box]")).to_contain_text("Également sur cette page")
    expect(watcher.locator("[data-presence]")).to_contain_text(
        f"{pen_delegate.full_name} (Canada), en train de modifier"
    )
    expect(editor.locator("[data-editors]")).to_contain_text(
        f"{other_signatory.full_name} (Kenya), en train de lire"
    )
    expect(watcher.locator("[data-presence]")).to_contain_text(f"{chair.full_name} (Allemagne)")

    chair_page.get_by_label("Sign-on closes (UTC)").fill("2031-12-03T17:00")
    chair_page.get_by_role("button", name="Open sign-on", exact=True).click()
    expect(chair_page.get_by_test_id("state")).to_have_text("Sign-on")

    expect(watcher.get_by_test_id("state")).to_have_text("Ouverture à la signature")
    expect(watcher.locator("[data-live-notice]")).to_have_text(
        f"{chair.full_name} (Allemagne) a ouvert la signature."
    )
    expect(editor.locator("[data-newer-text]")).to_have_text(
        "La déclaration est désormais à l'état « ouverture à la signature » ; son texte n'est "
        "peut-être plus modifiable. Gardez une copie de votre texte."
    )
    expect(outsider.locator("[data-live-notice]")).to_contain_text(
        "cette déclaration ne vous est plus communiquée"
    )
    expect(outsider.locator("[data-presence-box]")).to_be_hidden()
    for page in (watcher, editor, outsider):
        expect(page.locator("main")).not_to_contain_text("Sign-on")
        expect(page.locator("main")).not_to_contain_text("no longer shared")
