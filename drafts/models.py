"""Statements, their immutable revisions, and the state machine of their life."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from delegations.models import Body, Delegation
from drafts.instrument import ORIGINAL, Part, instrument_hash
from drafts.text import short_hash, words_hash

# How long what people write beside a statement may be, in characters.
COMMENT_MAX_LENGTH = 10_000
QUOTE_MAX_LENGTH = 1_000
JUSTIFICATION_MAX_LENGTH = 5_000
REASON_MAX_LENGTH = 2_000


class Statement(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """A joint statement or rapid response, owned by a body and drafted by pen-holders.

    ``state`` moves only through the transitions below, and those are called only by
    ``workflow.actions``, which checks who may and writes the record.
    """

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("statement state", "Draft")
        CONSULTATION = "consultation", pgettext_lazy("statement state", "Consultation")
        SIGN_ON = "sign_on", pgettext_lazy("statement state", "Sign-on")
        PUBLISHED = "published", pgettext_lazy("statement state", "Published")
        WITHDRAWN = "withdrawn", pgettext_lazy("statement state", "Withdrawn")

    class Kind(models.TextChoices):
        JOINT_STATEMENT = "joint_statement", _("Joint statement")
        RAPID_RESPONSE = "rapid_response", _("Rapid response")

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
    instrument = models.ForeignKey(
        "Instrument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="What is put to sign-on, and signed: set when sign-on opens.",
    )
    withdrawal_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    slug = models.SlugField(
        max_length=120,
        unique=True,
        null=True,
        blank=True,
        help_text="The public address, given at publication: its date and title. Never changes.",
    )
    accepts_late_signatures = models.BooleanField(
        default=False,
        help_text="Whether, once published, it still takes the signatures of members that "
        "cleared it late. The text never changes.",
    )
    words_hash = models.CharField(
        "SHA-256 of the signed text's words",
        max_length=64,
        blank=True,
        db_index=True,
        help_text="Set at publication: the hash of the signed text's words and punctuation, "
        "markup and spacing aside, so a copy of it in another format can be verified.",
    )

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

    def get_absolute_url(self) -> str:
        """The statement's page, for those who may see it (``workflow`` serves it)."""
        return reverse("workflow:statement", args=[self.pk])

    @property
    def is_rapid_response(self) -> bool:
        return self.kind == self.Kind.RAPID_RESPONSE

    @property
    def instrument_revision(self) -> Revision | None:
        """The original text of what is put to sign-on and signed (``instrument``), if any."""
        return self.instrument.revision if self.instrument is not None else None

    @property
    def instrument_revision_id(self) -> int | None:
        return self.instrument.revision_id if self.instrument is not None else None

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
    def open_sign_on(self, *, deadline: datetime, instrument: Instrument) -> None:
        self.instrument = instrument
        self.sign_on_deadline = deadline

    @transition(field=state, source=[State.CONSULTATION, State.SIGN_ON], target=State.DRAFT)
    def return_to_drafting(self) -> None:
        self.instrument = None
        self.sign_on_deadline = None
        self.consultation_deadline = None

    @transition(field=state, source=State.SIGN_ON, target=State.PUBLISHED)
    def publish(self, *, at: datetime, slug: str) -> None:
        self.published_at = at
        self.slug = slug
        if self.instrument is not None:
            self.words_hash = words_hash(self.instrument.revision.text)

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
    amendment = models.OneToOneField(
        "Amendment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resulting_revision",
        help_text="The amendment whose acceptance made this revision: credited to its delegation.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["statement", "number"]
        # A text is verified by looking its hash up.
        indexes = [models.Index(fields=["content_hash"], name="revision_content_hash")]
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


class Instrument(models.Model):
    """What a signature commits to: the text put to sign-on, frozen when sign-on opens, with
    the hash over all its parts (``drafts.instrument``). Today one part, the original text;
    language versions and reservations join it. Never changed once written: returning to
    drafting leaves it on the record, and the next sign-on freezes a new one."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="instruments")
    revision = models.ForeignKey(
        Revision,
        on_delete=models.PROTECT,
        related_name="instruments",
        help_text="The original text, as put to sign-on.",
    )
    content_hash = models.CharField(
        "SHA-256 of the instrument",
        max_length=64,
        help_text="Over every part's hash (drafts.instrument.instrument_hash).",
    )
    frozen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["statement", "frozen_at", "id"]

    def __str__(self) -> str:
        return f"{self.statement} — instrument of revision {self.revision.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError("A frozen instrument never changes; freeze a new one instead.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def freeze(cls, statement: Statement) -> Instrument:
        """Freeze the statement's current text into a new instrument, for the transition that
        opens sign-on to take. Inside the caller's transaction."""
        revision = statement.current_revision
        if revision is None:
            raise ValueError("A statement without a text cannot be put to sign-on.")
        return cls.objects.create(
            statement=statement,
            revision=revision,
            content_hash=instrument_hash([Part(ORIGINAL, revision.content_hash)]),
        )

    @property
    def parts(self) -> list[Part]:
        """Its texts, in order: today the original."""
        return [Part(ORIGINAL, self.revision.content_hash)]

    @property
    def short_hash(self) -> str:
        return short_hash(self.content_hash)


class Paragraph(models.Model):
    """One paragraph of a statement, the same one from revision to revision however its
    wording changes or wherever it moves: what comments and amendments are anchored to, and
    what a link to "operative paragraph 4" points at (``#p-7f3a9c``)."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="paragraphs")
    key = models.CharField(max_length=16, help_text='Its name in links, e.g. "p-7f3a9c".')
    created_in = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["statement", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "key"], name="one_paragraph_key_per_statement"
            )
        ]

    def __str__(self) -> str:
        return f"{self.statement} — {self.key}"


class RevisionParagraph(models.Model):
    """A paragraph as one revision has it: its place (from 1) and its wording. Written with the
    revision, and like it never changed."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="paragraphs")
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="versions")
    position = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["revision", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "position"], name="one_paragraph_per_place_in_revision"
            ),
            models.UniqueConstraint(
                fields=["revision", "paragraph"], name="a_paragraph_once_per_revision"
            ),
            models.CheckConstraint(
                condition=models.Q(position__gte=1), name="paragraph_position_from_1"
            ),
        ]

    def __str__(self) -> str:
        return f"¶ {self.position} of {self.revision}"

    @property
    def key(self) -> str:
        return self.paragraph.key


