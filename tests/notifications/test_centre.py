"""The notification centre: each line opens its statement in a new tab, and a line about a
statement since withdrawn or no longer shared says so instead of leading to a 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from drafts.models import Statement
from notifications.models import Notification
from tests.conftest import StatementMaker, client_for
from workflow import actions

pytestmark = pytest.mark.django_db


def test_lines_open_in_a_new_tab_and_say_when_their_statement_is_out_of_reach(
    make_statement: StatementMaker, other_signatory: Any, chair: Any
) -> None:
    withdrawn = make_statement(Statement.State.CONSULTATION, title="Withdrawn one")
    returned = make_statement(Statement.State.CONSULTATION, title="Returned one")
    make_statement(Statement.State.CONSULTATION, title="Open one")
    actions.withdraw(chair, withdrawn, reason="Overtaken by events.")
    actions.return_to_drafting(chair, returned)
    client = client_for(other_signatory)  # Kenya: consulted on all three
    page = client.get(reverse("notifications:centre")).content.decode()
    listing = page.split('data-testid="notifications"')[1]

    def line(title: str) -> str:
        """The list item about ``title``."""
        return next(item for item in listing.split("<li") if title in item)

    assert "withdrawn since" in line("Withdrawn one")
    assert "no longer available to you" in line("Returned one")
    assert 'target="_blank"' in line("Open one") and "(opens in a new tab)" in line("Open one")
    for title in ("Withdrawn one", "Returned one"):
        assert 'target="_blank"' not in line(title)

    # Opened anyway (an old tab): back to the centre with a word, not a 404.
    about = Notification.objects.filter(
        recipient=other_signatory, subject_id=str(withdrawn.pk)
    ).first()
    assert about is not None
    opened = client.post(reverse("notifications:open", args=[about.pk]), follow=True)
    assert opened.status_code == 200
    assert "no longer available to you" in opened.content.decode()
