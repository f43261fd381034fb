"""``record()``: the one way to append to the audit record."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from audit.models import AuditEntry


def record(
    actor: Any,
    action: str,
    target: models.Model,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    delegation: str = "",
    note: str = "",
) -> AuditEntry:
    """Append an entry: ``actor`` did ``action`` (e.g. ``workflow.open_sign_on``) to ``target``.

    ``delegation`` names the delegation the actor acted for, if any. Call it inside the
    action's transaction, so a rolled-back action leaves no entry.
    """
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        created_at=timezone.now(),
        actor=actor if is_person else None,
        actor_name=str(actor) if is_person else "system",
        actor_delegation=delegation,
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        before=before or {},
        after=after or {},
        note=note,
    )
