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
