"""Every action that moves a statement through its life, or answers its sign-on.

Each one: lock the statement's row, check the predicate (``PermissionDenied`` → 403), check
the state and the guards (``Conflict`` → 409), run the django-fsm transition, save, append the
audit entry and re-grant the object permissions the new state calls for — all in one
transaction, so a refusal changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit.actions import record
from core.errors import Conflict
from delegations import two_factor
from delegations.actions import delegation_of
from delegations.models import Body, Delegation, User
from drafts import actions as drafts_actions
from drafts import audience
from drafts.models import Instrument, Statement
from notifications.actions import notify
from notifications.kinds import Kind
from notifications.wording import Detail, DetailCode, detail
from workflow import grants, notices, policy
from workflow.live import announce
from workflow.models import Signature
from workflow.policy import format_utc

State = Statement.State


def _lock(statement: Statement) -> Statement:
    return (
        Statement.objects.select_for_update(of=("self",))
        .select_related("body", "current_revision", "instrument__revision")
        .get(pk=statement.pk)
    )


def _save_transition(
    actor: Any,
    statement: Statement,
    action: str,
    before: dict[str, Any],
    fields: list[str],
    note: str = "",
) -> None:
    statement.save(update_fields=[*fields, "state", "updated_at"])
    changes = grants.regrant(statement)
    after: dict[str, Any] = {"state": statement.state}
    for field in fields:
        value = getattr(statement, field)
        after[field] = value.isoformat() if isinstance(value, datetime) else value
    record(
        actor,
        f"workflow.{action}",
        statement,
        before=before,
        after={**after, "grants": changes},
        delegation=delegation_of(actor),
        note=note,
    )


def _require_future(deadline: datetime | None, what: str) -> None:
    if deadline is not None and deadline <= timezone.now():
        raise Conflict(
            (
                _("The consultation deadline %(deadline)s has already passed.")
                if what == "consultation"
                else _("The sign-on deadline %(deadline)s has already passed.")
            )
            % {"deadline": format_utc(deadline)},
            code="deadline_passed",
        )


# --- who is told -----------------------------------------------------------------------------


def _tell(
    event: Kind,
    actor: Any,
    statement: Statement,
    recipients: list[User],
    line: Detail | None = None,
) -> None:
    notify(
        event,
        actor=actor,
        subject=statement,
        recipients=recipients,
        link=reverse("workflow:statement", args=[statement.pk]),
        detail=line,
    )


@transaction.atomic
def create_statement(
    actor: Any,
    *,
    title: str,
    kind: str,
    body: Body,
    pen_holders: Iterable[Delegation],
    text: str,
    min_signatures: int = 1,
) -> Statement:
    """Start a statement in draft, held by ``pen_holders`` and always the actor's own delegation."""
    policy.may_create(actor).enforce()
    holders = set(pen_holders)
    if actor.delegation_id is not None:
        holders.add(actor.delegation)
    if not holders:
        raise Conflict(_("Name at least one pen-holding delegation."))
    statement = drafts_actions.start_statement(
        actor,
        title=title,
        kind=kind,
        body=body,
        pen_holders=holders,
        text=text,
        min_signatures=min_signatures,
    )
    record(
        actor,
        "workflow.grant",
        statement,
        after={"grants": grants.regrant(statement)},
        delegation=delegation_of(actor),
    )
    return statement


@transaction.atomic
def open_consultation(
    actor: Any, statement: Statement, *, deadline: datetime | None, advisers_invited: bool = False
) -> Statement:
    """Open the draft to every member delegation (and the advisory network if invited)."""
    statement = _lock(statement)
    policy.may_take("open_consultation", actor, statement).enforce()
    _require_future(deadline, "consultation")
    before = {"state": statement.state}
    statement.open_consultation(deadline=deadline, advisers_invited=advisers_invited)
    _save_transition(
        actor,
        statement,
        "open_consultation",
        before,
        ["consultation_deadline", "advisers_invited"],
    )
    announce(statement, change="open_consultation", actor=actor, state_changed=True)
    _tell(
        notices.CONSULTATION_OPENED,
        actor,
        statement,
        audience.people(
            audience.members(), audience.chairs(statement), audience.advisers(statement)
        ),
        detail(DetailCode.CLOSES, deadline=deadline) if deadline else None,
    )
    return statement


