"""The statement's life, as one set of rules: who may move it, answer its sign-on or tend its
signatures, in which state, until which deadline, and why not.

One function per question, each returning a ``core.policy.Decision``. ``workflow.actions``
enforces them (403 for the person, 409 for the state or a deadline); ``offers`` asks the same
functions which buttons to show, for the pages and the API alike. A new step adds its row to
``STEPS``; a new answer to a sign-on, its row to ``ANSWERS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed
from guardian.core import ObjectPermissionChecker

from core.policy import ALLOWED, Decision, forbidden, wrong_state
from drafts.models import Statement
from drafts.permissions import can_edit
from workflow import permissions
from workflow.models import Signature

State = Statement.State
Status = Signature.Status
Checker = ObjectPermissionChecker | None


def format_utc(moment: datetime) -> str:
    """A moment as people read it in messages: "3 Dec 2026 17:00 UTC"."""
    utc = moment.astimezone(UTC)
    return f"{utc.day} {utc:%b %Y %H:%M} UTC"


def _state_label(statement: Statement) -> str:
    return statement.get_state_display().lower()


# --- the steps of the statement's life ------------------------------------------------------


def may_create(user: Any) -> Decision:
    """Start a statement: delegates and signatories of member delegations, chairs, coordinators."""
    if not permissions.can_create_statement(user):
        return forbidden(
            _(
                "Only delegates of member delegations, chairs and coordinators may start a "
                "statement."
            )
        )
    return ALLOWED


@dataclass(frozen=True)
class Step:
    """A transition: who may take it, and what to say when the state refuses it."""

    may: Callable[[Any, Statement, Checker], bool]
    who: Callable[[Statement], str]
    refused_by_state: Callable[[Statement], str]


def _chairs_only(what: str) -> Callable[[Statement], str]:
    messages = {
        "open_consultation": lambda s: (
            _("Only the chairs of %(body)s may open consultation.") % {"body": s.body}
        ),
        "open_sign_on": lambda s: (
            _("Only the chairs of %(body)s may open sign-on.") % {"body": s.body}
        ),
        "return_to_drafting": lambda s: (
            _("Only the chairs of %(body)s may return it to drafting.") % {"body": s.body}
        ),
    }
    return messages[what]


def _sign_on_refused(statement: Statement) -> str:
    if statement.state == State.DRAFT:
        return _(
            "A joint statement goes to consultation before sign-on; only a rapid response "
            "may go to sign-on straight from drafting."
        )
    return _(
        "Sign-on can only be opened from drafting or consultation; this statement is in "
        "%(state_label)s."
    ) % {"state_label": _state_label(statement)}


STEPS: dict[str, Step] = {
    "open_consultation": Step(
        permissions.can_open_consultation,
        _chairs_only("open_consultation"),
        lambda s: (
            _("Consultation can only be opened on a draft; this statement is in %(state_label)s.")
            % {"state_label": _state_label(s)}
        ),
    ),
    "open_sign_on": Step(
        permissions.can_open_sign_on, _chairs_only("open_sign_on"), _sign_on_refused
    ),
    "return_to_drafting": Step(
        permissions.can_return_to_drafting,
        _chairs_only("return_to_drafting"),
        lambda s: (
            _(
                "Only a statement in consultation or sign-on can return to drafting; this one is "
                "in %(state_label)s."
            )
            % {"state_label": _state_label(s)}
        ),
    ),
    "withdraw": Step(
        permissions.can_withdraw,
        lambda s: (
            _("Only the chairs of %(body)s and coordinators may withdraw a statement.")
            % {"body": s.body}
        ),
        lambda s: (
            _("This statement is %(state_label)s and cannot be withdrawn.")
            % {"state_label": _state_label(s)}
        ),
    ),
    "publish": Step(
        permissions.can_publish,
        lambda s: _("Only coordinators may publish."),
        lambda s: (
            _("Only a statement in sign-on can be published; this one is in %(state_label)s.")
            % {"state_label": _state_label(s)}
        ),
    ),
}


def may_take(step: str, user: Any, statement: Statement, checker: Checker = None) -> Decision:
    """Whether ``user`` may take ``step`` (a key of ``STEPS``) on ``statement`` now."""
    rule = STEPS[step]
    if not rule.may(user, statement, checker):
        return forbidden(rule.who(statement))
    if not can_proceed(getattr(statement, step)):
        return wrong_state(rule.refused_by_state(statement), "transition_not_allowed")
    return ALLOWED


def may_publish(user: Any, statement: Statement, checker: Checker = None) -> Decision:
    """The step, and the statement's minimum of signatures."""
    decision = may_take("publish", user, statement, checker)
    if not decision:
        return decision
    signed = signed_count(statement)
    if signed < statement.min_signatures:
        return wrong_state(
            _("Publishing needs at least %(min_signatures)s signature(s); %(signed)s so far.")
            % {"min_signatures": statement.min_signatures, "signed": signed},
            "quorum_not_met",
        )
    return ALLOWED


