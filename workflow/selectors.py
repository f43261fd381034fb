"""Every read the workflow pages need, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from guardian.core import ObjectPermissionChecker

from audit.models import AuditEntry
from audit.selectors import entries_for
from delegations.models import Body, Delegation
from drafts.diff import paragraphs
from drafts.models import Amendment, Comment, Revision, Statement
from drafts.permissions import checker_for, visible_statements
from drafts.selectors import statement_for as statement_for  # one way to open a statement
from drafts.selectors import statements_with_details
from drafts.text import plain_text
from workflow import policy
from workflow.models import Signature

State = Statement.State
LIVE = ~Q(status=Signature.Status.VOID)


def _with_signature_count(statements: QuerySet[Statement]) -> QuerySet[Statement]:
    return statements.annotate(
        signed_count=Count("signatures", filter=Q(signatures__status=Signature.Status.SIGNED))
    )


def statements_visible_to(user: Any) -> QuerySet[Statement]:
    """The statements ``user`` may open (``drafts.permissions.visible_statements``), with their
    details prefetched."""
    return visible_statements(user, statements_with_details())


# The most urgent rows a dashboard section shows; the rest are one click away, on the
# section's own paginated list. A coalition's years of statements never land on one page.
DASHBOARD_ROWS = 20


@dataclass
class Section:
    """One section of the dashboard: its first rows, most urgent first, and how many in all."""

    key: str
    rows: list[Statement] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)


# Section keys in the order the dashboard shows them: what waits on the person first.
SECTION_KEYS = [
    "awaiting_signature",
    "ready_to_publish",
    "pen",
    "consultations",
    "chaired",
    "in_progress",
]


def dashboard_statements(user: Any) -> QuerySet[Statement]:
    """What a dashboard row needs: the visible statements with their signature counts.

    A row shows a revision's number, never its text: the texts (kilobytes each) stay in the
    database."""
    return _with_signature_count(statements_visible_to(user)).defer(
        "current_revision__text", "instrument__revision__text"
    )


def section_statements(
    user: Any, key: str, visible: QuerySet[Statement] | None = None
) -> QuerySet[Statement] | None:
    """The statements of dashboard section ``key`` for ``user``, most urgent first; ``None``
    when the section is not one of theirs (a section of a delegation's work for a person of no
    delegation, the publishing queue for anyone but a coordinator)."""
    if visible is None:
        visible = dashboard_statements(user)
    delegation_id = user.delegation_id
    if key == "pen" and delegation_id is not None:
        return visible.filter(
            pen_holders=delegation_id, state__in=[State.DRAFT, State.CONSULTATION]
        ).order_by("state", "-updated_at", "-pk")
    if key == "consultations" and delegation_id is not None:
        return (
            visible.filter(state=State.CONSULTATION)
            .exclude(pen_holders=delegation_id)
            .order_by("consultation_deadline", "-updated_at", "-pk")
        )
    if key == "awaiting_signature" and delegation_id is not None:
        answered = Signature.objects.filter(
            LIVE, statement=OuterRef("pk"), delegation_id=delegation_id
        )
        return (
            visible.filter(state=State.SIGN_ON)
            .exclude(Exists(answered))
            .order_by("sign_on_deadline", "-updated_at", "-pk")
        )
    if key == "chaired":
        return visible.filter(
            body__in=user.chaired_bodies.all(),
            state__in=[State.DRAFT, State.CONSULTATION, State.SIGN_ON],
        ).order_by("state", "-updated_at", "-pk")
    if key == "ready_to_publish" and user.is_coordinator:
        quorate = Q(signed_count__gte=F("min_signatures"))  # annotated by dashboard_statements
        return visible.filter(quorate, state=State.SIGN_ON).order_by("sign_on_deadline", "-pk")
    if key == "in_progress" and user.is_coordinator:
        return visible.filter(state__in=[State.DRAFT, State.CONSULTATION]).order_by(
            "-updated_at", "-pk"
        )
    return None


def _first_rows(key: str, statements: QuerySet[Statement]) -> Section:
    """The section's first ``DASHBOARD_ROWS`` rows and its total, in one query: every row
    carries the count of the whole result (a window over it), taken before the limit."""
    rows: list[Statement] = list(
        statements.annotate(section_total=Window(Count("pk")))[:DASHBOARD_ROWS]
    )
    return Section(key, rows, getattr(rows[0], "section_total", 0) if rows else 0)


@dataclass
class Dashboard:
    """What needs a person's attention, section by section."""

    pen: Section = field(default_factory=lambda: Section("pen"))
    consultations: Section = field(default_factory=lambda: Section("consultations"))
    awaiting_signature: Section = field(default_factory=lambda: Section("awaiting_signature"))
    chaired: Section = field(default_factory=lambda: Section("chaired"))
    ready_to_publish: Section = field(default_factory=lambda: Section("ready_to_publish"))
    in_progress: Section = field(default_factory=lambda: Section("in_progress"))

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, key) for key in SECTION_KEYS)


