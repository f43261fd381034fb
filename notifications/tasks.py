"""Work done by the task worker (``manage.py db_worker``), outside any request."""

from __future__ import annotations

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from notifications.email import burst_email, digest_email
from notifications.models import DigestSubscription, Notification

logger = logging.getLogger(__name__)


@task
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail these notifications, each with what else its recipient has waiting about the
    same statement: one e-mail per person per statement per burst. Returns how many e-mails
    went out.

    Safe to run twice, and with several workers: the rows an e-mail carries are locked and
    marked e-mailed in the transaction that sends it, so a second run, or another worker's
    task for the same burst, finds nothing left to send. A digest reader's rows wait for
    their digest.
    """
    sent = 0
    for pk in notification_ids:
        with transaction.atomic():
            first = (
                Notification.objects.select_related("recipient")
                .filter(pk=pk, by_email=True, emailed_at__isnull=True)
                .first()
            )
            if first is None or not first.recipient.is_active:
                continue
            if DigestSubscription.objects.filter(person_id=first.recipient_id).exists():
                continue
            burst = list(
                Notification.objects.select_for_update()
                .filter(
                    recipient_id=first.recipient_id,
                    subject_type_id=first.subject_type_id,
                    subject_id=first.subject_id,
                    by_email=True,
                    emailed_at__isnull=True,
                )
                .order_by("id")
            )
            if not burst:
                continue  # another worker sent them meanwhile
            for notification in burst:
                notification.recipient = first.recipient
            burst_email(first.recipient, burst).send()
            Notification.objects.filter(pk__in=[n.pk for n in burst]).update(
                emailed_at=timezone.now()
            )
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