def counts(signature: Signature, statement: Statement) -> bool:
    """Whether a signature counts towards the minimum and will be published with the
    statement. Until publication, only that of a delegation still in the coalition: one that
    left keeps its signature on the record, but the coalition publishes in its members' names.
    Once published, a delegation leaving later changes nothing."""
    if signature.status != Status.SIGNED:
        return False
    return statement.state == State.PUBLISHED or signature.delegation.is_member


def signed_count(statement: Statement) -> int:
    """The signatures that count towards the statement's minimum and are published with it
    (``counts``)."""
    signed = Signature.objects.filter(statement=statement, status=Status.SIGNED)
    if statement.state != State.PUBLISHED:
        signed = signed.filter(delegation__is_member=True)
    return signed.count()


# --- answering the sign-on ------------------------------------------------------------------

# For each answer, the delegation's standing answers it may follow (None: no answer yet), and
# what to say to the others.
ANSWERS: dict[str, tuple[frozenset[str | None], dict[str | None, Callable[[str], str]]]] = {
    "sign_on": (
        frozenset({None, Status.DECLINED, Status.WITHDRAWN}),
        {
            Status.SIGNED: lambda d: _("%(delegation)s has already signed on.") % {"delegation": d},
            Status.REMOVED: lambda d: (
                _(
                    "A coordinator removed the signature of %(delegation)s from this statement; it "
                    "cannot sign it again."
                )
                % {"delegation": d}
            ),
        },
    ),
    "decline": (
        frozenset({None, Status.WITHDRAWN}),
        {
            Status.SIGNED: lambda d: (
                _(
                    "%(delegation)s has signed on; withdraw the signature first if it should "
                    "decline."
                )
                % {"delegation": d}
            ),
            Status.DECLINED: lambda d: (
                _("%(delegation)s has already declined.") % {"delegation": d}
            ),
        },
    ),
    "withdraw_signature": (
        frozenset({Status.SIGNED}),
        {
            None: lambda d: (
                _("%(delegation)s has not signed on, so there is nothing to withdraw.")
                % {"delegation": d}
            ),
        },
    ),
}
ANSWER_CODES: dict[tuple[str, str | None], str] = {("sign_on", Status.REMOVED): "signature_removed"}