class Comment(models.Model):
    """A remark on one paragraph, or a reply in its thread (one level: replies attach to the
    comment that opened the thread). Its text is plain text, shown escaped.

    ``wording`` is the paragraph as the author read it (in ``revision``): when the paragraph
    reads differently now, the comment refers to an older wording.
    """

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="comments")
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="comments")
    revision = models.ForeignKey(
        Revision,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The revision its author read.",
    )
    wording = models.TextField(help_text="The paragraph as it read in that revision.")
    quote = models.TextField(
        blank=True, help_text="The words of the paragraph it is about, if only some of them."
    )
    body = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    delegation = models.ForeignKey(
        Delegation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(body=""), name="comment_body_not_empty"),
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True) | models.Q(resolved_at__isnull=True),
                name="only_threads_are_resolved",
            ),
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True, resolved_by__isnull=True)
                | models.Q(resolved_at__isnull=False, resolved_by__isnull=False),
                name="resolved_by_someone",
            ),
        ]
        indexes = [models.Index(fields=["statement", "created_at"])]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.paragraph.key}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class Amendment(models.Model):
    """A member delegation's proposal to change one paragraph, until the pen-holders accept it
    (a new revision, credited to the delegation) or reject it with a reason.

    While open it is kept up to date with the text: when a new revision changes its paragraph,
    it is rebased onto the new wording (``base_text`` of ``base_revision``) if its change still
    applies cleanly, and marked outdated if not.
    """

    class Kind(models.TextChoices):
        REPLACE = "replace", _("Replace the paragraph")
        INSERT_AFTER = "insert_after", _("Insert a new paragraph after it")
        DELETE = "delete", _("Delete the paragraph")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("amendment status", "Open")
        ACCEPTED = "accepted", pgettext_lazy("amendment status", "Accepted")
        REJECTED = "rejected", pgettext_lazy("amendment status", "Rejected")
        OUTDATED = "outdated", pgettext_lazy("amendment status", "Outdated")

    class OutdatedBecause(models.TextChoices):
        """Why an open amendment stopped applying to the revision that outdated it."""

        COLLIDES = "collides"  # it changed the same words as the amendment
        ALREADY_SO = "already_so"  # it already words the paragraph as the amendment proposes
        EDITED = "edited"  # it edited the paragraph the amendment would delete
        DELETED = "deleted"  # it deleted the paragraph

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="amendments")
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="amendments")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(blank=True, help_text="The proposed wording (none for a deletion).")
    justification = models.TextField()
    delegation = models.ForeignKey(Delegation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_against = models.ForeignKey(
        Revision,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The revision its author read.",
    )
    base_revision = models.ForeignKey(
        Revision,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The revision whose wording of the paragraph it changes (after any rebase).",
    )
    base_text = models.TextField(help_text="The paragraph as that revision has it.")
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    outdated_by = models.ForeignKey(
        Revision,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The revision after which it no longer applied.",
    )
    outdated_because = models.CharField(
        max_length=20,
        choices=OutdatedBecause.choices,
        blank=True,
        help_text="Why it no longer applied after that revision (worded when shown).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="delete", text="")
                | (~models.Q(kind="delete") & ~models.Q(text="")),
                name="amendment_text_unless_deletion",
            ),
            models.CheckConstraint(
                condition=~models.Q(justification=""), name="amendment_is_justified"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="rejection_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Amendment by {self.delegation} to {self.paragraph.key}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def was_rebased(self) -> bool:
        return self.base_revision_id != self.proposed_against_id

    @property
    def outdated_reason(self) -> str:
        """Why it is outdated, in the active language ("" unless it is); reads
        ``outdated_by``, which the selectors fetch with it."""
        if not self.outdated_because or self.outdated_by_id is None:
            return ""
        assert self.outdated_by is not None
        return outdated_sentence(self.outdated_because, self.outdated_by.number)


def outdated_sentence(because: str, number: int) -> str:
    """Why an amendment does not apply to revision ``number``, in the active language:
    "Revision 3 deleted the paragraph." (``because`` is an ``Amendment.OutdatedBecause``;
    "" for anything else)."""
    match because:
        case Amendment.OutdatedBecause.COLLIDES:
            sentence = gettext(
                "Revision %(number)s changed the same words of the paragraph as this amendment."
            )
        case Amendment.OutdatedBecause.ALREADY_SO:
            sentence = gettext(
                "Revision %(number)s already words the paragraph as this amendment proposes."
            )
        case Amendment.OutdatedBecause.EDITED:
            sentence = gettext(
                "Revision %(number)s edited the paragraph this amendment would delete."
            )
        case Amendment.OutdatedBecause.DELETED:
            sentence = gettext("Revision %(number)s deleted the paragraph.")
        case _:
            return ""
    return sentence % {"number": number}
