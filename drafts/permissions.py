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

from django.db.models import QuerySet
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import get_objects_for_user

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


# Who sees a statement, as a predicate (``can_view``) and as a queryset (``visible_statements``):
# one rule, written once. Coordinators see everything; people of a delegation that left the
# coalition, nothing (whatever grants its group still holds from before it left: it keeps its
# record, not its view of the work); everyone else what guardian grants them
# ``view_statement`` on, through their delegation's or body's groups, in every state.
# Publication makes public only what was signed, on the public site (``workflow:public_*``):
# the negotiation behind it (the internal page, its history, every earlier revision, the
# comments, the record) stays with those who could see it before, for ever.


def _sees(user: Any) -> bool | None:
    """True: everything; False: nothing; None: what the grants say."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_coordinator:
        return True
    if user.delegation_id is not None and not user.delegation.is_member:
        return False
    return None


def can_view(
    user: Any, statement: Statement, checker: ObjectPermissionChecker | None = None
) -> bool:
    """Whether ``user`` may see ``statement`` (the rule above)."""
    sees = _sees(user)
    if sees is not None:
        return sees
    return has_grant(user, "view_statement", statement, checker)


def visible_statements(user: Any, statements: QuerySet[Statement]) -> QuerySet[Statement]:
    """Those of ``statements`` that ``user`` may see (the rule above), as a queryset."""
    sees = _sees(user)
    if sees is not None:
        return statements if sees else statements.none()
    return get_objects_for_user(
        user,
        "drafts.view_statement",
        klass=statements,
        use_groups=True,
        accept_global_perms=False,
        with_superuser=False,
    )


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
