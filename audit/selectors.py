"""Reads of the audit record."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from audit.models import AuditEntry


def entries_for(target: models.Model, *, prefix: str = "") -> QuerySet[AuditEntry]:
    """The entries about ``target``, oldest first; only actions starting ``prefix`` if given."""
    entries = AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    )
    if prefix:
        entries = entries.filter(action__startswith=prefix)
    return entries.order_by("created_at", "id")
