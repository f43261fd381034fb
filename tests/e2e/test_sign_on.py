"""Signing on, and reading what was signed, in a real browser.

The live server runs in another thread, so the data must be committed for it to see
(``transaction=True``); serialized rollback restores the seeded delegations afterwards.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from delegations.models import User
from drafts.models import Statement
from tests.conftest import StatementMaker
from tests.e2e.conftest import log_in, screenshot
from workflow.models import Signature

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_signatory_signs_on_for_their_delegation(
    page: Page, make_statement: StatementMaker, pen_signatory: User
) -> None:
    statement = make_statement(Statement.State.SIGN_ON)  # France has signed
    log_in(page, pen_signatory)

    page.goto(f"/statements/{statement.pk}/")
    signatories = page.get_by_test_id("signatories")
    count = page.get_by_test_id("signature-count")
    expect(count).to_have_text("1")
    expect(signatories).not_to_contain_text("Canada")
    page.get_by_role("button", name="Sign on", exact=True).click()

    expect(page.get_by_text("Your delegation has signed on.")).to_be_visible()
    expect(count).to_have_text("2")
    expect(signatories.get_by_role("listitem")).to_have_count(2)
    expect(signatories).to_contain_text("Canada")
    expect(signatories).to_contain_text("France")
    expect(page.get_by_role("button", name="Withdraw signature", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign on", exact=True)).to_have_count(0)
    screenshot(page, "sign_on")

    signature = Signature.objects.get(statement=statement, delegation__code="CA")
    assert signature.status == Signature.Status.SIGNED
    assert signature.given_by == pen_signatory


def test_a_visitor_reads_a_published_statement_and_its_signatories(
    page: Page, make_statement: StatementMaker
) -> None:
    statement = make_statement(Statement.State.PUBLISHED, title="Statement on shutdowns")

    page.goto("/published/")
    page.get_by_role("link", name="Statement on shutdowns").click()

    expect(page).to_have_url(re.compile(rf"/published/{statement.slug}/$"))
    expect(page.get_by_role("heading", name="Statement on shutdowns", level=1)).to_be_visible()
    expect(page.get_by_test_id("signatories").get_by_role("listitem")).to_have_text(["France"])
    screenshot(page, "public_statement")
