"""E-mails about notifications: one at a time, or a day's worth in a digest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from notifications.models import Notification


def absolute(link: str) -> str:
    return f"{settings.ACCORD_BASE_URL.rstrip('/')}{link}"


def _message(
    person: Any, subject: str, template: str, context: dict[str, Any]
) -> EmailMultiAlternatives:
    context = {"person": person, "base_url": settings.ACCORD_BASE_URL, **context}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"notifications/email/{template}.txt", context),
        to=[person.email],
    )
    message.attach_alternative(
        render_to_string(f"notifications/email/{template}.html", context), "text/html"
    )
    return message


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    """One notification as an e-mail: plain text and HTML, with a link to the statement."""
    return _message(
        notification.recipient,
        f"[Accord] {notification.get_event_display()}: {notification.subject_title}",
        "notification",
        {"notification": notification, "url": absolute(notification.link)},
    )


def digest_email(person: Any, notifications: Sequence[Notification]) -> EmailMultiAlternatives:
    """A day's notifications in one e-mail."""
    return _message(
        person,
        f"[Accord] {len(notifications)} update{'s' if len(notifications) != 1 else ''} today",
        "digest",
        {"items": [(n, absolute(n.link)) for n in notifications]},
    )
