"""Reads of the audit record."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from audit.models import AuditEntry, ChainVerification


def entries_for(target: models.Model, *, prefix: str = "") -> QuerySet[AuditEntry]:
    """The entries about ``target``, oldest first; only actions starting ``prefix`` if given."""
    entries = AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    )
    if prefix:
        entries = entries.filter(action__startswith=prefix)
    return entries.order_by("created_at", "id")


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def filtered_entries(
    *,
    action: str = "",
    actor: str = "",
    since: date | None = None,
    until: date | None = None,
    target_type: str = "",
    target_id: str = "",
) -> QuerySet[AuditEntry]:
    """The whole record, newest first, narrowed by whichever filters are given.

    ``action`` is a prefix of the action code; ``actor`` part of the actor's name (or
    "system"); ``since``/``until`` whole UTC days, both included; ``target_type`` an
    "app_label.model" and ``target_id`` one target of it.
    """
    entries = AuditEntry.objects.select_related("target_type").order_by("-sequence")
    if action:
        entries = entries.filter(action__startswith=action)
    if actor:
        entries = entries.filter(actor_name__icontains=actor)
    if since:
        entries = entries.filter(created_at__gte=_start_of(since))
    if until:
        entries = entries.filter(created_at__lt=_start_of(until + timedelta(days=1)))
    if target_type:
        app_label, _, model = target_type.partition(".")
        entries = entries.filter(target_type__app_label=app_label, target_type__model=model)
        if target_id:
            entries = entries.filter(target_id=target_id)
    return entries


def latest_verification() -> ChainVerification | None:
    """The most recent check of the chain, if there was one."""
    return ChainVerification.objects.first()
