"""Amendments: proposed against a paragraph in consultation, accepted (which makes a new
revision) or rejected by the pen-holders."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from audit.actions import record
from delegations.actions import acting_delegation, delegation_of
from delegations.models import User
from drafts import audience, notices, policy
from drafts.actions.common import lock, statement_link, wordings, written
from drafts.actions.revisions import new_revision, rebase_amendments, tell_of_revision
from drafts.amending import applied, carry_over
from drafts.errors import (
    AmendmentCollides,
    AmendmentDecided,
    AmendmentsClosed,
    InvalidAmendment,
    StaleEdit,
)
from drafts.live import announce
from drafts.models import (
    JUSTIFICATION_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Amendment,
    Paragraph,
    Revision,
    RevisionParagraph,
    Statement,
    outdated_sentence,
)
from drafts.text import canonical_text
from notifications.actions import notify
from notifications.wording import DetailCode, detail

State = Statement.State


# What an amendment proposes, in a few words ("Replace ¶ 4, by Kenya"), as its notification's line.
PROPOSES: dict[str, DetailCode] = {
    Amendment.Kind.REPLACE: DetailCode.REPLACEMENT_PROPOSED,
    Amendment.Kind.INSERT_AFTER: DetailCode.INSERTION_PROPOSED,
    Amendment.Kind.DELETE: DetailCode.DELETION_PROPOSED,
}


def _proposed_wording(kind: str, text: str, read: RevisionParagraph) -> str:
    if kind not in Amendment.Kind.values:
        raise InvalidAmendment(
            _("Choose whether to replace the paragraph, insert one after it, or delete it."),
            field="kind",
        )
    if kind == Amendment.Kind.DELETE:
        return ""  # whatever the text box held: a deletion proposes no wording
    wording = canonical_text(text).removesuffix("\n")
    if not wording:
        raise InvalidAmendment(_("Write the wording you propose."), field="text")
    if wording == read.text:
        raise InvalidAmendment(
            "That is the paragraph's own wording: write the wording you propose instead."
            if kind == Amendment.Kind.REPLACE
            else "That is the paragraph's own wording: write the new paragraph to insert after it.",
            field="text",
        )
    return wording


@transaction.atomic
def propose_amendment(
    actor: User,
    statement: Statement,
    *,
    paragraph: Paragraph,
    kind: str,
    text: str,
    justification: str,
    read: Revision | None = None,
) -> Amendment:
    """Propose, for the person's delegation, to replace ``paragraph`` with ``text``, insert
    ``text`` after it, or delete it, as worded in ``read`` (the current revision if not given).

    If the paragraph changed since ``read``, the proposal is carried onto its current wording
    the way open amendments are rebased. Raises ``PermissionDenied`` (not a member delegation's
    delegate or signatory), ``AmendmentsClosed`` outside consultation, ``ParagraphGone``,
    ``AmendmentCollides`` when the paragraph changed since where the amendment changes it, and
    ``InvalidAmendment`` for a missing or unusable wording or justification.
    """
    locked = lock(statement)
    require_proposing(actor, locked)
    read_row, current_row = wordings(locked, paragraph, read, InvalidAmendment)
    wording = _proposed_wording(kind, text, read_row)
    justification = written(
        justification, "justification", JUSTIFICATION_MAX_LENGTH, InvalidAmendment,
        field="justification",
    )  # fmt: skip
    current = current_row.revision
    carried, why = carry_over(kind, read_row.text, wording, current_row.text)
    if why:
        raise AmendmentCollides(
            _(
                "¶ %(position)s was changed after revision %(revision)s, which you read: "
                "%(reason)s Nothing was saved: read the paragraph as it stands now, and propose "
                "your change to it."
            )
            % {
                "position": current_row.position,
                "revision": read_row.revision.number,
                "reason": outdated_sentence(why, current.number),
            }
        )
    applied(kind, current_row.position - 1, carried, current.text)
    proposer = acting_delegation(actor)  # the policy allowed a member's delegate or signatory
    amendment = Amendment.objects.create(
        statement=locked,
        paragraph=paragraph,
        kind=kind,
        text=carried,
        justification=justification,
        delegation=proposer,
        author=actor,
        proposed_against=read_row.revision,
        base_revision=current,
        base_text=current_row.text,
    )
    record(
        actor,
        "drafts.propose_amendment",
        locked,
        after={
            "amendment": amendment.pk,
            "kind": kind,
            "paragraph": paragraph.key,
            "revision": current.number,
        },
        delegation=delegation_of(actor),
    )
    notify(
        notices.AMENDMENT_PROPOSED,
        actor=actor,
        subject=locked,
        recipients=audience.people(audience.pen_holders(locked)),
        link=statement_link(locked, f"a-{amendment.pk}"),
        detail=detail(PROPOSES[kind], position=current_row.position, delegation=proposer.name),
    )
    announce(locked, change="amendment_proposed", actor=actor)
    return amendment


def require_proposing(
    actor: User, statement: Statement, checker: ObjectPermissionChecker | None = None
) -> None:
    """Raise what ``propose_amendment`` raises when the person may not propose (now):
    ``PermissionDenied``, or ``AmendmentsClosed`` outside consultation
    (``drafts.policy.may_propose``)."""
    policy.may_propose(actor, statement, checker).enforce(AmendmentsClosed)


def require_deciding(
    actor: User, statement: Statement, checker: ObjectPermissionChecker | None = None
) -> None:
    """Raise what ``accept_amendment`` and ``reject_amendment`` raise when the person may not
    decide (now): ``PermissionDenied``, or ``AmendmentsClosed`` outside consultation
    (``drafts.policy.may_decide``)."""
    policy.may_decide(actor, statement, checker).enforce(AmendmentsClosed)


def _still_open(amendment: Amendment) -> Amendment:
    fresh = (
        Amendment.objects.select_for_update(of=("self",))
        .select_related("paragraph", "delegation")
        .get(pk=amendment.pk)
    )
    if not fresh.is_open:
        raise AmendmentDecided(
            _("This amendment is %(status)s already; nothing was changed.")
            % {"status": fresh.get_status_display().lower()}
        )
    return fresh


@transaction.atomic
def accept_amendment(actor: User, amendment: Amendment) -> Revision:
    """Apply the amendment to the current text as the next revision, credited to the proposing
    delegation, and rebase (or mark outdated) the other open amendments it affects.

    Raises ``PermissionDenied`` (not a pen-holder), ``AmendmentsClosed`` outside consultation,
    ``AmendmentDecided`` if it is no longer open, and ``StaleEdit`` if it cannot be applied to
    the text as it stands.
    """
    locked = lock(amendment.statement)
    require_deciding(actor, locked)
    fresh = _still_open(amendment)
    current = locked.current_revision
    assert current is not None, "every statement has a revision"
    row = current.paragraphs.filter(paragraph_id=fresh.paragraph_id).first()
    if row is None or row.text != fresh.base_text:
        # Every revision rebases the open amendments, so their base is the current wording.
        raise StaleEdit(_("The paragraph changed since this amendment was made: reload the page."))
    try:
        text, continues = applied(fresh.kind, row.position - 1, fresh.text, current.text)
    except InvalidAmendment as invalid:
        raise StaleEdit(
            _("This amendment cannot be applied: %(message)s") % {"message": invalid.message}
        ) from invalid
    revision, rows = new_revision(
        actor, locked, text, parent=current, amendment=fresh, continues=continues
    )
    fresh.status = Amendment.Status.ACCEPTED
    fresh.decided_by = actor
    fresh.decided_at = timezone.now()
    fresh.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    locked.current_revision = revision
    locked.save(update_fields=["current_revision", "updated_at"])
    others = rebase_amendments(locked, revision, rows)
    record(
        actor,
        "drafts.accept_amendment",
        locked,
        before={"revision": current.number, "hash": current.content_hash},
        after={
            "revision": revision.number,
            "hash": revision.content_hash,
            "amendment": fresh.pk,
            "kind": fresh.kind,
            "paragraph": fresh.paragraph.key,
            "proposed_by": fresh.delegation.name,
            **others,
        },
        delegation=delegation_of(actor),
    )
    notify(
        notices.AMENDMENT_ACCEPTED,
        actor=actor,
        subject=locked,
        recipients=audience.people(audience.delegation(fresh.delegation_id)),
        link=statement_link(locked, fresh.paragraph.key),
        detail=detail(
            DetailCode.AMENDMENT_IN_REVISION, position=row.position, number=revision.number
        ),
    )
    tell_of_revision(
        actor,
        locked,
        revision,
        previous=current,
        change="amendment_accepted",
        line=detail(
            DetailCode.REVISION_BY_AMENDMENT,
            number=revision.number,
            delegation=fresh.delegation.name,
        ),
    )
    statement = amendment.statement
    statement.current_revision = revision
    return revision


@transaction.atomic
def reject_amendment(actor: User, amendment: Amendment, *, reason: str) -> Amendment:
    """Reject the amendment, with the reason its delegation is told.

    Raises as ``accept_amendment`` does, and ``InvalidAmendment`` without a reason.
    """
    locked = lock(amendment.statement)
    require_deciding(actor, locked)
    reason = written(reason, "reason", REASON_MAX_LENGTH, InvalidAmendment, field="reason")
    fresh = _still_open(amendment)
    fresh.status = Amendment.Status.REJECTED
    fresh.rejection_reason = reason
    fresh.decided_by = actor
    fresh.decided_at = timezone.now()
    fresh.save(
        update_fields=["status", "rejection_reason", "decided_by", "decided_at", "updated_at"]
    )
    record(
        actor,
        "drafts.reject_amendment",
        locked,
        after={
            "amendment": fresh.pk,
            "paragraph": fresh.paragraph.key,
            "proposed_by": fresh.delegation.name,
            "reason": reason,
        },
        delegation=delegation_of(actor),
    )
    notify(
        notices.AMENDMENT_REJECTED,
        actor=actor,
        subject=locked,
        recipients=audience.people(audience.delegation(fresh.delegation_id)),
        link=statement_link(locked, f"a-{fresh.pk}"),
        detail=detail(DetailCode.REASON, reason=reason),
    )
    announce(locked, change="amendment_rejected", actor=actor)
    return fresh
