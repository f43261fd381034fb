"""Who is told about a statement: the groups of people every notice is addressed to, written
once for every app (the drafting actions, the workflow's steps and its deadline notices).

Each group is a condition on ``User``; ``people`` joins them and keeps active accounts only,
each person once.
"""

from __future__ import annotations

from django.db.models import Q

from delegations.models import User
from drafts.models import Statement

NOBODY = Q(pk__in=[])


def people(*groups: Q) -> list[User]:
    """The active people in any of ``groups``, each once."""
    found = NOBODY
    for group in groups:
        found |= group
    return list(User.objects.filter(found, is_active=True).distinct())


def members() -> Q:
    """Everyone of a member delegation."""
    return Q(delegation__is_member=True)


def pen_holders(statement: Statement) -> Q:
    """The people of the delegations holding the statement's pen."""
    return Q(delegation__in=statement.pen_holders.all())


def chairs(statement: Statement) -> Q:
    """The chairs of the statement's body."""
    return Q(chaired_bodies=statement.body_id)


def coordinators() -> Q:
    return Q(role=User.Role.COORDINATOR)


def advisers(statement: Statement) -> Q:
    """The advisory network, while it is invited to the statement's consultation."""
    return Q(role=User.Role.ADVISER) if statement.advisers_invited else NOBODY


def signatories_of_members() -> Q:
    return Q(role=User.Role.SIGNATORY, delegation__is_member=True)


def consulted(statement: Statement) -> Q:
    """Those consulted on the text: member delegations other than the pen-holders (who wrote
    it), and the advisory network if invited."""
    return (members() & ~pen_holders(statement)) | advisers(statement)


def may_discuss(statement: Statement) -> Q:
    """Who may still read its comments beyond the pen-holders: the members (and invited
    advisers) while it is in consultation; nobody else."""
    if statement.state != Statement.State.CONSULTATION:
        return NOBODY
    return members() | advisers(statement)


def delegation(delegation_id: int) -> Q:
    """The people of one delegation."""
    return Q(delegation_id=delegation_id)
