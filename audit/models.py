"""The append-only record of who did what, for which delegation, when.

Entries form a hash chain (see ``audit.chain`` for the canonical form an outside auditor can
recompute); ``manage.py verify_audit`` checks it and stores a ``ChainVerification``.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AuditEntry(models.Model):
    """One thing that happened. Entries are only ever added, through ``audit.record``."""

    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # Kept as text, not a foreign key: the record must not change when a delegation is renamed
    # or leaves, and this app knows nothing of the domain.
    actor_name = models.CharField(max_length=160)
    actor_delegation = models.CharField(max_length=120, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=300)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    # The chain: the entry's place (1, 2, 3… without gaps), its predecessor's hash and its own.
    # The unique sequence makes a fork impossible: two entries cannot follow the same one.
    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    previous_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["sequence"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name}: {self.action}"


class ChainVerification(models.Model):
    """The outcome of one check of the whole chain, shown on the audit page.

    Verifying a long chain takes seconds, too long for every page view: the page shows the
    latest of these, made by ``manage.py verify_audit`` or a coordinator's "Verify now".
    """

    checked_at = models.DateTimeField(db_index=True)
    checked_by = models.CharField(max_length=160)
    intact = models.BooleanField()
    entries = models.PositiveBigIntegerField()
    last_hash = models.CharField(max_length=64, blank=True)
    broken_at = models.PositiveBigIntegerField(null=True, blank=True)
    problem = models.TextField(blank=True)
    seconds = models.FloatField()

    class Meta:
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        outcome = "intact" if self.intact else f"broken at #{self.broken_at}"
        return f"{self.checked_at:%Y-%m-%d %H:%M} {outcome}"
