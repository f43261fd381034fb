"""Signatures: a delegation's answer to a statement put to sign-on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from delegations.models import Delegation
from drafts.models import Instrument, Statement
from drafts.text import short_hash


class Signature(models.Model):
    """One delegation's response to one sign-on: signed, declined, withdrawn, void or removed.

    The delegation is the signing principal; ``given_by`` records which of its signatories
    acted. A signature commits to the statement's instrument (``drafts.Instrument``): the
    text frozen for sign-on and its hash. Returning a statement to
    drafting makes its signatures void: kept on the record, no longer counted. A signature on
    a published statement is final; only a coordinator can remove it, with a reason, and the
    removed row stays (a delegation whose signature was removed cannot sign that statement
    again: the constraint below still counts the row).
    """

    class Status(models.TextChoices):
        SIGNED = "signed", pgettext_lazy("signature status", "Signed")
        DECLINED = "declined", pgettext_lazy("signature status", "Declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("signature status", "Withdrawn")
        VOID = "void", pgettext_lazy("signature status", "Void")
        REMOVED = "removed", pgettext_lazy("signature status", "Removed by a coordinator")

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="signatures")
    delegation = models.ForeignKey(Delegation, on_delete=models.PROTECT, related_name="signatures")
    instrument = models.ForeignKey(
        Instrument,
        on_delete=models.PROTECT,
        related_name="signatures",
        help_text="What the delegation committed to.",
    )
    content_hash = models.CharField(
        "hash of the signed text",
        max_length=64,
        help_text="SHA-256 of the instrument's original text, as signed.",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SIGNED)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField()
    changed_at = models.DateTimeField()
    removal_reason = models.TextField(
        blank=True, help_text="Why a coordinator removed it from the published statement."
    )
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["delegation__sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "delegation"],
                condition=~models.Q(status="void"),
                name="one_signature_per_delegation_per_statement",
            )
        ]

    def __str__(self) -> str:
        return f"{self.delegation} on {self.statement}: {self.get_status_display()}"

    @property
    def short_hash(self) -> str:
        return short_hash(self.content_hash)

    @property
    def is_late(self) -> bool:
        """Given after the statement was published, while it took late signatures."""
        published_at = self.statement.published_at
        return published_at is not None and self.given_at > published_at


class DeadlineNotice(models.Model):
    """A reminder or closing notice that went out, so the scheduled job never sends it twice."""

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("Consultation")
        SIGN_ON = "sign_on", _("Sign-on")

    class Notice(models.TextChoices):
        APPROACHING = "approaching", _("Deadline approaching")
        PASSED = "passed", _("Deadline passed")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    deadline = models.DateTimeField()
    notice = models.CharField(max_length=20, choices=Notice.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "kind", "deadline", "notice"], name="one_notice_per_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_notice_display()}: {self.get_kind_display()} of {self.statement}"


class Viewer(models.Model):
    """One open page (or editor) on a statement: who else is here, across every ASGI process.

    A row lives as long as its socket; ``seen_at`` is renewed by the page's heartbeat, so rows
    left behind by a process that died stop counting after a few minutes.
    """

    channel_name = models.CharField(max_length=200, unique=True)
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    editing = models.BooleanField(default=False)
    seen_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["statement", "seen_at"])]

    def __str__(self) -> str:
        return f"{self.person} on {self.statement_id}"
