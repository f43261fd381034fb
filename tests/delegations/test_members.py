"""The 42 members as the coalition lists them, and groups that follow people."""

from __future__ import annotations

import importlib

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from delegations import actions
from delegations.models import Body, Delegation, User, collation_key
from tests.conftest import person

pytestmark = pytest.mark.django_db

COALITION_LIST = [
    "Argentina",
    "Armenia",
    "Australia",
    "Austria",
    "Cabo Verde",
    "Canada",
    "Chile",
    "Colombia",
    "Costa Rica",
    "Czech Republic",
    "Denmark",
    "Estonia",
    "Finland",
    "France",
    "Georgia",
    "Germany",
    "Ghana",
    "Iceland",
    "Ireland",
    "Italy",
    "Japan",
    "Kenya",
    "Republic of Korea",
    "Latvia",
    "Lithuania",
    "Luxembourg",
    "The Maldives",
    "Mexico",
    "Moldova",
    "Mongolia",
    "The Netherlands",
    "New Zealand",
    "Norway",
    "Poland",
    "Slovakia",
    "Slovenia",
    "Spain",
    "Sweden",
    "Switzerland",
    "Tunisia",
    "United Kingdom",
    "United States of America",
]


def test_the_42_members_are_seeded_in_the_coalitions_order() -> None:
    names = list(Delegation.objects.filter(is_member=True).values_list("name", flat=True))
    assert len(names) == 42
    assert names == COALITION_LIST


def test_each_member_has_its_iso_code() -> None:
    codes = dict(Delegation.objects.values_list("name", "code"))
    assert codes["The Netherlands"] == "NL"
    assert codes["Republic of Korea"] == "KR"
    assert codes["United Kingdom"] == "GB"
    assert codes["Cabo Verde"] == "CV"
    assert codes["Switzerland"] == "CH"
    assert all(len(code) == 2 and code.isupper() for code in codes.values())
    assert len(set(codes.values())) == 42


def test_collation_ignores_a_leading_the() -> None:
    assert collation_key("The Netherlands") == collation_key("Netherlands")
    assert collation_key("The Maldives") < collation_key("Mexico")
    assert collation_key("Republic of Korea") < collation_key("Latvia")


def test_the_seed_migration_is_reversible() -> None:
    from django.apps import apps

    seed_migration = importlib.import_module("delegations.migrations.0002_seed_members")
    seed_migration.unseed(apps, None)
    assert Delegation.objects.count() == 0
    assert not Group.objects.filter(name__startswith="delegation:").exists()
    seed_migration.seed(apps, None)
    assert list(Delegation.objects.values_list("name", flat=True)) == COALITION_LIST


def group_names(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_groups_follow_role_delegation_and_chairs() -> None:
    canada = Delegation.objects.get(code="CA")
    kenya = Delegation.objects.get(code="KE")
    someone = person("someone@example.org", User.Role.DELEGATE, canada)
    assert group_names(someone) == {"delegation:CA"}

    actions.change_person(
        None, someone, role=User.Role.SIGNATORY, delegation=canada, is_active=True
    )
    assert group_names(someone) == {"delegation:CA", "delegation:CA:signatories"}

    actions.change_person(None, someone, role=User.Role.SIGNATORY, delegation=kenya, is_active=True)
    assert group_names(someone) == {"delegation:KE", "delegation:KE:signatories"}

    body = actions.create_body(None, name="Working Group", kind=Body.Kind.WORKING_GROUP)
    actions.set_chairs(None, body, chairs=[someone])
    assert "body:Working Group:chairs" in group_names(someone)
    actions.set_chairs(None, body, chairs=[])
    assert "body:Working Group:chairs" not in group_names(someone)

    actions.change_person(
        None, someone, role=User.Role.SIGNATORY, delegation=kenya, is_active=False
    )
    assert group_names(someone) == set(), "a disabled account keeps no grants"


def test_advisers_join_the_advisory_network() -> None:
    adviser = person("adviser@example.org", User.Role.ADVISER)
    assert group_names(adviser) == {"advisory-network"}


def test_login_is_by_email(client: object) -> None:
    from django.test import Client

    assert isinstance(client, Client)
    person("delegate@example.org", User.Role.DELEGATE, Delegation.objects.get(code="FR"))
    page = client.get("/accounts/login/")
    assert b">Email<" in page.content
    assert b">Password<" in page.content
    wrong = client.post("/accounts/login/", {"username": "delegate@example.org", "password": "no"})
    unknown = client.post("/accounts/login/", {"username": "nobody@example.org", "password": "no"})
    assert wrong.status_code == unknown.status_code == 200
    assert b"correct email and password" in wrong.content
    assert b"correct email and password" in unknown.content
    from tests.conftest import PASSWORD

    right = client.post(
        "/accounts/login/", {"username": "delegate@example.org", "password": PASSWORD}
    )
    assert right.status_code == 302
    assert right["Location"] == "/"


def test_coordinators_get_the_admin_and_keep_it_through_changes() -> None:
    coordinator = person("coordinator@example.org", User.Role.COORDINATOR)
    assert coordinator.is_staff
    assert group_names(coordinator) == {"coordination-unit"}
    assert coordinator.has_perm("delegations.change_delegation")
    actions.change_person(
        None,
        coordinator,
        role=User.Role.COORDINATOR,
        delegation=None,
        is_active=True,
        full_name="Renamed Coordinator",
    )
    coordinator = User.objects.get(pk=coordinator.pk)
    assert coordinator.full_name == "Renamed Coordinator"
    assert coordinator.is_staff
    assert group_names(coordinator) == {"coordination-unit"}


def test_delegates_never_get_the_admin() -> None:
    delegate = person("d@example.org", User.Role.DELEGATE, Delegation.objects.get(code="IE"))
    assert not delegate.is_staff


def test_leaving_and_joining_are_dated() -> None:
    kenya = Delegation.objects.get(code="KE")
    actions.update_delegation(None, kenya, name=kenya.name, is_member=False)
    kenya.refresh_from_db()
    assert (kenya.is_member, kenya.left_on) == (False, timezone.localdate())
    actions.update_delegation(None, kenya, name=kenya.name, is_member=True)
    kenya.refresh_from_db()
    assert (kenya.joined_on, kenya.left_on) == (timezone.localdate(), None)
    # A rename alone changes neither date.
    actions.update_delegation(None, kenya, name="Republic of Kenya", is_member=True)
    kenya.refresh_from_db()
    assert kenya.joined_on == timezone.localdate() and kenya.left_on is None
