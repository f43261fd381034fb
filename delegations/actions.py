"""Every write about delegations, people and bodies.

Each delegation has two groups (all its people; its signatories) and each body one (its chairs).
Guardian grants object permissions to those groups, so a person's groups must always match
their delegation, role and chairs: every action here that changes one of those re-syncs them.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from audit.actions import record
from delegations.models import ApiToken, Body, Delegation, User, collation_key

ADVISORY_NETWORK_GROUP = "advisory-network"
COORDINATION_UNIT_GROUP = "coordination-unit"

# What the coordination unit may do in the admin: manage delegations, people and bodies, and
# look at (never change) statements, revisions, signatures and the audit record.
COORDINATION_UNIT_PERMISSIONS = [
    ("delegations", "view_delegation"),
    ("delegations", "add_delegation"),
    ("delegations", "change_delegation"),
    ("delegations", "view_user"),
    ("delegations", "add_user"),
    ("delegations", "change_user"),
    ("delegations", "view_body"),
    ("delegations", "add_body"),
    ("delegations", "change_body"),
    ("drafts", "view_statement"),
    ("drafts", "change_statement"),
    ("drafts", "view_revision"),
    ("workflow", "view_signature"),
    ("audit", "view_auditentry"),
]


def delegation_of(actor: Any) -> str:
    """The name of the delegation ``actor`` acts for, for the audit record; "" for none."""
    delegation = getattr(actor, "delegation", None)
    return delegation.name if delegation is not None else ""


def _person_facts(person: User) -> dict[str, Any]:
    return {
        "email": person.email,
        "full_name": person.full_name,
        "organisation": person.organisation,
        "role": person.role,
        "delegation": person.delegation.code if person.delegation else None,
        "is_active": person.is_active,
    }


def advisory_network_group() -> Group:
    group, _ = Group.objects.get_or_create(name=ADVISORY_NETWORK_GROUP)
    return group


def coordination_unit_group() -> Group:
    """The group whose model permissions let coordinators manage Accord in the admin."""
    group, _ = Group.objects.get_or_create(name=COORDINATION_UNIT_GROUP)
    wanted = [
        p.pk
        for p in Permission.objects.filter(
            content_type__app_label__in={app for app, _ in COORDINATION_UNIT_PERMISSIONS},
            codename__in={codename for _, codename in COORDINATION_UNIT_PERMISSIONS},
        ).select_related("content_type")
        if (p.content_type.app_label, p.codename) in COORDINATION_UNIT_PERMISSIONS
    ]
    if set(group.permissions.values_list("pk", flat=True)) != set(wanted):
        group.permissions.set(wanted)
    return group


def sync_groups(person: User) -> None:
    """Put ``person`` in exactly the groups their delegation, role and chairs call for.

    Coordinators also get staff access (the admin is where they manage delegations, people
    and bodies) and the coordination unit's group; nobody else is staff unless a superuser.
    """
    groups: list[Group] = []
    staff = person.is_superuser or (person.is_active and person.role == User.Role.COORDINATOR)
    if person.is_staff != staff:
        person.is_staff = staff
        person.save(update_fields=["is_staff"])
    if person.is_active and person.role == User.Role.COORDINATOR:
        groups.append(coordination_unit_group())
    if person.is_active:
        delegation = person.delegation
        if delegation is not None:
            groups.append(delegation.group)
            if person.role == User.Role.SIGNATORY:
                groups.append(delegation.signatories_group)
        if person.role == User.Role.ADVISER:
            groups.append(advisory_network_group())
        groups.extend(
            body.chairs_group for body in person.chaired_bodies.select_related("chairs_group")
        )
    person.groups.set(groups)


@transaction.atomic
def create_delegation(
    actor: User | None, *, name: str, code: str, is_member: bool = True
) -> Delegation:
    """Add a delegation with its two groups."""
    code = code.strip().upper()
    delegation = Delegation.objects.create(
        name=name.strip(),
        code=code,
        sort_key=collation_key(name),
        is_member=is_member,
        group=Group.objects.create(name=f"delegation:{code}"),
        signatories_group=Group.objects.create(name=f"delegation:{code}:signatories"),
    )
    record(
        actor,
        "delegations.create_delegation",
        delegation,
        after={"name": delegation.name, "code": code, "is_member": is_member},
        delegation=delegation_of(actor),
    )
    return delegation


@transaction.atomic
def update_delegation(
    actor: User | None, delegation: Delegation, *, name: str, is_member: bool
) -> Delegation:
    """Rename a delegation or record that it joined or left. Its past signatures stay."""
    before = {"name": delegation.name, "is_member": delegation.is_member}
    delegation.name = name.strip()
    delegation.sort_key = collation_key(delegation.name)
    delegation.is_member = is_member
    delegation.save(update_fields=["name", "sort_key", "is_member"])
    record(
        actor,
        "delegations.update_delegation",
        delegation,
        before=before,
        after={"name": delegation.name, "is_member": is_member},
        delegation=delegation_of(actor),
    )
    return delegation


@transaction.atomic
def create_body(actor: User | None, *, name: str, kind: str) -> Body:
    """Add a body (plenary, task force, working group) with the group its chairs share."""
    body = Body.objects.create(
        name=name.strip(), kind=kind, chairs_group=Group.objects.create(name=f"body:{name}:chairs")
    )
    record(
        actor,
        "delegations.create_body",
        body,
        after={"name": body.name, "kind": kind},
        delegation=delegation_of(actor),
    )
    return body


@transaction.atomic
def set_chairs(actor: User | None, body: Body, *, chairs: Iterable[User]) -> Body:
    """Make ``chairs`` the chairs of ``body``, and keep everyone's groups in step."""
    previous = set(body.chairs.all())
    current = set(chairs)
    body.chairs.set(current)
    for person in previous | current:
        sync_groups(person)
    record(
        actor,
        "delegations.set_chairs",
        body,
        before={"chairs": sorted(p.email for p in previous)},
        after={"chairs": sorted(p.email for p in current)},
        delegation=delegation_of(actor),
    )
    return body


