"""Who may move a statement, and who may answer its sign-on.

Each predicate says whether the person is one who may take the action on this statement at
all (their role, their grant, what they can see). Whether the state or a deadline allows it
*now* is checked by the action, which answers 409. Views, templates (through context flags),
the API and consumers all ask these same questions.
"""

from __future__ import annotations

from typing import Any

from guardian.core import ObjectPermissionChecker

from drafts.models import Statement
from drafts.permissions import can_edit, can_view, has_grant

__all__ = [
    "can_create_statement",
    "can_edit",
    "can_manage_late_signatures",
    "can_open_consultation",
    "can_open_sign_on",
    "can_publish",
    "can_remove_signature",
    "can_respond_to_sign_on",
    "can_return_to_drafting",
    "can_view",
    "can_withdraw",
]

Checker = ObjectPermissionChecker | None


def is_chair_of_body(user: Any, statement: Statement, checker: Checker = None) -> bool:
    return has_grant(user, "steer_statement", statement, checker)


def can_create_statement(user: Any) -> bool:
    """Delegates and signatories of member delegations, chairs and coordinators."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_coordinator or user.acts_for_member or user.chaired_bodies.exists()


def can_open_consultation(user: Any, statement: Statement, checker: Checker = None) -> bool:
    return is_chair_of_body(user, statement, checker)


def can_open_sign_on(user: Any, statement: Statement, checker: Checker = None) -> bool:
    return is_chair_of_body(user, statement, checker)


def can_return_to_drafting(user: Any, statement: Statement, checker: Checker = None) -> bool:
    return is_chair_of_body(user, statement, checker)


def can_withdraw(user: Any, statement: Statement, checker: Checker = None) -> bool:
    """The body's chairs and the coordinators."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_coordinator or is_chair_of_body(user, statement, checker)


def can_publish(user: Any, statement: Statement, checker: Checker = None) -> bool:
    """Only the coordinators publish."""
    return bool(user.is_authenticated and user.is_coordinator)


def can_respond_to_sign_on(user: Any, statement: Statement, checker: Checker = None) -> bool:
    """A signatory of a member delegation that can see the statement: sign, decline, withdraw."""
    return bool(
        user.is_authenticated
        and user.is_signatory
        and user.acts_for_member
        and can_view(user, statement, checker)
    )


def can_manage_late_signatures(user: Any, statement: Statement, checker: Checker = None) -> bool:
    """The body's chairs open and close a published statement to late signatures."""
    return is_chair_of_body(user, statement, checker)


def can_remove_signature(user: Any, statement: Statement, checker: Checker = None) -> bool:
    """Only the coordinators take a signature off a published statement (with a reason)."""
    return bool(user.is_authenticated and user.is_coordinator)