def dashboard_for(user: Any) -> Dashboard:
    """Drafts the person's delegation holds the pen on, consultations open to them, sign-ons
    awaiting their delegation, statements of bodies they chair, and for coordinators what is
    ready to publish and what is in progress: the first rows of each and how many there are,
    one query per section, whatever the number of statements."""
    visible = dashboard_statements(user)
    dashboard = Dashboard()
    for key in SECTION_KEYS:
        statements = section_statements(user, key, visible)
        if statements is not None:
            setattr(dashboard, key, _first_rows(key, statements))
    return dashboard


def sections_of(user: Any) -> list[str]:
    """The dashboard sections that are the person's, in the dashboard's order: one query (do
    they chair a body?)."""
    mine = []
    for key in SECTION_KEYS:
        if key in ("pen", "consultations", "awaiting_signature"):
            if user.delegation_id is not None:
                mine.append(key)
        elif key == "chaired":
            if user.chaired_bodies.exists():
                mine.append(key)
        elif user.is_coordinator:
            mine.append(key)
    return mine


def listed_statements(
    user: Any, *, section: str = "", state: str = "", title: str = ""
) -> QuerySet[Statement]:
    """The full list behind the dashboard: one section in its own order, or every statement
    the person may open, most recently changed first; narrowed by state and by words of the
    title (each word must appear)."""
    statements = section_statements(user, section) if section else None
    if statements is None:
        statements = dashboard_statements(user).order_by("-updated_at", "-pk")
    if state:
        statements = statements.filter(state=state)
    for word in title.split():
        statements = statements.filter(title__icontains=word)
    return statements


def signatures_of(statement: Statement, *, with_revisions: bool = False) -> list[Signature]:
    """The statement's live responses (signed, declined, withdrawn, removed from the published
    statement), in collation order; ``with_revisions`` also reads the revision each was given
    to (its number), which the statement page does not show."""
    signatures = statement.signatures.filter(LIVE).select_related(
        "delegation", "given_by", "removed_by"
    )
    if with_revisions:
        signatures = signatures.select_related("instrument__revision").defer(
            "instrument__revision__text"
        )
    return list(signatures.order_by("delegation__sort_key"))


def signatures_on(revision: Revision) -> list[Signature]:
    """The signatures given to exactly this revision, in collation order: one query."""
    return list(
        Signature.objects.filter(instrument__revision=revision, status=Signature.Status.SIGNED)
        .select_related("delegation", "instrument")
        .order_by("delegation__sort_key")
    )


# Kept in the audit record, but not in the statement's history on its page: the threads and
# the amendments beside the text show them.
NOT_IN_HISTORY = [
    "workflow.grant",
    "drafts.comment",
    "drafts.reply",
    "drafts.resolve_comment",
    "drafts.reopen_comment",
    "drafts.propose_amendment",
]


def transitions_of(statement: Statement) -> QuerySet[AuditEntry]:
    """The record of the statement's life: transitions, edits, decisions on amendments and
    sign-on answers."""
    return entries_for(statement).exclude(action__in=NOT_IN_HISTORY)


