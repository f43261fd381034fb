"""``notify()``: the one way to tell people something, and marking what they have read."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from notifications.kinds import Kind, codes
from notifications.models import (
    Delivery,
    DeliveryPreference,
    DigestSubscription,
    Notification,
)
from notifications.preferences import deliveries
from notifications.selectors import unread_lines
from notifications.tasks import send_notification_emails
from notifications.wording import Detail

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    """The channel-layer group of one person's open pages."""
    return f"user.{user_id}"


def notify(
    event: Kind,
    *,
    actor: Any,
    subject: models.Model,
    recipients: Iterable[Any],
    link: str,
    detail: Detail | None = None,
) -> list[Notification]:
    """Tell ``recipients`` that ``actor`` caused ``event`` on ``subject``, with the line
    ``detail`` under it (built by ``notifications.wording.detail``; it is worded when read, in
    each recipient's language and time zone).

    Rows are written now, inside the caller's transaction; the live push and the e-mails wait
    for the commit, so an action that rolls back tells nobody. The actor is never told of
    their own act, inactive people are not told, each person is told once, and as they chose
    (in Accord only, by e-mail too, or not at all).
    """
    actor_id = getattr(actor, "pk", None)
    unique = {r.pk: r for r in recipients if r.is_active and r.pk != actor_id}
    chosen = deliveries(unique.values(), event)
    wanted = sorted(pk for pk in unique if chosen[pk] != Delivery.NONE)
    if not wanted:
        return []
    subject_type = ContentType.objects.get_for_model(subject)
    actor_name = actor_delegation = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        actor_name = str(actor)
        acted_for = getattr(actor, "delegation", None)
        actor_delegation = getattr(acted_for, "name", "") if acted_for is not None else ""
    rows = Notification.objects.bulk_create(
        Notification(
            recipient_id=pk,
            actor_id=actor_id,
            actor_name=actor_name[:300],
            actor_delegation=actor_delegation[:300],
            event=event.code,
            subject_type=subject_type,
            subject_id=str(subject.pk),
            subject_title=str(subject)[:300],
            link=link,
            detail_code=detail.code if detail else "",
            detail_args=detail.args if detail else {},
            by_email=chosen[pk] == Delivery.EMAIL,
        )
        for pk in wanted
    )
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: push(ids))
    digest_readers = set(
        DigestSubscription.objects.filter(person_id__in=wanted).values_list("person_id", flat=True)
    )
    to_email = [row.pk for row in rows if row.by_email and row.recipient_id not in digest_readers]
    if to_email:
        # Sent by the task worker, outside the request: a slow mail server slows no page.
        transaction.on_commit(lambda: enqueue_emails(to_email))
    return rows


def enqueue_emails(notification_ids: list[int]) -> None:
    """Have the worker e-mail these after the gathering time: what follows on the same
    statement meanwhile goes out in the same e-mail (``send_notification_emails``)."""
    gather = settings.ACCORD_EMAIL_GATHER_SECONDS
    if gather > 0:
        run_after = timezone.now() + timedelta(seconds=gather)
        send_notification_emails.using(run_after=run_after).enqueue(notification_ids)
    else:
        send_notification_emails.enqueue(notification_ids)


def push(notification_ids: list[int]) -> None:
    """Send committed notifications to their recipients' open pages, with their unread count,
    each worded in its recipient's language and time zone.

    All of them in one trip to the channel layer: one event loop and one connection, rather
    than one per person.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    rows = list(
        Notification.objects.filter(pk__in=notification_ids)
        .select_related("recipient")
        .order_by("id")
    )
    counts = unread_lines({row.recipient_id for row in rows})

    async def send_all() -> None:
        for row in rows:
            try:
                await layer.group_send(
                    user_group(row.recipient_id),
                    {
                        "type": "notification.new",
                        "notification": row.as_event(),
                        "unread": counts[row.recipient_id],
                    },
                )
            except Exception:
                # The row is saved: the person sees it on their next page or reconnect.
                logger.exception("Could not push notification %s", row.pk)

    try:
        async_to_sync(send_all)()
    except Exception:
        # The rows are saved: people see them on their next page or reconnect.
        logger.exception("Could not push notifications %s", notification_ids)


def _push_count(user_id: int) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(
        user_group(user_id),
        {"type": "notification.count", "unread": unread_lines([user_id])[user_id]},
    )


@transaction.atomic
def mark_read(person: Any, *, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the person's notifications read (all unread ones if no ids); returns how many."""
    unread = Notification.objects.filter(recipient=person, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    changed = unread.update(read_at=timezone.now())
    if changed:
        transaction.on_commit(lambda: _push_count(person.pk))
    return changed


@transaction.atomic
def set_preferences(person: Any, *, choices: dict[str, str], daily_digest: bool) -> None:
    """Record how the person wants to hear of each kind of event, and whether in a digest.
    A kind no app declares is refused (ValueError), as is an unknown delivery."""
    known = set(codes())
    for event, delivery in choices.items():
        if event not in known:
            raise ValueError(f"No kind of notification is called {event!r}")
        DeliveryPreference.objects.update_or_create(
            person=person, event=event, defaults={"delivery": Delivery(delivery)}
        )
    if daily_digest:
        DigestSubscription.objects.get_or_create(person=person)
    else:
        DigestSubscription.objects.filter(person=person).delete()
