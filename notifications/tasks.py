"""Work done by the task worker (``manage.py db_worker``), outside any request."""

from __future__ import annotations

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from notifications.email import digest_email, notification_email
from notifications.models import DigestSubscription, Notification

logger = logging.getLogger(__name__)


@task
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail each of these notifications not e-mailed yet; returns how many went out.

    Safe to run twice: a notification is marked e-mailed in the same transaction that claims
    it, so a second run finds nothing left to send.
    """
    sent = 0
    for pk in notification_ids:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update()
                .select_related("recipient")
                .filter(pk=pk, by_email=True, emailed_at__isnull=True)
                .first()
            )
            if notification is None or not notification.recipient.is_active:
                continue
            notification_email(notification).send()
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
            sent += 1
    return sent


@task
def send_daily_digests() -> int:
    """Gather each digest reader's e-mail notifications not yet sent into one e-mail."""
    sent = 0
    for subscription in DigestSubscription.objects.select_related("person"):
        person = subscription.person
        with transaction.atomic():
            pending = list(
                Notification.objects.select_for_update()
                .filter(recipient=person, by_email=True, emailed_at__isnull=True)
                .order_by("id")
            )
            if not pending or not person.is_active:
                continue
            digest_email(person, pending).send()
            now = timezone.now()
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
            subscription.last_sent_at = now
            subscription.save(update_fields=["last_sent_at"])
            sent += 1
    return sent