def record_of(statement: Statement) -> QuerySet[AuditEntry]:
    """The statement's full audit record, oldest first: every entry about the statement itself
    and about its revisions, comments, amendments and signatures, in one query."""
    kinds = ContentType.objects.get_for_models(Statement, Revision, Comment, Amendment, Signature)
    about = Q(target_type=kinds[Statement], target_id=str(statement.pk))
    for part in (Revision, Comment, Amendment, Signature):
        ids = part.objects.filter(statement=statement).values(key=Cast("pk", CharField()))
        about |= Q(target_type=kinds[part], target_id__in=ids)
    return AuditEntry.objects.filter(about).select_related("target_type").order_by("sequence")


def published_statements() -> QuerySet[Statement]:
    """Published statements, newest first, each with its signatories in collation order.

    ``statement.signed`` lists the signatures that count (removed ones do not), late ones
    included (``Signature.is_late``).
    """
    return (
        Statement.objects.filter(state=State.PUBLISHED)
        .select_related("body", "instrument__revision")
        .prefetch_related(
            Prefetch(
                "signatures",
                queryset=Signature.objects.filter(status=Signature.Status.SIGNED)
                .select_related("delegation", "instrument")
                .order_by("delegation__sort_key"),
                to_attr="signed",
            )
        )
        .order_by("-published_at", "-id")
    )


def search_published(
    *,
    text: str = "",
    year: int | None = None,
    body: Body | None = None,
    kind: str = "",
) -> QuerySet[Statement]:
    """Published statements (as ``published_statements``) whose title or signed text holds
    every word of ``text`` (case aside), published in ``year`` (UTC), by ``body``, of ``kind``.

    A plain ``icontains`` per word: the same on SQLite and PostgreSQL, and the published
    texts are few enough (hundreds, each under 200 KB) for it.
    """
    statements = published_statements()
    for word in text.split():
        statements = statements.filter(
            Q(title__icontains=word) | Q(instrument__revision__text__icontains=word)
        )
    if year is not None:
        statements = statements.filter(published_at__year=year)
    if body is not None:
        statements = statements.filter(body=body)
    if kind:
        statements = statements.filter(kind=kind)
    return statements


def publication_years() -> list[int]:
    """The years (UTC) in which something was published, newest first. One query."""
    moments = Statement.objects.filter(state=State.PUBLISHED).datetimes(
        "published_at", "year", order="DESC", tzinfo=UTC
    )
    return [moment.year for moment in moments]


def published_statement(slug: str) -> Statement:
    statement = published_statements().filter(slug=slug).first()
    if statement is None:
        raise Http404(_("No published statement here."))
    return statement


def signatories_line(statement: Statement) -> str:
    """ "Joint statement of 4 members of the coalition", from ``statement.signed``."""
    count = len(getattr(statement, "signed", []))
    return ngettext(
        "Joint statement of %(count)d member of the coalition",
        "Joint statement of %(count)d members of the coalition",
        count,
    ) % {"count": count}


def public_summary(statement: Statement, length: int = 200) -> str:
    """What a shared link or a feed says of a published statement: who signed, and how the
    text begins (a heading that opens it aside), in at most about ``length`` characters."""
    signed = statement.instrument_revision
    blocks = paragraphs(signed.text) if signed is not None else []
    if blocks and blocks[0].startswith("#"):
        blocks = blocks[1:]  # the text's own title
    opening = Truncator(plain_text("\n\n".join(blocks))).chars(length)
    return f"{signatories_line(statement)}. {opening}".strip()


def published_by_hash(content_hash: str) -> Statement | None:
    """The published statement whose signed revision has this SHA-256, if any (by index)."""
    return (
        published_statements()
        .filter(instrument__revision__content_hash=content_hash)
        .order_by("published_at", "id")
        .first()
    )


def published_by_words(words_hash: str) -> Statement | None:
    """The published statement whose signed text has these words (``drafts.text.words_hash``),
    markup and spacing aside, if any (by index)."""
    if not words_hash:
        return None
    return (
        published_statements().filter(words_hash=words_hash).order_by("published_at", "id").first()
    )


