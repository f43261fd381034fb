"""The demo data a coalition first sees: each demo person finds a few unread notifications,
as someone who keeps up would, not the hundreds the demo's history produced."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from delegations.models import User
from notifications.models import Notification
from workflow.management.commands.seed_demo import DEMO_DOMAIN, DEMO_UNREAD

pytestmark = pytest.mark.django_db


def test_demo_people_find_a_few_unread_notifications_and_a_second_run_changes_nothing() -> None:
    call_command("seed_demo", stdout=StringIO())
    unread = dict(
        User.objects.filter(email__endswith=DEMO_DOMAIN)
        .annotate(n=Count("notifications", filter=Q(notifications__read_at__isnull=True)))
        .values_list("email", "n")
    )
    assert unread, "the demo has people"
    assert max(unread.values()) <= DEMO_UNREAD, unread
    assert any(unread.values()), "someone has news waiting"
    assert Notification.objects.filter(read_at__isnull=False).exists()
    before = Notification.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert Notification.objects.count() == before
