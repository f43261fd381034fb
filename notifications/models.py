"""Notifications: what a person is told, and whether they have read it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from delegations.names import recorded_name
from notifications.kinds import label_of
from notifications.wording import as_recipient, detail_html, detail_text


class Delivery(models.TextChoices):
    """How a person wants to hear of one kind of event."""

    PAGE = "page", _("In Accord only")
    EMAIL = "email", _("In Accord and by e-mail")
    NONE = "none", _("Not at all")


class DeliveryPreference(models.Model):
    """A person's choice for one kind of event; without a row, the default applies."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delivery_preferences"
    )
    # A kind's code (``notifications.kinds``), declared by the app that sends it.
    event = models.CharField(max_length=40)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "event"], name="one_preference_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.event} → {self.delivery}"


class DigestSubscription(models.Model):
    """A person who wants their e-mails gathered into one a day instead of one each."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_subscription"
    )
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Daily digest for {self.person}"


class Notification(models.Model):
    """One thing one person is told. Written in the action's transaction, pushed on commit."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=300, blank=True)
    # The delegation the actor acted for, as it was named then ("" if none): worded in the
    # reader's language when read. Rows from before it hold "Name (Delegation)" in actor_name.
    actor_delegation = models.CharField(max_length=300, blank=True)
    # A kind's code (``notifications.kinds``), declared by the app that sends it.
    event = models.CharField(max_length=40)
    # What it is about, generically: this app knows no domain model.
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    subject_id = models.CharField(max_length=64)
    subject_title = models.CharField(max_length=300)
    link = models.CharField(max_length=300)
    # The line under it, worded when read (notifications.wording): a code and its values.
    # A DetailCode, or a line another app declares (notifications.wording.register_line).
    detail_code = models.CharField(max_length=40, blank=True)
    detail_args = models.JSONField(default=dict, blank=True)
    detail = models.CharField(
        max_length=300,
        blank=True,
        help_text="Only rows written before detail lines were stored as codes: the line as "
        "it was worded then, in English. Shown when there is no code.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    by_email = models.BooleanField(default=False, help_text="The person asked for an e-mail.")
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["recipient", "id"]),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()}: {self.subject_title}"

    def get_event_display(self) -> str:
        """The kind's label in the active language."""
        return label_of(self.event)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def actor_label(self) -> str:
        """Who did it, as a reader sees them: "Kristjan Tamm (Estonie)" in French."""
        if self.actor_delegation:
            return f"{self.actor_name} ({recorded_name(self.actor_delegation)})"
        return self.actor_name

    def detail_line(self) -> str:
        """The line under it as plain text, in the active language and time zone."""
        if self.detail_code:
            return detail_text(self.detail_code, self.detail_args)
        return self.detail

    def detail_line_html(self) -> SafeString | str:
        """The line under it for a page or an HTML e-mail: escaped, times with UTC on hover.
        A line from before codes is plain text, which the template escapes."""
        if self.detail_code:
            return detail_html(self.detail_code, self.detail_args)
        return self.detail

    def as_event(self) -> dict[str, object]:
        """The short fields the recipient's browser gets: ids and plain text, never HTML,
        worded in the recipient's language and time zone (``recipient`` is read: select it
        with the row)."""
        with as_recipient(self.recipient):
            return {
                "id": self.pk,
                "event": self.event,
                "label": self.get_event_display(),
                "subject": f"{self.subject_type_id}:{self.subject_id}",
                "title": self.subject_title,
                "actor": self.actor_label(),
                "detail": self.detail_line(),
                "link": self.link,
                "created_at": self.created_at.isoformat(),
                "read": self.is_read,
            }