def recent_published_texts(limit: int) -> list[tuple[int, str]]:
    """The ids and signed texts of the ``limit`` most recently published statements."""
    return list(
        Statement.objects.filter(state=State.PUBLISHED, instrument__isnull=False)
        .order_by("-published_at", "-id")
        .values_list("pk", "instrument__revision__text")[:limit]
    )


def available_actions(
    user: Any,
    statement: Statement,
    response: Signature | None,
    checker: ObjectPermissionChecker | None = None,
) -> set[str]:
    """The actions to offer ``user`` as buttons: those ``workflow.policy`` allows (its
    ``offers``), which are exactly those the actions would carry out.

    ``response`` is the user's delegation's live answer to the sign-on, if any.
    """
    return policy.offers(user, statement, response, checker or checker_for(user))


def statements_listed_for(
    user: Any, *, state: str = "", body: int | None = None, kind: str = ""
) -> QuerySet[Statement]:
    """The statements ``user`` may open (as ``statements_visible_to``), each with its count of
    signatures, narrowed to a ``state``, a ``body`` (its id) and a ``kind`` when given; most
    recently changed first."""
    statements = _with_signature_count(statements_visible_to(user))
    if state:
        statements = statements.filter(state=state)
    if body is not None:
        statements = statements.filter(body_id=body)
    if kind:
        statements = statements.filter(kind=kind)
    return statements.order_by("-updated_at", "-id")


def consequences(step: str, statement: Statement, given: dict[str, Any]) -> list[str]:
    """What an irreversible step will do, said before it is done (the confirmation page)."""
    live = Signature.objects.filter(statement=statement).exclude(status=Signature.Status.VOID)
    signed = live.filter(status=Signature.Status.SIGNED).count()
    said: list[str] = []
    if step == "publish":
        answered = live.filter(delegation__is_member=True).values("delegation_id")
        silent = Delegation.objects.filter(is_member=True).exclude(pk__in=answered).count()
        said.append(
            ngettext(
                "The text, its %(count)d signatory and its hash become public for good: a "
                "published statement cannot be unpublished.",
                "The text, its %(count)d signatories and its hash become public for good: a "
                "published statement cannot be unpublished.",
                signed,
            )
            % {"count": signed}
        )
        deadline = statement.sign_on_deadline
        if silent and (deadline is None or deadline > timezone.now()):
            said.append(
                ngettext(
                    "%(count)d member delegation has not answered the sign-on yet; publishing "
                    "now closes it (the chairs may later open it to late signatures).",
                    "%(count)d member delegations have not answered the sign-on yet; "
                    "publishing now closes it (the chairs may later open it to late "
                    "signatures).",
                    silent,
                )
                % {"count": silent}
            )
    elif step == "withdraw":
        said.append(
            _(
                "The statement is withdrawn for good: it can no longer be edited, consulted "
                "on, signed or published. It stays on the record with your reason."
            )
        )
        if signed:
            said.append(
                ngettext(
                    "The %(count)d signature given becomes void.",
                    "The %(count)d signatures given become void.",
                    signed,
                )
                % {"count": signed}
            )
    elif step == "return_to_drafting":
        said.append(
            _("The statement goes back to its pen-holders; the deadlines set for it are cleared.")
        )
        if signed:
            said.append(
                ngettext(
                    "The %(count)d signature given becomes void: that delegation will have to "
                    "sign again.",
                    "The %(count)d signatures given become void: those delegations will have "
                    "to sign again.",
                    signed,
                )
                % {"count": signed}
            )
    elif step == "remove_signature":
        delegation = Delegation.objects.filter(code=given.get("delegation", "")).first()
        name = delegation.name if delegation else given.get("delegation", "")
        said.append(
            _(
                "The signature of %(delegation)s is taken off the published statement and its "
                "public page, and %(delegation)s cannot sign it again. The reason stays on the "
                "record."
            )
            % {"delegation": name}
        )
    return said