def may_answer(
    answer: str,
    user: Any,
    statement: Statement,
    standing: str | None,
    checker: Checker = None,
) -> Decision:
    """Whether ``user`` may give ``answer`` (a key of ``ANSWERS``) for their delegation, whose
    standing answer is ``standing`` (a ``Signature.Status``; None if it has not answered).

    In sign-on until its deadline; on a published statement, only a signature, and only while
    its chairs keep it open to late signatures (the deadline no longer applies then).
    """
    if not permissions.can_respond_to_sign_on(user, statement, checker):
        return forbidden(
            _(
                "Only a signatory of a member delegation may sign on, decline or withdraw a "
                "signature."
            )
        )
    if statement.state == State.PUBLISHED:
        if answer != "sign_on":
            return wrong_state(
                _(
                    "A signature on a published statement is final: it can be neither declined "
                    "nor withdrawn. Only a coordinator can remove it."
                ),
                "signature_final",
            )
        if not statement.accepts_late_signatures:
            return wrong_state(
                _(
                    "This statement is published and no longer takes signatures; its chairs may "
                    "open it to late signatures."
                ),
                "late_signatures_closed",
            )
    elif statement.state != State.SIGN_ON:
        return wrong_state(
            _("This statement is not open for sign-on; it is in %(state_label)s.")
            % {"state_label": _state_label(statement)},
            "transition_not_allowed",
        )
    elif statement.sign_on_deadline is not None and statement.sign_on_deadline <= timezone.now():
        return wrong_state(
            _("Sign-on closed on %(deadline)s.")
            % {"deadline": format_utc(statement.sign_on_deadline)},
            "deadline_passed",
        )
    follows, refusals = ANSWERS[answer]
    if standing not in follows:
        say = refusals.get(standing) or refusals[None]
        return wrong_state(
            say(user.delegation.name), ANSWER_CODES.get((answer, standing), "conflict")
        )
    return ALLOWED


def is_late(statement: Statement) -> bool:
    """Whether a signature given now would be a late one (after publication)."""
    return statement.state == State.PUBLISHED


# --- after publication ----------------------------------------------------------------------


def may_set_late_signatures(
    user: Any, statement: Statement, *, accepts: bool, checker: Checker = None
) -> Decision:
    """Open (``accepts``) or close a published statement to late signatures: its chairs."""
    if not permissions.can_manage_late_signatures(user, statement, checker):
        return forbidden(
            _("Only the chairs of %(body)s may open or close a statement to late signatures.")
            % {"body": statement.body}
        )
    if statement.state != State.PUBLISHED:
        return wrong_state(
            _("Only a published statement takes late signatures; this one is in %(state_label)s.")
            % {"state_label": _state_label(statement)},
            "transition_not_allowed",
        )
    if statement.accepts_late_signatures == accepts:
        return wrong_state(
            _("This statement already takes late signatures.")
            if accepts
            else _("This statement does not take late signatures."),
            "transition_not_allowed",
        )
    return ALLOWED


def may_remove_signatures(user: Any, statement: Statement, checker: Checker = None) -> Decision:
    """Take a signature off a published statement: the coordinators."""
    if not permissions.can_remove_signature(user, statement, checker):
        return forbidden(_("Only coordinators may remove a signature from a published statement."))
    if statement.state != State.PUBLISHED:
        return wrong_state(
            _(
                "Only a signature on a published statement can be removed; this statement is in "
                "%(state_label)s. Before publication, the delegation withdraws it."
            )
            % {"state_label": _state_label(statement)},
            "transition_not_allowed",
        )
    return ALLOWED


# --- what to offer --------------------------------------------------------------------------


def offers(
    user: Any, statement: Statement, response: Signature | None, checker: Checker = None
) -> set[str]:
    """The actions to offer ``user`` as buttons: exactly those the actions would carry out.

    ``response`` is the user's delegation's live answer to the sign-on, if any. Publishing is
    offered before the minimum is met: the action then says how many signatures are missing.
    """
    if not user.is_authenticated or not user.is_active:
        return set()
    offered = {step for step in STEPS if may_take(step, user, statement, checker)}
    if can_edit(user, statement, checker) and statement.is_open_for_editing:
        offered.add("edit")
    standing = response.status if response else None
    offered |= {
        answer for answer in ANSWERS if may_answer(answer, user, statement, standing, checker)
    }
    for accepts, step in ((True, "open_late_signatures"), (False, "close_late_signatures")):
        if may_set_late_signatures(user, statement, accepts=accepts, checker=checker):
            offered.add(step)
    if may_remove_signatures(user, statement, checker):
        offered.add("remove_signature")
    return offered