@transaction.atomic
def open_sign_on(actor: Any, statement: Statement, *, deadline: datetime) -> Statement:
    """Freeze the current revision and invite every member delegation to sign it."""
    statement = _lock(statement)
    policy.may_take("open_sign_on", actor, statement).enforce()
    _require_future(deadline, "sign-on")
    before = {"state": statement.state}
    instrument = Instrument.freeze(statement)
    statement.open_sign_on(deadline=deadline, instrument=instrument)
    frozen = instrument.revision
    _save_transition(
        actor,
        statement,
        "open_sign_on",
        before,
        ["sign_on_deadline", "instrument_id"],
        note=f"Revision {frozen.number} frozen, hash {frozen.content_hash}",
    )
    announce(statement, change="open_sign_on", actor=actor, state_changed=True)
    _tell(
        notices.SIGN_ON_OPENED,
        actor,
        statement,
        audience.people(audience.members(), audience.chairs(statement)),
        detail(DetailCode.CLOSES, deadline=deadline),
    )
    return statement


def _void_signatures(statement: Statement) -> list[int]:
    """Make every live signature void; returns who had given them, to tell them."""
    live = Signature.objects.filter(statement=statement).exclude(status=Signature.Status.VOID)
    given_by = list(live.values_list("given_by_id", flat=True))
    live.update(status=Signature.Status.VOID, changed_at=timezone.now())
    return given_by


@transaction.atomic
def return_to_drafting(actor: Any, statement: Statement) -> Statement:
    """Send the statement back to its pen-holders; any signatures become void (kept on record)."""
    statement = _lock(statement)
    policy.may_take("return_to_drafting", actor, statement).enforce()
    before = {"state": statement.state}
    statement.return_to_drafting()
    voided = _void_signatures(statement)
    _save_transition(
        actor,
        statement,
        "return_to_drafting",
        before,
        ["instrument_id", "sign_on_deadline", "consultation_deadline"],
        note=f"{len(voided)} signature(s) made void" if voided else "",
    )
    announce(statement, change="return_to_drafting", actor=actor, state_changed=True)
    _tell(
        notices.RETURNED_TO_DRAFTING,
        actor,
        statement,
        audience.people(
            audience.pen_holders(statement), audience.chairs(statement), Q(pk__in=voided)
        ),
        detail(DetailCode.SIGNATURES_VOID, count=len(voided)) if voided else None,
    )
    return statement


