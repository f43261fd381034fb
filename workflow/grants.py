"""Which groups hold which object permissions on a statement in each state.

| state        | view_statement                               | comment_statement                  |
| ------------ | -------------------------------------------- | ---------------------------------- |
| draft        | pen-holders, chairs                          | pen-holders                        |
| consultation | every member delegation, chairs, (advisers)  | every member, (advisers if invited)|
| sign_on      | every member delegation, chairs              | nobody                             |
| published    | every member delegation, chairs              | nobody                             |
| withdrawn    | pen-holders, chairs                          | nobody                             |

The public reads a published statement's signed text on the public site, never through these
grants. In every state the pen-holders' groups hold ``change_statement`` (the pen) and the body's
chairs ``steer_statement``; whether the state lets them use it is the actions' question.
Called only from ``workflow.actions``, inside their transaction.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from delegations.actions import advisory_network_group
from delegations.models import Delegation
from drafts.models import Statement, StatementGroupObjectPermission

State = Statement.State


def _permissions() -> dict[str, Permission]:
    content_type = ContentType.objects.get_for_model(Statement)
    return {
        p.codename: p
        for p in Permission.objects.filter(
            content_type=content_type,
            codename__in=[
                "view_statement",
                "change_statement",
                "steer_statement",
                "comment_statement",
            ],
        )
    }


def wanted_grants(statement: Statement) -> set[tuple[int, str]]:
    """The (group id, permission codename) pairs ``statement`` should carry in its state."""
    pen_groups = [d.group_id for d in statement.pen_holders.all()]
    member_groups = list(
        Delegation.objects.filter(is_member=True).values_list("group_id", flat=True)
    )
    chairs_group = statement.body.chairs_group_id
    advisers = [advisory_network_group().pk] if statement.advisers_invited else []

    grants = {(g, "change_statement") for g in pen_groups}
    grants |= {(chairs_group, "steer_statement"), (chairs_group, "view_statement")}
    if statement.state in (State.DRAFT, State.WITHDRAWN):
        grants |= {(g, "view_statement") for g in pen_groups}
    else:
        grants |= {(g, "view_statement") for g in member_groups}
    if statement.state == State.DRAFT:
        grants |= {(g, "comment_statement") for g in pen_groups}
    if statement.state == State.CONSULTATION:
        grants |= {(g, "view_statement") for g in advisers}
        grants |= {(g, "comment_statement") for g in [*member_groups, *advisers]}
    return grants


def regrant(statement: Statement) -> dict[str, dict[str, list[str]]]:
    """Make the statement's group grants exactly those its state calls for.

    Returns what was added and removed, by permission and group name, for the audit record.
    """
    perms = _permissions()
    by_id = {p.pk: codename for codename, p in perms.items()}
    existing = {
        (row.group_id, by_id[row.permission_id]): row.pk
        for row in StatementGroupObjectPermission.objects.filter(
            content_object=statement, permission__in=perms.values()
        )
    }
    wanted = wanted_grants(statement)
    to_add = wanted - existing.keys()
    to_remove = existing.keys() - wanted
    if to_remove:
        StatementGroupObjectPermission.objects.filter(
            pk__in=[existing[key] for key in to_remove]
        ).delete()
    StatementGroupObjectPermission.objects.bulk_create(
        StatementGroupObjectPermission(
            content_object=statement, group_id=group_id, permission=perms[codename]
        )
        for group_id, codename in to_add
    )
    names = dict(
        Group.objects.filter(pk__in={g for g, _ in to_add | to_remove}).values_list("pk", "name")
    )

    def summary(pairs: set[tuple[int, str]]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for group_id, codename in sorted(pairs, key=lambda p: (p[1], names[p[0]])):
            out.setdefault(codename, []).append(names[group_id])
        return out

    return {"added": summary(to_add), "removed": summary(to_remove)}