@transaction.atomic
def add_person(
    actor: User | None,
    *,
    email: str,
    full_name: str,
    role: str,
    delegation: Delegation | None,
    password: str | None = None,
    organisation: str = "",
) -> User:
    """Give a person an account, in their delegation's groups."""
    person = User.objects.create_user(
        email,
        password,
        full_name=full_name,
        role=role,
        delegation=delegation,
        organisation=organisation,
    )
    sync_groups(person)
    record(
        actor,
        "delegations.add_person",
        person,
        after=_person_facts(person),
        delegation=delegation_of(actor),
    )
    return person


@transaction.atomic
def change_person(
    actor: User | None,
    person: User,
    *,
    role: str,
    delegation: Delegation | None,
    is_active: bool,
    email: str | None = None,
    full_name: str | None = None,
    organisation: str | None = None,
    before: dict[str, Any] | None = None,
) -> User:
    """Change who a person is and whom they act for; their groups follow.

    ``email``, ``full_name`` and ``organisation`` stay as they are when not given.
    ``before`` is what the person looked like before, when the caller (the admin) already
    changed the instance in memory.
    """
    previous = before or _person_facts(person)
    if email is not None:
        person.email = User.objects.normalize_email(email).lower()
    if full_name is not None:
        person.full_name = full_name.strip()
    if organisation is not None:
        person.organisation = organisation.strip()
    person.role = role
    person.delegation = delegation
    person.is_active = is_active
    person.save(
        update_fields=["email", "full_name", "role", "delegation", "is_active", "organisation"]
    )
    sync_groups(person)
    record(
        actor,
        "delegations.change_person",
        person,
        before=previous,
        after=_person_facts(person),
        delegation=delegation_of(actor),
    )
    return person


def person_facts(person: User) -> dict[str, Any]:
    """What the audit record keeps of a person: e-mail, role, delegation, active."""
    return _person_facts(person)


# --- personal API tokens ---------------------------------------------------------------------

API_TOKEN_PREFIX = "acc_"
# The last use is written at most this often, so a busy script does not write on every call.
TOKEN_USE_GRANULARITY = timedelta(minutes=1)


def hash_api_token(secret: str) -> str:
    """How a token's secret is kept: its SHA-256 (the secret is random, so no salt is needed)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@transaction.atomic
def create_api_token(actor: User, *, name: str) -> tuple[ApiToken, str]:
    """Make a personal API token for ``actor``; returns it and its secret, shown only now."""
    name = " ".join(name.split())
    if not name:
        raise ValueError("Name the token after what it is for.")
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name[:100], key_hash=hash_api_token(secret), prefix=secret[:8]
    )
    record(
        actor,
        "delegations.create_api_token",
        token,
        after={"name": token.name, "prefix": token.prefix},
        delegation=delegation_of(actor),
    )
    return token, secret


@transaction.atomic
def revoke_api_token(actor: User, token: ApiToken) -> ApiToken:
    """Revoke one of ``actor``'s own tokens: from now on it is refused (401).

    Raises ``PermissionDenied`` for another person's token. Revoking twice changes nothing.
    """
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.user_id != actor.pk:
        raise PermissionDenied("You may revoke only your own tokens.")
    if locked.revoked_at is not None:
        return locked
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    record(
        actor,
        "delegations.revoke_api_token",
        locked,
        before={"revoked": False},
        after={"revoked": True, "name": locked.name, "prefix": locked.prefix},
        delegation=delegation_of(actor),
    )
    return locked


def note_api_token_use(token: ApiToken) -> None:
    """Remember when the token was last used, to the minute; not audited (it is no change)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOKEN_USE_GRANULARITY:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
