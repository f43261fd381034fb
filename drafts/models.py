"""Statements, their immutable revisions, and the state machine of their life."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from delegations.models import Body, Delegation
from drafts.text import short_hash


class Statement(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """A joint statement or rapid response, owned by a body and drafted by pen-holders.

    ``state`` moves only through the transitions below, and those are called only by
    ``workflow.actions``, which checks who may and writes the record.
    """

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        CONSULTATION = "consultation", "Consultation"
        SIGN_ON = "sign_on", "Sign-on"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Kind(models.TextChoices):
        JOINT_STATEMENT = "joint_statement", "Joint statement"
        RAPID_RESPONSE = "rapid_response", "Rapid response"

    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.JOINT_STATEMENT)
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="statements")
    pen_holders = models.ManyToManyField(
        Delegation, related_name="pen_held_statements", verbose_name="pen-holding delegations"
    )
    min_signatures = models.PositiveSmallIntegerField(
        "minimum signatures", default=1, help_text="Signatures needed before it can be published."
    )
    consultation_deadline = models.DateTimeField(null=True, blank=True)
    sign_on_deadline = models.DateTimeField(null=True, blank=True)
    advisers_invited = models.BooleanField(
        default=False,
        help_text="Whether the advisory network may read and comment in consultation.",
    )
    state = FSMField(default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    current_revision = models.ForeignKey(
        "Revision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    frozen_revision = models.ForeignKey(
        "Revision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The revision put to sign-on, and signed.",
    )
    withdrawal_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        permissions = [
            ("steer_statement", "Steer a statement (as chair of its body)"),
            ("comment_statement", "Comment on a statement"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_signatures__gte=1), name="statement_needs_one_signature"
            ),
            models.CheckConstraint(condition=~models.Q(title=""), name="statement_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_rapid_response(self) -> bool:
        return self.kind == self.Kind.RAPID_RESPONSE

    @property
    def is_open_for_editing(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.CONSULTATION)

    # --- transitions: they change fields only; workflow.actions checks and records ----------

    def _may_open_sign_on(self) -> bool:
        return self.state == self.State.CONSULTATION or self.is_rapid_response

    @transition(field=state, source=State.DRAFT, target=State.CONSULTATION)
    def open_consultation(self, *, deadline: datetime | None, advisers_invited: bool) -> None:
        self.consultation_deadline = deadline
        self.advisers_invited = advisers_invited

    @transition(
        field=state,
        source=[State.DRAFT, State.CONSULTATION],
        target=State.SIGN_ON,
        conditions=[_may_open_sign_on],  # type: ignore[list-item]
    )
    def open_sign_on(self, *, deadline: datetime) -> None:
        self.frozen_revision = self.current_revision
        self.sign_on_deadline = deadline

    @transition(field=state, source=[State.CONSULTATION, State.SIGN_ON], target=State.DRAFT)
    def return_to_drafting(self) -> None:
        self.frozen_revision = None
        self.sign_on_deadline = None
        self.consultation_deadline = None

    @transition(field=state, source=State.SIGN_ON, target=State.PUBLISHED)
    def publish(self, *, at: datetime) -> None:
        self.published_at = at

    @transition(
        field=state,
        source=[State.DRAFT, State.CONSULTATION, State.SIGN_ON],
        target=State.WITHDRAWN,
    )
    def withdraw(self, *, reason: str) -> None:
        self.withdrawal_reason = reason


class StatementUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Statement, on_delete=models.CASCADE)


class StatementGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Statement, on_delete=models.CASCADE)


class Revision(models.Model):
    """One saved version of a statement's text. Never changed once written."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    text = models.TextField(help_text="Markdown, in canonical form.")
    content_hash = models.CharField("SHA-256 of the canonical text", max_length=64)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    delegation = models.ForeignKey(
        Delegation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    started_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=(
            "The revision its author began editing from: the parent, unless the edit was merged "
            "with revisions saved in the meantime."
        ),
    )
    co_authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="Authors of the newer revisions this edit was merged with.",
    )
    statement_state = models.CharField(
        "state when saved", max_length=20, choices=Statement.State.choices
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["statement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "number"], name="one_revision_number_per_statement"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="revision_number_from_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement} — revision {self.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        # A signature binds to a revision and its hash: changing a saved revision would
        # change what a state signed.
        if not self._state.adding:
            raise ValueError("A saved revision never changes; save a new revision instead.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def short_hash(self) -> str:
        return short_hash(self.content_hash)

    @property
    def is_merge(self) -> bool:
        """Whether its author's edit was merged with revisions saved after they began it."""
        return self.started_from_id is not None and self.started_from_id != self.parent_id
