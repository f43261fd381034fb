"""Deadline reminders and closing notices: to the right people, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from delegations.models import User
from drafts.models import Statement
from notifications.models import Notification
from tests.conftest import StatementMaker
from workflow.deadlines import send_deadline_notices

pytestmark = pytest.mark.django_db


def recipients(event: str) -> set[str]:
    return set(Notification.objects.filter(event=event).values_list("recipient__email", flat=True))


def move_sign_on_deadline(statement: Statement, hours: float) -> None:
    deadline = timezone.now() + timedelta(hours=hours)
    Statement.objects.filter(pk=statement.pk).update(sign_on_deadline=deadline)


def test_signatories_yet_to_answer_are_reminded_once(
    make_statement: StatementMaker,
    pen_signatory: User,
    other_signatory: User,
    third_signatory: User,
) -> None:
    statement = make_statement("sign_on")  # France has signed
    move_sign_on_deadline(statement, 20)
    assert send_deadline_notices().approaching == 1
    assert recipients("deadline_approaching") == {pen_signatory.email, other_signatory.email}
    assert send_deadline_notices().approaching == 0, "running twice reminds nobody twice"
    assert Notification.objects.filter(event="deadline_approaching").count() == 2
    reminder = Notification.objects.filter(event="deadline_approaching").first()
    assert reminder is not None and reminder.detail_line().startswith("Sign-on closes ")


def test_no_reminder_while_the_deadline_is_far(make_statement: StatementMaker) -> None:
    statement = make_statement("sign_on")
    move_sign_on_deadline(statement, 72)
    assert send_deadline_notices().approaching == 0


def test_a_moved_deadline_gets_its_own_reminder(make_statement: StatementMaker) -> None:
    statement = make_statement("sign_on")
    move_sign_on_deadline(statement, 20)
    send_deadline_notices()
    move_sign_on_deadline(statement, 10)
    assert send_deadline_notices().approaching == 1


def test_the_steering_group_hears_when_sign_on_has_closed(
    make_statement: StatementMaker,
    chair: User,
    coordinator: User,
    pen_delegate: User,
    other_signatory: User,
) -> None:
    statement = make_statement("sign_on")
    move_sign_on_deadline(statement, -1)
    call_command("send_deadline_notices", verbosity=0)
    told = recipients("deadline_passed")
    assert {chair.email, coordinator.email, pen_delegate.email} <= told
    assert other_signatory.email not in told
    assert send_deadline_notices().passed == 0


def test_consultation_reminders_go_to_the_consulted_not_the_pen_holders(
    make_statement: StatementMaker, pen_delegate: User, other_signatory: User
) -> None:
    statement = make_statement("consultation")
    Statement.objects.filter(pk=statement.pk).update(
        consultation_deadline=timezone.now() + timedelta(hours=5)
    )
    assert send_deadline_notices().approaching == 1
    told = recipients("deadline_approaching")
    assert other_signatory.email in told
    assert pen_delegate.email not in told
