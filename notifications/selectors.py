"""Reads of a person's notifications."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import groupby
from typing import Any

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber

from notifications.models import Notification


def notifications_of(
    person: Any, *, event: str = "", subject_id: str = "", unread_only: bool = False
) -> QuerySet[Notification]:
    """The person's notifications, newest first, optionally filtered."""
    found = Notification.objects.filter(recipient=person).order_by("-id")
    if event:
        found = found.filter(event=event)
    if subject_id:
        found = found.filter(subject_id=subject_id)
    if unread_only:
        found = found.filter(read_at__isnull=True)
    return found


def unread_count(person: Any) -> int:
    """The person's unread lines: what the bell shows, and the centre's unread bursts."""
    if not person.is_authenticated:
        return 0
    return unread_lines([person.pk])[person.pk]


# The most unread notifications per person the count reads: beyond them, older unread lines
# are not counted (the bell says at least this many).
COUNTED = 500


def unread_lines(person_ids: Iterable[int]) -> dict[int, int]:
    """For each person, how many lines their unread notifications make in the centre: one
    per statement per burst, the way the centre groups them. One query for everyone."""
    counts = dict.fromkeys(person_ids, 0)
    if not counts:
        return counts
    newest_first = (
        Notification.objects.filter(recipient_id__in=counts, read_at__isnull=True)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("recipient_id")], order_by=F("id").desc())
        )
        .filter(rank__lte=COUNTED)
        .only("recipient_id", "subject_type_id", "subject_id", "created_at", "read_at")
        .order_by("recipient_id", "-id")
    )
    for person_id, rows in groupby(newest_first, key=lambda row: row.recipient_id):
        counts[person_id] = len(in_bursts(rows))
    return counts


def missed_since(person: Any, last_seen_id: int, *, limit: int = 200) -> list[Notification]:
    """Notifications after ``last_seen_id``, oldest first: what a reconnecting page missed
    (with their recipient, in whose language ``as_event`` words them)."""
    return list(
        Notification.objects.filter(recipient=person, pk__gt=last_seen_id)
        .select_related("recipient")
        .order_by("id")[:limit]
    )


def subjects_of(person: Any) -> list[tuple[str, str]]:
    """The (subject id, title) pairs the person has notifications about, for the filter."""
    return list(
        Notification.objects.filter(recipient=person)
        .values_list("subject_id", "subject_title")
        .order_by("subject_title")
        .distinct()
    )


def latest_id(person: Any) -> int:
    """The id of the person's newest notification (0 if none): where a new page starts from."""
    newest = Notification.objects.filter(recipient=person).order_by("-id").values_list("pk")[:1]
    return newest[0][0] if newest else 0


# Notifications about one subject that follow each other within this time form one burst.
BURST = timedelta(minutes=30)


@dataclass
class Burst:
    """One line of the centre: a subject's notifications close together in time, newest
    first (``latest``), all read or all unread."""

    latest: Notification
    earlier: list[Notification] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return [self.latest.pk, *(n.pk for n in self.earlier)]


def in_bursts(notifications: Iterable[Notification]) -> list[Burst]:
    """Group notifications (newest first) into bursts: one line per subject per burst, the
    way a digest reads, instead of one line per comment, revision or signature."""
    bursts: list[Burst] = []
    for notification in notifications:
        current = bursts[-1] if bursts else None
        last = (
            current.earlier[-1]
            if current and current.earlier
            else (current.latest if current else None)
        )
        if (
            current is not None
            and last is not None
            and notification.subject_type_id == current.latest.subject_type_id
            and notification.subject_id == current.latest.subject_id
            and notification.is_read == current.latest.is_read
            and last.created_at - notification.created_at <= BURST
        ):
            current.earlier.append(notification)
        else:
            bursts.append(Burst(notification))
    return bursts
