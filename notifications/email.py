"""E-mails about notifications: a burst about one statement at a time, or a day's worth in a
digest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import ngettext

from notifications.models import Notification
from notifications.wording import as_recipient


def absolute(link: str) -> str:
    return f"{settings.ACCORD_BASE_URL.rstrip('/')}{link}"


def _message(
    person: Any, subject: str, template: str, context: dict[str, Any]
) -> EmailMultiAlternatives:
    context = {"person": person, "base_url": settings.ACCORD_BASE_URL, **context}
    message = EmailMultiAlternatives(
        # One line: a title typed with line breaks must not end the header (or add others).
        subject=" ".join(subject.split()),
        body=render_to_string(f"notifications/email/{template}.txt", context),
        to=[person.email],
    )
    message.attach_alternative(
        render_to_string(f"notifications/email/{template}.html", context), "text/html"
    )
    return message


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    """One notification as an e-mail, in the recipient's language: plain text and HTML, with
    a link to the statement."""
    with as_recipient(notification.recipient):
        return _message(
            notification.recipient,
            f"[Accord] {notification.get_event_display()}: {notification.subject_title}",
            "notification",
            {"notification": notification, "url": absolute(notification.link)},
        )


def burst_email(person: Any, burst: Sequence[Notification]) -> EmailMultiAlternatives:
    """What a person has waiting about one statement, oldest first, as one e-mail: a single
    notification reads as itself; several read as the statement with one line each."""
    if len(burst) == 1:
        return notification_email(burst[0])
    latest = burst[-1]
    with as_recipient(person):
        count = len(burst)
        updates = ngettext("%(count)d update", "%(count)d updates", count) % {"count": count}
        return _message(
            person,
            f"[Accord] {latest.subject_title}: {updates}",
            "burst",
            {"title": latest.subject_title, "lines": burst, "url": absolute(latest.link)},
        )


def by_subject(notifications: Sequence[Notification]) -> list[list[Notification]]:
    """Notifications gathered per subject, in the order subjects first appear."""
    groups: dict[tuple[int, str], list[Notification]] = {}
    for notification in notifications:
        key = (notification.subject_type_id, notification.subject_id)
        groups.setdefault(key, []).append(notification)
    return list(groups.values())


def digest_email(person: Any, notifications: Sequence[Notification]) -> EmailMultiAlternatives:
    """A day's notifications in one e-mail, in the recipient's language: one heading per
    statement, with a line for each thing that happened to it."""
    with as_recipient(person):
        count = len(notifications)
        subject = ngettext("%(count)d update today", "%(count)d updates today", count) % {
            "count": count
        }
        return _message(
            person,
            f"[Accord] {subject}",
            "digest",
            {
                "groups": [
                    (group[-1].subject_title, absolute(group[-1].link), group)
                    for group in by_subject(notifications)
                ]
            },
        )
