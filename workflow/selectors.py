"""Every read the workflow pages need, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django_fsm import can_proceed
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import get_objects_for_user

from audit.models import AuditEntry
from audit.selectors import entries_for
from drafts.models import Statement
from drafts.permissions import can_view, checker_for
from drafts.selectors import statements_with_details
from workflow import permissions
from workflow.models import Signature

State = Statement.State
LIVE = ~Q(status=Signature.Status.VOID)


def _with_signature_count(statements: QuerySet[Statement]) -> QuerySet[Statement]:
    return statements.annotate(
        signed_count=Count("signatures", filter=Q(signatures__status=Signature.Status.SIGNED))
    )


def statements_visible_to(user: Any) -> QuerySet[Statement]:
    """The statements ``user`` may open (published ones aside), with their details prefetched.

    Coordinators see every statement; people of a delegation that left the coalition, none;
    everyone else what guardian grants them ``view_statement`` on, through their
    delegation's or body's groups.
    """
    statements = statements_with_details()
    if not user.is_authenticated or not user.is_active:
        return statements.none()
    if user.is_coordinator:
        return statements
    if user.delegation_id is not None and not user.delegation.is_member:
        return statements.none()
    return get_objects_for_user(
        user,
        "drafts.view_statement",
        klass=statements,
        use_groups=True,
        accept_global_perms=False,
        with_superuser=False,
    )


def statement_for(user: Any, pk: int, checker: ObjectPermissionChecker | None = None) -> Statement:
    """The statement ``pk`` if ``user`` may see it; else ``Http404``, as if it did not exist.

    Pass the request's ``checker`` to share guardian's permission cache with later predicates.
    """
    statement = statements_with_details().filter(pk=pk).first()
    if statement is None or not can_view(user, statement, checker):
        raise Http404("No such statement.")
    return statement


@dataclass
class Dashboard:
    """What needs a person's attention, section by section."""

    pen: list[Statement] = field(default_factory=list)
    consultations: list[Statement] = field(default_factory=list)
    awaiting_signature: list[Statement] = field(default_factory=list)
    chaired: list[Statement] = field(default_factory=list)
    ready_to_publish: list[Statement] = field(default_factory=list)
    in_progress: list[Statement] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(
            [
                self.pen,
                self.consultations,
                self.awaiting_signature,
                self.chaired,
                self.ready_to_publish,
                self.in_progress,
            ]
        )


def dashboard_for(user: Any) -> Dashboard:
    """Drafts the person's delegation holds the pen on, consultations open to them, sign-ons
    awaiting their delegation, statements of bodies they chair, and for coordinators what is
    ready to publish. One query per section, whatever the number of statements."""
    visible = _with_signature_count(statements_visible_to(user))
    dashboard = Dashboard()
    delegation_id = user.delegation_id
    if delegation_id is not None:
        dashboard.pen = list(
            visible.filter(
                pen_holders=delegation_id, state__in=[State.DRAFT, State.CONSULTATION]
            ).order_by("state", "-updated_at")
        )
        dashboard.consultations = list(
            visible.filter(state=State.CONSULTATION)
            .exclude(pen_holders=delegation_id)
            .order_by("consultation_deadline", "-updated_at")
        )
        answered = Signature.objects.filter(
            LIVE, statement=OuterRef("pk"), delegation_id=delegation_id
        )
        dashboard.awaiting_signature = list(
            visible.filter(state=State.SIGN_ON)
            .exclude(Exists(answered))
            .order_by("sign_on_deadline", "-updated_at")
        )
    chaired_bodies = user.chaired_bodies.all()
    dashboard.chaired = list(
        visible.filter(
            body__in=chaired_bodies,
            state__in=[State.DRAFT, State.CONSULTATION, State.SIGN_ON],
        ).order_by("state", "-updated_at")
    )
    if user.is_coordinator:
        quorate = Q(signed_count__gte=F("min_signatures"))  # annotated above
        dashboard.ready_to_publish = list(
            visible.filter(quorate, state=State.SIGN_ON).order_by("sign_on_deadline")
        )
        dashboard.in_progress = list(
            visible.filter(state__in=[State.DRAFT, State.CONSULTATION]).order_by("-updated_at")
        )
    return dashboard


def signatures_of(statement: Statement) -> list[Signature]:
    """The statement's live responses (signed, declined, withdrawn), in collation order."""
    return list(
        statement.signatures.filter(LIVE)
        .select_related("delegation", "given_by", "revision")
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
    return entries_for(statement).exclude(action__in=NOT_IN_HISTORY).select_related("actor")


def published_statements() -> QuerySet[Statement]:
    """Published statements, newest first, each with its signatories in collation order."""
    return (
        Statement.objects.filter(state=State.PUBLISHED)
        .select_related("body", "frozen_revision")
        .prefetch_related(
            Prefetch(
                "signatures",
                queryset=Signature.objects.filter(status=Signature.Status.SIGNED)
                .select_related("delegation")
                .order_by("delegation__sort_key"),
                to_attr="signed",
            )
        )
        .order_by("-published_at", "-id")
    )


def published_statement(slug: str) -> Statement:
    statement = published_statements().filter(slug=slug).first()
    if statement is None:
        raise Http404("No published statement here.")
    return statement


def available_actions(
    user: Any,
    statement: Statement,
    response: Signature | None,
    checker: ObjectPermissionChecker | None = None,
) -> set[str]:
    """The actions to offer ``user`` as buttons: the predicate allows them and so does the state.

    ``response`` is the user's delegation's live answer to the sign-on, if any.
    """
    checker = checker or checker_for(user)
    if checker is None:
        return set()
    offered: set[str] = set()
    steering = permissions.is_chair_of_body(user, statement, checker)
    if steering and can_proceed(statement.open_consultation):
        offered.add("open_consultation")
    if steering and can_proceed(statement.open_sign_on):
        offered.add("open_sign_on")
    if steering and can_proceed(statement.return_to_drafting):
        offered.add("return_to_drafting")
    if permissions.can_withdraw(user, statement, checker) and can_proceed(statement.withdraw):
        offered.add("withdraw")
    if permissions.can_publish(user, statement, checker) and can_proceed(statement.publish):
        offered.add("publish")
    if permissions.can_edit(user, statement, checker) and statement.is_open_for_editing:
        offered.add("edit")
    deadline_open = (
        statement.sign_on_deadline is None or statement.sign_on_deadline > timezone.now()
    )
    if (
        statement.state == State.SIGN_ON
        and deadline_open
        and permissions.can_respond_to_sign_on(user, statement, checker)
    ):
        status = response.status if response else None
        if status != Signature.Status.SIGNED:
            offered.add("sign_on")
        if status in (None, Signature.Status.WITHDRAWN):
            offered.add("decline")
        if status == Signature.Status.SIGNED:
            offered.add("withdraw_signature")
    return offered
