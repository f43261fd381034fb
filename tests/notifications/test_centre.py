"""The notification centre: each line opens its statement in a new tab, and a line about a
statement since withdrawn or no longer shared says so instead of leading to a 404."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from drafts import actions as drafts_actions
from drafts.models import RevisionParagraph, Statement
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


def test_a_burst_about_one_statement_is_one_line_and_is_read_at_once(
    make_statement: StatementMaker, pen_delegate: Any, other_signatory: Any
) -> None:
    statement = make_statement(Statement.State.CONSULTATION, title="Busy one")
    paragraph = RevisionParagraph.objects.filter(revision=statement.current_revision).first()
    assert paragraph is not None
    for n in range(4):  # Kenya comments four times in a few minutes
        drafts_actions.comment_on_paragraph(
            other_signatory, statement, paragraph=paragraph.paragraph, body=f"Point {n}."
        )
    about = Notification.objects.filter(recipient=pen_delegate, subject_id=str(statement.pk))
    assert about.count() >= 4
    # One more, a day earlier: a burst of its own.
    oldest = about.order_by("id").first()
    assert oldest is not None
    Notification.objects.filter(pk=oldest.pk).update(created_at=timezone.now() - timedelta(days=1))
    client = client_for(pen_delegate)
    page = client.get(reverse("notifications:centre")).content.decode()
    listing = page.split('data-testid="notifications"')[1].split("</ul>\n{%")[0]
    lines = [item for item in listing.split('<li class="notification') if "Busy one" in item]
    assert len(lines) == 2, "the burst is one line, the day-old one another"
    burst = lines[0]
    earlier = about.count() - 2
    assert f"and {earlier} earlier about it" in burst

    ids = [int(i) for i in re.findall(r'name="also" value="(\d+)"', burst)]
    marked = re.search(r"/notifications/(\d+)/read/", burst)
    assert marked is not None
    client.post(reverse("notifications:mark_read", args=[int(marked[1])]), {"also": ids})
    assert about.filter(read_at__isnull=True).count() == 1  # only the day-old one is left
