"""A signatory with two-factor authentication logs in with password and code, and signs
after confirming a current code, in a real browser."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from delegations.models import User
from drafts.models import Statement
from tests.conftest import StatementMaker, second_factor_device, totp_code
from tests.e2e.conftest import log_in, screenshot
from workflow.models import Signature

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_signatory_logs_in_with_a_code_and_gives_another_to_sign(
    page: Page, make_statement: StatementMaker, pen_signatory: User, settings: Any
) -> None:
    # Every signature asks again, however recent the login's code.
    settings.ACCORD_SIGNATURE_REAUTH_SECONDS = 0
    statement = make_statement(Statement.State.SIGN_ON)
    log_in(page, pen_signatory)  # password, then the app's code

    page.goto(f"/statements/{statement.pk}/")
    sign_form = page.get_by_test_id("sign-with-code")
    expect(sign_form).to_be_visible()
    expect(page.get_by_label("Code from your authenticator app")).to_be_visible()
    assert not Signature.objects.filter(statement=statement, delegation__code="CA").exists()

    device = second_factor_device(pen_signatory)
    assert device is not None
    device.refresh_from_db()
    page.get_by_label("Code from your authenticator app").fill(totp_code(device, steps_ahead=1))
    page.get_by_test_id("sign-with-code").get_by_role("button", name="Sign on").click()
    expect(page.get_by_text("Your delegation has signed on.")).to_be_visible()
    expect(page.get_by_test_id("signature-count")).to_have_text("2")
    screenshot(page, "sign_on_with_code")
    signature = Signature.objects.get(statement=statement, delegation__code="CA")
    assert signature.status == Signature.Status.SIGNED
