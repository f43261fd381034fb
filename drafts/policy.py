"""The drafting rules that depend on the statement's state, one function per question, each
returning a ``core.policy.Decision`` that the actions enforce and the pages ask to offer (see
``workflow.policy`` for the statement's life)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from core.policy import ALLOWED, Decision, forbidden, wrong_state
from drafts import permissions
from drafts.models import Comment, Statement

State = Statement.State
# While the statement takes comments (and replies): drafting and consultation.
COMMENTS_OPEN_IN = frozenset({State.DRAFT, State.CONSULTATION})


def _thread_keeper(
    user: Any, statement: Statement, thread: Comment, checker: ObjectPermissionChecker | None
) -> Decision:
    if not permissions.can_resolve(user, statement, thread, checker):
        return forbidden(
            _(
                "Only the comment's author, the pen-holding delegations and the chairs of "
                "%(body)s may resolve or reopen this thread."
            )
            % {"body": statement.body}
        )
    return ALLOWED


def may_resolve(
    user: Any,
    statement: Statement,
    thread: Comment,
    checker: ObjectPermissionChecker | None = None,
) -> Decision:
    """Close a thread: its author, the pen-holders' people and the body's chairs, in any
    state, so a thread left open when sign-on began or the statement was published can still
    be closed."""
    return _thread_keeper(user, statement, thread, checker)


def may_reopen(
    user: Any,
    statement: Statement,
    thread: Comment,
    checker: ObjectPermissionChecker | None = None,
) -> Decision:
    """Open a resolved thread again: the same people, while the statement takes comments (a
    reopened thread takes replies)."""
    decision = _thread_keeper(user, statement, thread, checker)
    if decision and statement.state not in COMMENTS_OPEN_IN:
        return wrong_state(
            _(
                "This statement is in %(state_label)s and takes no more comments: its threads "
                "can be resolved, not reopened."
            )
            % {"state_label": statement.get_state_display().lower()},
            "comments_closed",
        )
    return decision


def may_comment(
    user: Any, statement: Statement, checker: ObjectPermissionChecker | None = None
) -> Decision:
    """Comment on a paragraph or reply to a thread: while the statement takes comments
    (drafting and consultation), whoever ``permissions.can_comment`` names."""
    if statement.state not in COMMENTS_OPEN_IN:
        return wrong_state(
            _(
                "This statement is in %(state_label)s: comments are taken during drafting and "
                "consultation only. Its threads stay here to read."
            )
            % {"state_label": statement.get_state_display().lower()},
            "comments_closed",
        )
    if permissions.can_comment(user, statement, checker):
        return ALLOWED
    if statement.state == State.DRAFT:
        return forbidden(_("While it is a draft, only the pen-holding delegations comment."))
    if statement.advisers_invited:
        return forbidden(
            _(
                "Only delegates and signatories of member delegations, and the advisory "
                "network, comment on a consultation."
            )
        )
    return forbidden(
        _("Only delegates and signatories of member delegations comment on a consultation.")
    )


def may_propose(
    user: Any, statement: Statement, checker: ObjectPermissionChecker | None = None
) -> Decision:
    """Propose an amendment: delegates and signatories of member delegations, in
    consultation."""
    if not permissions.can_propose_amendment(user, statement, checker):
        return forbidden(
            _("Only delegates and signatories of member delegations propose amendments.")
        )
    if statement.state != State.CONSULTATION:
        return wrong_state(
            _("Amendments are proposed during consultation; this statement is in %(state_label)s.")
            % {"state_label": statement.get_state_display().lower()},
            "amendments_closed",
        )
    return ALLOWED


def may_decide(
    user: Any, statement: Statement, checker: ObjectPermissionChecker | None = None
) -> Decision:
    """Accept or reject amendments: delegates of the pen-holding delegations, in
    consultation."""
    if not permissions.can_decide_amendment(user, statement, checker):
        return forbidden(
            _("Only delegates of the pen-holding delegations accept or reject amendments.")
        )
    if statement.state != State.CONSULTATION:
        return wrong_state(
            _(
                "Amendments are accepted or rejected during consultation; this statement is in "
                "%(state_label)s."
            )
            % {"state_label": statement.get_state_display().lower()},
            "amendments_closed",
        )
    return ALLOWED


# What the discussion offers, by name, and the question each asks.
DISCUSSION = {
    "comment": may_comment,
    "propose_amendment": may_propose,
    "decide_amendments": may_decide,
}


def offers(
    user: Any, statement: Statement, checker: ObjectPermissionChecker | None = None
) -> set[str]:
    """What the person may do in the statement's discussion now: the names of ``DISCUSSION``
    the policy allows, for the page and the API alike."""
    return {name for name, may in DISCUSSION.items() if may(user, statement, checker)}
