"""Deadline reminders and closing notices, sent by a scheduled job that is safe to run twice.

Each notice is first claimed in ``DeadlineNotice`` (unique per statement, kind, deadline and
notice); only the run that claims it tells anyone, so overlapping or repeated runs send each
reminder once. A moved deadline is a new deadline and gets its own reminder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from delegations.models import User
from drafts import audience
from drafts.models import Statement
from notifications import kinds
from notifications.actions import notify
from notifications.wording import Detail, DetailCode, detail
from workflow import notices
from workflow.models import DeadlineNotice, Signature

State = Statement.State
Kind = DeadlineNotice.Kind
Notice = DeadlineNotice.Notice


@dataclass
class Sent:
    approaching: int = 0
    passed: int = 0


def _claim(statement: Statement, kind: str, deadline: datetime, notice: str) -> bool:
    try:
        with transaction.atomic():
            _, created = DeadlineNotice.objects.get_or_create(
                statement=statement, kind=kind, deadline=deadline, notice=notice
            )
    except IntegrityError:
        return False  # another run claimed it at the same moment
    return created


def _yet_to_answer(statement: Statement) -> list[User]:
    """Signatories of member delegations that have neither signed nor declined."""
    answered = Signature.objects.filter(
        statement=statement, delegation=OuterRef("delegation")
    ).exclude(status=Signature.Status.VOID)
    return list(
        User.objects.filter(audience.signatories_of_members(), is_active=True).exclude(
            Exists(answered)
        )
    )


def _consulted(statement: Statement) -> list[User]:
    """The member delegations' people consulted on the text (pen-holders wrote it)."""
    return audience.people(audience.consulted(statement))


def _steering(statement: Statement) -> list[User]:
    """Chairs of the body, the pen-holders' people and, for publishing, the coordinators."""
    return audience.people(
        audience.chairs(statement), audience.pen_holders(statement), audience.coordinators()
    )


def _tell(event: kinds.Kind, statement: Statement, recipients: list[User], line: Detail) -> None:
    with transaction.atomic():
        notify(
            event,
            actor=None,
            subject=statement,
            recipients=recipients,
            link=statement.get_absolute_url(),
            detail=line,
        )


def send_deadline_notices(now: datetime | None = None) -> Sent:
    """Remind those yet to act before a deadline within the window; tell the steering group
    once a deadline has passed. Returns how many notices went out."""
    now = now or timezone.now()
    window = timedelta(hours=settings.ACCORD_DEADLINE_REMINDER_HOURS)
    sent = Sent()
    open_ones = Statement.objects.select_related("body").filter(
        Q(state=State.CONSULTATION, consultation_deadline__isnull=False)
        | Q(state=State.SIGN_ON, sign_on_deadline__isnull=False)
    )
    for statement in open_ones:
        in_sign_on = statement.state == State.SIGN_ON
        kind = Kind.SIGN_ON if in_sign_on else Kind.CONSULTATION
        deadline = statement.sign_on_deadline if in_sign_on else statement.consultation_deadline
        assert deadline is not None
        if deadline <= now:
            if _claim(statement, kind, deadline, Notice.PASSED):
                _tell(
                    notices.DEADLINE_PASSED,
                    statement,
                    _steering(statement),
                    detail(
                        DetailCode.SIGN_ON_CLOSED if in_sign_on else DetailCode.CONSULTATION_CLOSED,
                        deadline=deadline,
                    ),
                )
                sent.passed += 1
        elif deadline - now <= window and _claim(statement, kind, deadline, Notice.APPROACHING):
            audience = _yet_to_answer(statement) if in_sign_on else _consulted(statement)
            _tell(
                notices.DEADLINE_APPROACHING,
                statement,
                audience,
                detail(
                    DetailCode.SIGN_ON_CLOSES if in_sign_on else DetailCode.CONSULTATION_CLOSES,
                    deadline=deadline,
                ),
            )
            sent.approaching += 1
    return sent
