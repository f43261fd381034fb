"""Every action that moves a statement through its life, or answers its sign-on.

The steps of the life run through one runner (``_run``): lock the statement's row, ask the
policy (``workflow.policy``: 404, 403 or 409 with a message a person can act on), move it
(the step's own checks, what it does besides, its django-fsm transition), save, re-grant the
object permissions the new state calls for and append the audit entry — all in one
transaction, so a refusal changes nothing — then, on commit, announce it to the open pages and
tell the people concerned. A step states only what is its own (``Moved``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit.actions import record
from core.errors import Conflict
from core.policy import Decision
from delegations import two_factor
from delegations.actions import acting_delegation, delegation_of
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
    actor: User,
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
    actor: User,
    statement: Statement,
    recipients: list[User],
    line: Detail | None = None,
) -> None:
    notify(
        event,
        actor=actor,
        subject=statement,
        recipients=recipients,
        link=statement.get_absolute_url(),
        detail=line,
    )


@transaction.atomic
def create_statement(
    actor: User,
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
        holders.add(acting_delegation(actor))
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


@dataclass
class Moved:
    """What a step did to the statement, for the runner to save, record and tell: the fields
    it changed, the note on the record, and who is told what."""

    fields: list[str]
    told: Kind
    audience: list[Q]
    line: Detail | None = None
    note: str = ""


def _run(
    step: str,
    actor: User,
    statement: Statement,
    decision: Callable[[Statement], Decision],
    move: Callable[[Statement], Moved],
) -> Statement:
    """Every step of the statement's life, the same way: lock the statement, ask the policy,
    ``move`` it (the step's own checks, what it does besides, and its django-fsm transition),
    save, re-grant and record it; on commit, announce it to the pages open on it and tell the
    people concerned. Inside the caller's transaction."""
    statement = _lock(statement)
    decision(statement).enforce()
    before = {"state": statement.state}
    moved = move(statement)
    _save_transition(actor, statement, step, before, moved.fields, note=moved.note)
    announce(statement, change=step, actor=actor, state_changed=True)
    _tell(moved.told, actor, statement, audience.people(*moved.audience), moved.line)
    return statement


def _may(step: str, actor: User) -> Callable[[Statement], Decision]:
    return lambda statement: policy.may_take(step, actor, statement)


@transaction.atomic
def open_consultation(
    actor: User, statement: Statement, *, deadline: datetime | None, advisers_invited: bool = False
) -> Statement:
    """Open the draft to every member delegation (and the advisory network if invited)."""

    def move(statement: Statement) -> Moved:
        _require_future(deadline, "consultation")
        statement.open_consultation(deadline=deadline, advisers_invited=advisers_invited)
        return Moved(
            ["consultation_deadline", "advisers_invited"],
            notices.CONSULTATION_OPENED,
            [audience.members(), audience.chairs(statement), audience.advisers(statement)],
            detail(DetailCode.CLOSES, deadline=deadline) if deadline else None,
        )

    return _run("open_consultation", actor, statement, _may("open_consultation", actor), move)


@transaction.atomic
def open_sign_on(actor: User, statement: Statement, *, deadline: datetime) -> Statement:
    """Freeze the current text into the signed instrument and invite every member delegation
    to sign it."""

    def move(statement: Statement) -> Moved:
        _require_future(deadline, "sign-on")
        instrument = Instrument.freeze(statement)
        statement.open_sign_on(deadline=deadline, instrument=instrument)
        frozen = instrument.revision
        return Moved(
            ["sign_on_deadline", "instrument_id"],
            notices.SIGN_ON_OPENED,
            [audience.members(), audience.chairs(statement)],
            detail(DetailCode.CLOSES, deadline=deadline),
            note=f"Revision {frozen.number} frozen, hash {frozen.content_hash}",
        )

    return _run("open_sign_on", actor, statement, _may("open_sign_on", actor), move)


def _void_signatures(statement: Statement) -> list[int]:
    """Make every live signature void; returns who had given them, to tell them."""
    live = Signature.objects.filter(statement=statement).exclude(status=Signature.Status.VOID)
    given_by = list(live.values_list("given_by_id", flat=True))
    live.update(status=Signature.Status.VOID, changed_at=timezone.now())
    return given_by


@transaction.atomic
def return_to_drafting(actor: User, statement: Statement) -> Statement:
    """Send the statement back to its pen-holders; any signatures become void (kept on record)."""

    def move(statement: Statement) -> Moved:
        statement.return_to_drafting()
        voided = _void_signatures(statement)
        return Moved(
            ["instrument_id", "sign_on_deadline", "consultation_deadline"],
            notices.RETURNED_TO_DRAFTING,
            [audience.pen_holders(statement), audience.chairs(statement), Q(pk__in=voided)],
            detail(DetailCode.SIGNATURES_VOID, count=len(voided)) if voided else None,
            note=f"{len(voided)} signature(s) made void" if voided else "",
        )

    return _run("return_to_drafting", actor, statement, _may("return_to_drafting", actor), move)


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
def publish(actor: User, statement: Statement) -> Statement:
    """Publish the signed text with its signatories. Needs the statement's minimum signatures."""

    def move(statement: Statement) -> Moved:
        signed = policy.signed_count(statement)
        # Signatures of delegations that left while sign-on was open stay on the record,
        # void: the statement is published in its members' names (policy.counts).
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
        now = timezone.now()
        statement.publish(at=now, slug=public_slug(statement.title, now))
        return Moved(
            ["published_at", "slug", "words_hash"],
            notices.PUBLISHED,
            [audience.members(), audience.chairs(statement)],
            detail(DetailCode.SIGNATORIES, count=signed),
            note=f"{signed} signatories",
        )

    return _run("publish", actor, statement, lambda s: policy.may_publish(actor, s), move)


@transaction.atomic
def withdraw(actor: User, statement: Statement, *, reason: str) -> Statement:
    """Abandon the statement, keeping it and the reason on the record."""

    def move(statement: Statement) -> Moved:
        if not reason.strip():
            raise Conflict(_("Give the reason for withdrawing the statement."))
        told = [audience.pen_holders(statement), audience.chairs(statement)]
        if statement.state != State.DRAFT:
            told.append(audience.members())
        statement.withdraw(reason=reason.strip())
        voided = _void_signatures(statement)
        return Moved(
            ["withdrawal_reason"],
            notices.WITHDRAWN,
            told,
            detail(DetailCode.REASON, reason=statement.withdrawal_reason),
            note=f"{len(voided)} signature(s) made void" if voided else "",
        )

    return _run("withdraw", actor, statement, _may("withdraw", actor), move)


# --- sign-on ---------------------------------------------------------------------------------


def _current_response(statement: Statement, delegation: Delegation | None) -> Signature | None:
    """The delegation's answer to this sign-on, locked; None for someone of no delegation."""
    if delegation is None:
        return None
    return (
        Signature.objects.select_for_update()
        .filter(statement=statement, delegation=delegation)
        .exclude(status=Signature.Status.VOID)
        .first()
    )


def _first_response(actor: User, statement: Statement, status: str, now: datetime) -> Signature:
    """Create the delegation's first answer; a concurrent first answer makes this a Conflict."""
    instrument = statement.instrument
    assert instrument is not None, "a statement in sign-on always has an instrument"
    try:
        with transaction.atomic():
            return Signature.objects.create(
                statement=statement,
                delegation=acting_delegation(actor),
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
            % {"delegation": acting_delegation(actor).name}
        ) from clash


RESPONSE_EVENTS = {
    "sign_on": notices.SIGNATURE_GIVEN,
    "decline": notices.SIGNATURE_DECLINED,
    "withdraw_signature": notices.SIGNATURE_WITHDRAWN,
}


def _record_response(
    actor: User,
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
def sign_on(actor: User, statement: Statement, *, proof: two_factor.Proof) -> Signature:
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
def decline(actor: User, statement: Statement) -> Signature:
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
def withdraw_signature(actor: User, statement: Statement) -> Signature:
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


def _set_late_signatures(actor: User, statement: Statement, *, accepts: bool) -> Statement:
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
def open_late_signatures(actor: User, statement: Statement) -> Statement:
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
def close_late_signatures(actor: User, statement: Statement) -> Statement:
    """Stop taking late signatures on the published statement (chairs of its body only)."""
    return _set_late_signatures(actor, statement, accepts=False)


@transaction.atomic
def remove_signature(
    actor: User, statement: Statement, delegation: Delegation, *, reason: str
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
