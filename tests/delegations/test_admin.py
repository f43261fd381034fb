"""Coordinators manage people, bodies and statement details in the admin, through actions."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client

from audit.models import AuditEntry
from delegations.models import Body, Delegation, User
from drafts.models import Statement
from tests.conftest import StatementMaker, client_for, person

pytestmark = pytest.mark.django_db


def groups(user: User) -> set[str]:
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


def test_promoting_a_delegate_to_signatory_in_the_admin_moves_their_groups(
    coordinator: User, pen_delegate: User
) -> None:
    response = client_for(coordinator).post(
        f"/admin/delegations/user/{pen_delegate.pk}/change/",
        {
            "email": pen_delegate.email,
            "full_name": "Promoted Delegate",
            "role": "signatory",
            "delegation": pen_delegate.delegation_id,
            "organisation": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert groups(pen_delegate) == {"delegation:CA", "delegation:CA:signatories"}
    assert User.objects.get(pk=pen_delegate.pk).full_name == "Promoted Delegate"
    entry = AuditEntry.objects.filter(action="delegations.change_person").latest("id")
    assert entry.actor == coordinator
    assert entry.before["role"] == "delegate"
    assert entry.after["role"] == "signatory"


def test_a_delegate_needs_a_delegation_in_the_admin(coordinator: User, pen_delegate: User) -> None:
    response = client_for(coordinator).post(
        f"/admin/delegations/user/{pen_delegate.pk}/change/",
        {
            "email": pen_delegate.email,
            "full_name": "No Delegation",
            "role": "delegate",
            "delegation": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert b"Delegates and signatories act for a delegation." in response.content
    assert groups(pen_delegate) == {"delegation:CA"}


def test_chairs_set_in_the_admin_join_the_bodys_group(coordinator: User) -> None:
    estonian = person("ee@example.org", User.Role.DELEGATE, Delegation.objects.get(code="EE"))
    response = client_for(coordinator).post(
        "/admin/delegations/body/add/",
        {"name": "Working Group on Encryption", "kind": "working_group", "chairs": [estonian.pk]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    body = Body.objects.get(name="Working Group on Encryption")
    assert list(body.chairs.all()) == [estonian]
    assert body.chairs_group.name in groups(estonian)


def test_statement_details_change_in_the_admin_only_while_the_state_allows(
    coordinator: User, make_statement: StatementMaker
) -> None:
    statement = make_statement(Statement.State.SIGN_ON)
    client: Any = client_for(coordinator)
    url = f"/admin/drafts/statement/{statement.pk}/change/"
    quorum = client.post(url, {"min_signatures": 3})
    assert quorum.status_code == 302
    statement.refresh_from_db()
    assert statement.min_signatures == 3
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="title"' not in page.content, "the title is fixed once sign-on opens"
    assert client.get("/admin/drafts/statement/add/").status_code == 403
    assert client.post(f"/admin/drafts/statement/{statement.pk}/delete/").status_code == 403


def test_delegates_cannot_open_the_admin(pen_delegate: User) -> None:
    response = client_for(pen_delegate).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_coordinator_sees_and_clears_refused_logins_in_the_admin(
    coordinator: User, pen_delegate: User
) -> None:
    """The README's promise: a coordinator opens "Access attempts" and clears a lockout."""
    for __ in range(5):
        Client().post(
            "/accounts/login/",
            {"username": pen_delegate.email, "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
        )
    attempt = AccessAttempt.objects.get()
    admin = client_for(coordinator)
    for listing in ("/admin/axes/accessattempt/", "/admin/axes/accessfailurelog/"):
        page = admin.get(listing)
        assert page.status_code == 200, listing
        assert pen_delegate.email in page.content.decode(), listing
    cleared = admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert cleared.status_code == 302
    assert not AccessAttempt.objects.exists()
    admin.post(
        "/admin/axes/accessfailurelog/",
        {
            "action": "delete_selected",
            "_selected_action": list(AccessFailureLog.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )
    assert not AccessFailureLog.objects.exists()


def test_the_admin_refuses_a_logged_in_person_who_is_not_staff_without_a_loop(
    pen_delegate: User,
) -> None:
    client = client_for(pen_delegate)
    index = client.get("/admin/")
    assert index.status_code == 302 and index["Location"].startswith("/admin/login/")
    refused = client.get(index["Location"])
    assert refused.status_code == 403
    assert "coordination unit" in refused.content.decode()
    # A visitor is sent to Accord's own login, with where to go next.
    visitor = Client().get("/admin/login/?next=/admin/")
    assert visitor.status_code == 302 and visitor["Location"] == "/accounts/login/?next=/admin/"