def public_slug(title: str, published_at: datetime) -> str:
    """A readable, permanent address: the publication date (UTC) and the title, made unique."""
    words = slugify(title)[:100].rstrip("-") or "statement"
    base = f"{published_at.astimezone(UTC):%Y-%m-%d}-{words}"
    taken = set(Statement.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def publish(actor: Any, statement: Statement) -> Statement:
    """Publish the signed text with its signatories. Needs the statement's minimum signatures."""
    statement = _lock(statement)
    policy.may_publish(actor, statement).enforce()
    signed = policy.signed_count(statement)
    # Signatures of delegations that left while sign-on was open stay on the record, void:
    # the statement is published in its members' names (policy.counts).
    lapsed = Signature.objects.filter(
        statement=statement, status=Signature.Status.SIGNED, delegation__is_member=False
    )
    left = list(lapsed.values_list("delegation__code", flat=True))
    if left:
        lapsed.update(status=Signature.Status.VOID, changed_at=timezone.now())
        record(
            actor,
            "workflow.void_signatures_of_former_members",
            statement,
            after={"delegations": left},
            delegation=delegation_of(actor),
        )
    before = {"state": statement.state}
    now = timezone.now()
    statement.publish(at=now, slug=public_slug(statement.title, now))
    _save_transition(
        actor,
        statement,
        "publish",
        before,
        ["published_at", "slug", "words_hash"],
        note=f"{signed} signatories",
    )
    announce(statement, change="publish", actor=actor, state_changed=True)
    _tell(
        notices.PUBLISHED,
        actor,
        statement,
        audience.people(audience.members(), audience.chairs(statement)),
        detail(DetailCode.SIGNATORIES, count=signed),
    )
    return statement


@transaction.atomic
def withdraw(actor: Any, statement: Statement, *, reason: str) -> Statement:
    """Abandon the statement, keeping it and the reason on the record."""
    statement = _lock(statement)
    policy.may_take("withdraw", actor, statement).enforce()
    if not reason.strip():
        raise Conflict(_("Give the reason for withdrawing the statement."))
    before = {"state": statement.state}
    had_left_drafting = statement.state != State.DRAFT
    statement.withdraw(reason=reason.strip())
    voided = _void_signatures(statement)
    _save_transition(
        actor,
        statement,
        "withdraw",
        before,
        ["withdrawal_reason"],
        note=f"{len(voided)} signature(s) made void" if voided else "",
    )
    told = [audience.pen_holders(statement), audience.chairs(statement)]
    if had_left_drafting:
        told.append(audience.members())
    announce(statement, change="withdraw", actor=actor, state_changed=True)
    _tell(
        notices.WITHDRAWN,
        actor,
        statement,
        audience.people(*told),
        detail(DetailCode.REASON, reason=statement.withdrawal_reason),
    )
    return statement


# --- sign-on ---------------------------------------------------------------------------------


def _current_response(statement: Statement, delegation: Delegation) -> Signature | None:
    return (
        Signature.objects.select_for_update()
        .filter(statement=statement, delegation=delegation)
        .exclude(status=Signature.Status.VOID)
        .first()
    )


def _first_response(actor: Any, statement: Statement, status: str, now: datetime) -> Signature:
    """Create the delegation's first answer; a concurrent first answer makes this a Conflict."""
    instrument = statement.instrument
    assert instrument is not None, "a statement in sign-on always has an instrument"
    try:
        with transaction.atomic():
            return Signature.objects.create(
                statement=statement,
                delegation=actor.delegation,
                instrument=instrument,
                content_hash=instrument.revision.content_hash,
                status=status,
                given_by=actor,
                given_at=now,
                changed_at=now,
            )
    except IntegrityError as clash:
        raise Conflict(
            _("%(delegation)s has already answered this sign-on; reload the page.")
            % {"delegation": actor.delegation.name}
        ) from clash


RESPONSE_EVENTS = {
    "sign_on": notices.SIGNATURE_GIVEN,
    "decline": notices.SIGNATURE_DECLINED,
    "withdraw_signature": notices.SIGNATURE_WITHDRAWN,
}


def _record_response(
    actor: Any,
    statement: Statement,
    action: str,
    before: str | None,
    signature: Signature,
    *,
    late: bool = False,
) -> None:
    """Audit the answer, tell the chairs, the pen-holders and the delegation, update pages.

    A late signature, on a published statement, is told to the chairs, the coordinators and
    the delegation: the pen-holders' work ended at publication.
    """
    announce(statement, change=action, actor=actor, state_changed=False)
    signed = policy.signed_count(statement)
    also = audience.coordinators() if late else audience.pen_holders(statement)
    _tell(
        RESPONSE_EVENTS[action],
        actor,
        statement,
        audience.people(audience.chairs(statement), also, Q(delegation=signature.delegation_id)),
        detail(DetailCode.LATE_SIGNATURE if late else DetailCode.SIGNED_SO_FAR, count=signed),
    )
    after: dict[str, Any] = {
        "delegation": signature.delegation.code,
        "status": signature.status,
        "revision": signature.instrument.revision.number,
        "hash": signature.content_hash,
        "instrument": signature.instrument.content_hash,
    }
    if late:
        after["late"] = True
    record(
        actor,
        f"workflow.{action}",
        statement,
        before={"delegation": signature.delegation.code, "status": before},
        after=after,
        delegation=signature.delegation.name,
        note="After publication" if late else "",
    )


@transaction.atomic
def sign_on(actor: Any, statement: Statement, *, proof: two_factor.Proof) -> Signature:
    """Sign the frozen revision for the actor's delegation.

    A signature commits a state: ``proof`` shows the actor proved their second factor
    recently enough (``delegations.two_factor.accept``; ``SecondFactorRefused``, 403, if not),
    whichever way the signature arrives.

    In sign-on, or after publication while the statement takes late signatures: the same
    revision and hash either way, and a signature given after publication is a late one.
    Raises ``Conflict`` if the delegation has already signed, if a coordinator removed its
    signature from the published statement (it cannot sign that statement again), or if
    sign-on is closed.
    """
    statement = _lock(statement)
    existing = _current_response(statement, actor.delegation)
    previous = existing.status if existing else None
    policy.may_answer("sign_on", actor, statement, previous).enforce()
    two_factor.accept(actor, proof)
    late = policy.is_late(statement)
    instrument = statement.instrument
    assert instrument is not None, "a statement in sign-on always has an instrument"
    now = timezone.now()
    if existing is None:
        signature = _first_response(actor, statement, Signature.Status.SIGNED, now)
    else:
        signature = existing
        signature.status = Signature.Status.SIGNED
        signature.instrument = instrument
        signature.content_hash = instrument.revision.content_hash
        signature.given_by = actor
        signature.given_at = now
        signature.changed_at = now
        signature.save(
            update_fields=[
                "status",
                "instrument",
                "content_hash",
                "given_by",
                "given_at",
                "changed_at",
            ]
        )
    _record_response(actor, statement, "sign_on", previous, signature, late=late)
    return signature


@transaction.atomic
def decline(actor: Any, statement: Statement) -> Signature:
    """Record that the actor's delegation will not sign this statement."""
    statement = _lock(statement)
    existing = _current_response(statement, actor.delegation)
    previous = existing.status if existing else None
    policy.may_answer("decline", actor, statement, previous).enforce()
    now = timezone.now()
    if existing is None:
        signature = _first_response(actor, statement, Signature.Status.DECLINED, now)
    else:
        signature = existing
        signature.status = Signature.Status.DECLINED
        signature.given_by = actor
        signature.changed_at = now
        signature.save(update_fields=["status", "given_by", "changed_at"])
    _record_response(actor, statement, "decline", previous, signature)
    return signature


@transaction.atomic
def withdraw_signature(actor: Any, statement: Statement) -> Signature:
    """Take back the actor's delegation's signature before the sign-on deadline."""
    statement = _lock(statement)
    existing = _current_response(statement, actor.delegation)
    policy.may_answer(
        "withdraw_signature", actor, statement, existing.status if existing else None
    ).enforce()
    assert existing is not None, "only a signature can be withdrawn"
    existing.status = Signature.Status.WITHDRAWN
    existing.given_by = actor
    existing.changed_at = timezone.now()
    existing.save(update_fields=["status", "given_by", "changed_at"])
    _record_response(actor, statement, "withdraw_signature", Signature.Status.SIGNED, existing)
    return existing


# --- after publication -----------------------------------------------------------------------


def _set_late_signatures(actor: Any, statement: Statement, *, accepts: bool) -> Statement:
    statement = _lock(statement)
    policy.may_set_late_signatures(actor, statement, accepts=accepts).enforce()
    action = "open_late_signatures" if accepts else "close_late_signatures"
    statement.accepts_late_signatures = accepts
    statement.save(update_fields=["accepts_late_signatures", "updated_at"])
    record(
        actor,
        f"workflow.{action}",
        statement,
        before={"accepts_late_signatures": not accepts},
        after={"accepts_late_signatures": accepts},
        delegation=delegation_of(actor),
    )
    announce(statement, change=action, actor=actor, state_changed=False)
    return statement


@transaction.atomic
def open_late_signatures(actor: Any, statement: Statement) -> Statement:
    """Let member delegations that cleared the published text late sign it; the text stays.

    Chairs of the statement's body only (``PermissionDenied``); a published statement not
    already open to them (``Conflict``). The signatories of member delegations that have not
    signed are told.
    """
    statement = _set_late_signatures(actor, statement, accepts=True)
    answered = set(
        Signature.objects.filter(
            statement=statement, status__in=[Signature.Status.SIGNED, Signature.Status.REMOVED]
        ).values_list("delegation_id", flat=True)
    )
    signatories = audience.people(audience.signatories_of_members())
    _tell(
        notices.SIGN_ON_OPENED,
        actor,
        statement,
        [person for person in signatories if person.delegation_id not in answered],
        detail(DetailCode.OPEN_TO_LATE_SIGNATURES),
    )
    return statement


@transaction.atomic
def close_late_signatures(actor: Any, statement: Statement) -> Statement:
    """Stop taking late signatures on the published statement (chairs of its body only)."""
    return _set_late_signatures(actor, statement, accepts=False)


@transaction.atomic
def remove_signature(
    actor: Any, statement: Statement, delegation: Delegation, *, reason: str
) -> Signature:
    """Take a delegation's signature off a published statement, with the reason on the record.

    The row stays (status ``removed``, with the reason and who removed it); the public page
    and the count no longer show it, and the delegation cannot sign the statement again.
    Raises ``PermissionDenied`` for anyone but a coordinator, ``Conflict`` if the statement is
    not published, no reason is given, or the delegation has no signature on it.
    """
    statement = _lock(statement)
    policy.may_remove_signatures(actor, statement).enforce()
    reason = reason.strip()
    if not reason:
        raise Conflict(_("Give the reason for removing the signature."), code="reason_required")
    signature = _current_response(statement, delegation)
    if signature is None or signature.status != Signature.Status.SIGNED:
        raise Conflict(
            _("%(delegation)s has not signed this statement: there is no signature to remove.")
            % {"delegation": delegation.name},
            code="not_signed",
        )
    signature.status = Signature.Status.REMOVED
    signature.removal_reason = reason
    signature.removed_by = actor
    signature.changed_at = timezone.now()
    signature.save(update_fields=["status", "removal_reason", "removed_by", "changed_at"])
    record(
        actor,
        "workflow.remove_signature",
        statement,
        before={"delegation": delegation.code, "status": Signature.Status.SIGNED},
        after={"delegation": delegation.code, "status": signature.status, "reason": reason},
        delegation=delegation_of(actor),
        note=f"{delegation.name}: {reason}",
    )
    announce(statement, change="remove_signature", actor=actor, state_changed=False)
    _tell(
        notices.SIGNATURE_REMOVED,
        actor,
        statement,
        audience.people(
            Q(delegation=delegation, role=User.Role.SIGNATORY), audience.chairs(statement)
        ),
        detail(DetailCode.SIGNATURE_REMOVED, delegation=delegation.name, reason=reason),
    )
    return signature
