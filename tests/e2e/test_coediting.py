"""Two delegations edit one draft at the same time, each in their own browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from delegations.models import User
from drafts.models import Statement
from tests.conftest import StatementMaker
from tests.e2e.conftest import person_in, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def draft(make_statement: StatementMaker, netherlands_delegate: User) -> Statement:
    """Built before the browser starts: actions run in a plain thread, as in a request."""
    return make_statement()


@pytest.fixture
def netherlands_delegate(db: None) -> User:
    from tests.conftest import delegation, person

    return person("delegate.nl@example.org", User.Role.DELEGATE, delegation("NL"))


def editor_for(browser: Browser, base_url: str, user: User, statement: Statement) -> Page:
    page = person_in(browser, base_url, user)
    page.goto(f"/statements/{statement.pk}/edit/")
    return page


def replace_in_box(page: Page, old: str, new: str) -> None:
    box = page.get_by_label("Text (Markdown)")
    box.fill(box.input_value().replace(old, new))


def test_two_pen_holders_see_each_other_and_both_edits_survive(
    draft: Statement,
    pen_delegate: User,
    netherlands_delegate: User,
    browser: Browser,
    asgi_server: str,
) -> None:
    canada = editor_for(browser, asgi_server, pen_delegate, draft)
    netherlands = editor_for(browser, asgi_server, netherlands_delegate, draft)
    expect(canada.locator("[data-editors]")).to_contain_text(
        f"{netherlands_delegate.full_name} (The Netherlands), editing"
    )
    expect(netherlands.locator("[data-editors]")).to_contain_text(
        f"{pen_delegate.full_name} (Canada), editing"
    )

    replace_in_box(canada, "must also be protected online", "must equally be protected online")
    replace_in_box(
        netherlands, "refrain from shutting down", "refrain at all times from shutting down"
    )
    canada.get_by_role("button", name="Save revision").click()
    expect(canada.get_by_text("Saved as revision 2")).to_be_visible()

    # The Netherlands hears of it at once, and merges Canada's change into its own text.
    expect(netherlands.locator("[data-newer-text]")).to_contain_text("Revision 2 was just saved")
    screenshot(netherlands, "coediting_offer_to_merge")
    netherlands.get_by_role("button", name="Merge revision 2 into my text").click()
    expect(netherlands.locator("[data-newer-text]")).to_contain_text("Merged")
    merged = netherlands.get_by_label("Text (Markdown)").input_value()
    assert "must equally be protected online" in merged
    assert "refrain at all times from shutting down" in merged
    netherlands.get_by_role("button", name="Save revision").click()
    expect(netherlands.get_by_text("Saved as revision 3")).to_be_visible()

    draft.refresh_from_db()
    assert draft.current_revision is not None
    final = draft.current_revision.text
    assert "must equally be protected online" in final
    assert "refrain at all times from shutting down" in final
    assert draft.current_revision.parent is not None
    assert draft.current_revision.parent.number == 2
    screenshot(netherlands, "coediting_both_edits")
