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

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.actions import record
from delegations import two_factor
from delegations.models import ApiToken, Body, Delegation, User, collation_key, time_zone_names
from notifications.live import (
    account_group,
    close_sockets_on_commit,
    recheck_access_on_commit,
    session_group,
)

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
    # Logins refused by the throttle: see who was locked out, and clear it (README).
    ("axes", "view_accessattempt"),
    ("axes", "delete_accessattempt"),
    ("axes", "view_accessfailurelog"),
    ("axes", "delete_accessfailurelog"),
]


def delegation_of(actor: Any) -> str:
    """The name of the delegation ``actor`` acts for, for the audit record; "" for none."""
    delegation = getattr(actor, "delegation", None)
    return delegation.name if delegation is not None else ""


def acting_delegation(actor: User) -> Delegation:
    """The delegation ``actor`` acts for, once a policy has allowed what only a member's
    people may do; ``PermissionDenied`` for someone who acts for none."""
    if actor.delegation_id is None or actor.delegation is None:
        raise PermissionDenied(_("Only the people of a delegation may do this."))
    return actor.delegation


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
    if is_member != delegation.is_member:
        # The day it joined or left; its people's open pages ask again at once whether they
        # may still see them.
        today = timezone.localdate()
        if is_member:
            delegation.joined_on, delegation.left_on = today, None
        else:
            delegation.left_on = today
        recheck_access_on_commit(list(delegation.people.values_list("pk", flat=True)))
    delegation.name = name.strip()
    delegation.sort_key = collation_key(delegation.name)
    delegation.is_member = is_member
    delegation.save(update_fields=["name", "sort_key", "is_member", "joined_on", "left_on"])
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

    Disabling a person (``is_active=False``) ends all their login sessions and closes their
    sockets. Their API tokens are refused while they are disabled (the token check asks
    ``is_active``) but not revoked: enabling the person again brings them back.
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
    after = _person_facts(person)
    if not is_active:
        # Logged out everywhere at once: every session deleted, every socket closed (4401).
        after["sessions_ended"] = end_sessions(person, reason=SessionEnding.ACCOUNT_DISABLED)
        close_sockets([account_group(person.pk)], SessionEnding.ACCOUNT_DISABLED)
    record(
        actor,
        "delegations.change_person",
        person,
        before=previous,
        after=after,
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


@transaction.atomic
def set_language_and_time_zone(
    actor: User, *, language: str | None = None, time_zone: str | None = None
) -> User:
    """Save the language Accord speaks to ``actor`` ("" for their browser's) and the time zone
    their dates are shown in; ``None`` leaves that one as it is.

    Raises ``ValueError`` for a language Accord does not speak or an unknown time zone name.
    Saving what is already saved changes nothing and records nothing.
    """
    locked = User.objects.select_for_update().get(pk=actor.pk)
    before = {"language": locked.language, "time_zone": locked.time_zone}
    if language is not None:
        if language and language not in dict(settings.LANGUAGES):
            raise ValueError(f"Accord does not speak “{language}”.")
        locked.language = language
    if time_zone is not None:
        if time_zone not in time_zone_names():
            raise ValueError(f"“{time_zone}” is not a time zone name.")
        locked.time_zone = time_zone
    after = {"language": locked.language, "time_zone": locked.time_zone}
    if after != before:
        locked.save(update_fields=["language", "time_zone"])
        record(
            actor,
            "delegations.set_language_and_time_zone",
            locked,
            before=before,
            after=after,
            delegation=delegation_of(actor),
        )
    actor.language = locked.language
    actor.time_zone = locked.time_zone
    return locked


# --- two-factor authentication, sessions and lockouts ----------------------------------------


class SessionEnding(models.TextChoices):
    """Why a person's sessions ended, as their open pages are told before their sockets close.

    The code is what a page says, in its own reader's language (``static/js/live.js``); the
    label is the same in English, for clients that show the frame's ``message`` as it is.
    """

    LOGGED_OUT = "logged_out", "You logged out."
    ACCOUNT_DISABLED = "account_disabled", "This account was disabled."
    TWO_FACTOR_ENABLED = "two_factor_enabled", "Two-factor authentication was turned on."
    TWO_FACTOR_DISABLED = "two_factor_disabled", "Two-factor authentication was turned off."
    TWO_FACTOR_RESET = "two_factor_reset", "Your two-factor authentication was reset."


def close_sockets(groups: list[str], reason: SessionEnding) -> None:
    """After commit, close every socket in ``groups``, telling each page ``reason``."""
    close_sockets_on_commit(groups, reason=reason.value, message=str(reason.label))


def end_sessions(person: User, *, keep: str | None = None, reason: SessionEnding) -> int:
    """Delete every login session of ``person`` (but ``keep``, a session key), and after
    commit close the sockets those sessions opened. Returns how many sessions ended."""
    keys = [key for key in two_factor.session_keys_of(person) if key != keep]
    Session.objects.filter(session_key__in=keys).delete()
    close_sockets([session_group(key) for key in keys], reason)
    return len(keys)


def _new_recovery_codes(person: User) -> list[str]:
    """Replace the person's recovery codes with ten new ones; returns them (shown once)."""
    device = StaticDevice.objects.filter(user=person).first() or StaticDevice.objects.create(
        user=person, name="Recovery codes", confirmed=True
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for __ in range(two_factor.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def start_two_factor_set_up(actor: User) -> TOTPDevice:
    """The authenticator app ``actor`` is setting up: a new secret, not in force until
    confirmed with a code. Asking again shows the same secret. Nothing to audit yet.

    Raises ``ValueError`` if ``actor`` already has a confirmed device."""
    if two_factor.has_device(actor):
        raise ValueError(_("Two-factor authentication is already on."))
    pending = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
    if pending is None:
        pending = TOTPDevice.objects.create(user=actor, name="Authenticator app", confirmed=False)
    return pending


@transaction.atomic
def confirm_two_factor(actor: User, *, code: str, session_key: str | None) -> list[str]:
    """Put ``actor``'s pending authenticator app in force once it gives a current ``code``,
    with ten new recovery codes (returned, shown once); every other session of ``actor``
    ends, as one that logged in with the password alone must not stay in.

    Raises ``WrongCode`` for a wrong code, ``ValueError`` if nothing is being set up."""
    pending = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).first()
    if pending is None:
        raise ValueError(_("Start setting up two-factor authentication first."))
    if not two_factor.TOTP_CODE.match(two_factor.normalise_code(code)) or not (
        pending.verify_token(two_factor.normalise_code(code))
    ):
        raise two_factor.WrongCode(
            _("That code is not the one your app shows now. Check the app and try again.")
        )
    pending.confirmed = True
    pending.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(actor)
    ended = end_sessions(actor, keep=session_key, reason=SessionEnding.TWO_FACTOR_ENABLED)
    record(
        actor,
        "delegations.enable_two_factor",
        actor,
        before={"two_factor": False},
        after={"two_factor": True, "recovery_codes": len(codes), "other_sessions_ended": ended},
        delegation=delegation_of(actor),
    )
    return codes


@transaction.atomic
def regenerate_recovery_codes(actor: User) -> list[str]:
    """Ten new recovery codes for ``actor`` (returned, shown once); the old ones stop working.

    Raises ``ValueError`` if ``actor`` has no authenticator app in force."""
    if not two_factor.has_device(actor):
        raise ValueError(_("Turn on two-factor authentication first."))
    codes = _new_recovery_codes(actor)
    record(
        actor,
        "delegations.regenerate_recovery_codes",
        actor,
        after={"recovery_codes": len(codes)},
        delegation=delegation_of(actor),
    )
    return codes


def _remove_devices(person: User) -> None:
    TOTPDevice.objects.filter(user=person).delete()
    StaticDevice.objects.filter(user=person).delete()


@transaction.atomic
def remove_two_factor(actor: User, *, code: str, session_key: str | None) -> None:
    """Turn off ``actor``'s two-factor authentication, proven by a current code (or a
    recovery code): the app and the recovery codes are deleted and every other session of
    ``actor`` ends. A person whose role requires it is asked to set it up again.

    Raises ``WrongCode`` for a wrong code."""
    if two_factor.device_for_code(actor, code) is None:
        raise two_factor.WrongCode(
            _("That code is not a current code of your app, nor an unused recovery code.")
        )
    _remove_devices(actor)
    ended = end_sessions(actor, keep=session_key, reason=SessionEnding.TWO_FACTOR_DISABLED)
    record(
        actor,
        "delegations.disable_two_factor",
        actor,
        before={"two_factor": True},
        after={"two_factor": False, "other_sessions_ended": ended},
        delegation=delegation_of(actor),
    )


@transaction.atomic
def reset_two_factor(actor: User | None, person: User) -> None:
    """For someone who lost both their app and their recovery codes: the coordination unit
    deletes their devices and ends all their sessions; they set it up again at next login."""
    had = two_factor.has_device(person)
    _remove_devices(person)
    ended = end_sessions(person, reason=SessionEnding.TWO_FACTOR_RESET)
    record(
        actor,
        "delegations.reset_two_factor",
        person,
        before={"two_factor": had},
        after={"two_factor": False, "sessions_ended": ended},
        delegation=delegation_of(actor),
    )


def note_recovery_code_use(actor: User) -> int:
    """Record that ``actor`` used one of their recovery codes; returns how many remain."""
    remaining = StaticToken.objects.filter(device__user=actor).count()
    record(
        actor,
        "delegations.use_recovery_code",
        actor,
        after={"recovery_codes_left": remaining},
        delegation=delegation_of(actor),
    )
    return remaining


def record_lockout(*, email: str, address: str) -> None:
    """Put on the record that logging in to ``email``'s account was locked out after repeated
    failures (only for an account that exists: the record names people, not guesses)."""
    person = User.objects.filter(email__iexact=email).first() if email else None
    if person is not None:
        record(
            None,
            "delegations.login_locked_out",
            person,
            after={"address": address},
            delegation=delegation_of(person),
        )
