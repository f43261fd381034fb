"""Who may see, edit, comment on and amend a statement.

Visibility, the pen and commenting are guardian object permissions on the statement, granted
to delegation and body groups by ``workflow.grants`` for each state. These predicates combine
the grant with the person's role. They answer "may this person ever do this here", and leave the
state's own refusals (editing after sign-on opened…) to the actions, which answer 409. The
comment grant is the exception that follows the state: once sign-on opens nobody holds it, and
the actions answer 409 for everyone before they ask it.
"""

from __future__ import annotations

from typing import Any

from guardian.core import ObjectPermissionChecker

from drafts.models import Comment, Statement


def checker_for(user: Any) -> ObjectPermissionChecker | None:
    """A permission checker for ``user``, to share across predicates in one request."""
    if not user.is_authenticated or not user.is_active:
        return None
    return ObjectPermissionChecker(user)


def has_grant(
    user: Any, codename: str, statement: Statement, checker: ObjectPermissionChecker | None = None
) -> bool:
    """Whether guardian grants ``codename`` on ``statement`` to ``user`` or one of their groups.

    A superuser gets only what is granted to them like anyone else: an operations account
    must not hold the pen or sign by accident.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    checker = checker or ObjectPermissionChecker(user)
    if user.is_superuser:
        return codename in checker.get_user_perms(statement) or codename in checker.get_group_perms(
            statement
        )
    return checker.has_perm(codename, statement)


def can_view(
    user: Any, statement: Statement, checker: ObjectPermissionChecker | None = None
) -> bool:
    """Coordinators see everything; others need the grant, in every state.

    Publication makes public only what was signed, on the public site (``workflow:public_*``):
    the negotiation behind it (the internal page, its history, every earlier revision, the
    comments, the record) stays with those who could see it before, for ever.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_coordinator:
        return True
    if user.delegation_id is not None and not user.delegation.is_member:
        # A delegation that has left keeps its record, not its view of unpublished work,
        # whatever grants its group still holds from before it left.
        return False
    return has_grant(user, "view_statement", statement, checker)


def can_edit(
    user: Any, statement: Statement, checker: ObjectPermissionChecker | None = None
) -> bool:
    """A delegate or signatory of a pen-holding delegation that can see the statement."""
    return (
        can_view(user, statement, checker)
        and user.is_authenticated
        and user.delegation_id is not None
        and has_grant(user, "change_statement", statement, checker)
    )


def can_comment(
    user: Any, statement: Statement, checker: ObjectPermissionChecker | None = None
) -> bool:
    """Whether the person may comment on the statement in its present state.

    ``workflow.grants`` gives ``comment_statement`` to the pen-holders in draft, to every member
    delegation (and the advisory network, if invited) in consultation, and to nobody once
    sign-on opens; threads stay readable to everyone who can see the statement.
    """
    return can_view(user, statement, checker) and has_grant(
        user, "comment_statement", statement, checker
    )


def can_moderate_comments(
    user: Any, statement: Statement, checker: ObjectPermissionChecker | None = None
) -> bool:
    """The pen-holders' people and the body's chairs: resolve and reopen anyone's thread."""
    return can_edit(user, statement, checker) or (
        can_view(user, statement, checker)
        and has_grant(user, "steer_statement", statement, checker)
    )


def can_resolve(
    user: Any,
    statement: Statement,
    thread: Comment,
    checker: ObjectPermissionChecker | None = None,
) -> bool:
    """The thread's author, the pen-holders' people and the body's chairs."""
    if not can_view(user, statement, checker):
        return False
    return thread.author_id == user.pk or can_moderate_comments(user, statement, checker)


def can_propose_amendment(
    user: Any, statement: Statement, checker: ObjectPermissionChecker | None = None
) -> bool:
    """Delegates and signatories of member delegations who can see it (advisers comment only)."""
    return bool(user.is_authenticated and user.acts_for_member) and can_view(
        user, statement, checker
    )


def can_decide_amendment(
    user: Any, statement: Statement, checker: ObjectPermissionChecker | None = None
) -> bool:
    """The pen-holders' people accept or reject amendments."""
    return can_edit(user, statement, checker)
