"""Writes take only what the person may set. Extra fields (the state, whose delegation, who
wrote it, the hash…) sent with a form are ignored; sent to the API they are refused (400) and
nothing is saved. And every page write and every API write made with the browser's session
needs the CSRF token; a personal token needs none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from delegations.models import User
from drafts.models import Amendment, Comment, Revision, RevisionParagraph, Statement
from drafts.text import content_hash
from tests.api.conftest import api_client_for, token_client_for
from tests.conftest import TEXT, StatementMaker, client_for, delegation, later
from tests.test_access_walk import ROUTES, World, ask, snapshot
from tests.test_access_walk import world as world
from workflow.models import Signature

pytestmark = pytest.mark.django_db


def extra(other: User) -> dict[str, Any]:
    """What a forged form or API body adds, to take over a statement or speak for another."""
    return {
        "state": "published",
        "delegation": str(delegation("FR").pk),
        "author": str(other.pk),
        "created_by": str(other.pk),
        "content_hash": "0" * 64,
        "hash": "0" * 64,
        "slug": "taken-over",
        "published_at": "2020-01-01T00:00",
        "given_by": str(other.pk),
        "status": "accepted",
    }


def key_of(statement: Statement, position: int = 3) -> str:
    row = RevisionParagraph.objects.get(revision=statement.current_revision, position=position)
    return str(row.paragraph.key)


# --- pages: extra fields are ignored --------------------------------------------------------


def test_starting_a_statement_ignores_extra_fields(
    pen_delegate: User, coordinator: User, plenary: Any
) -> None:
    response = client_for(pen_delegate).post(
        reverse("workflow:create"),
        {
            "title": "On shutdowns",
            "kind": "joint_statement",
            "body": plenary.pk,
            "min_signatures": 1,
            "text": TEXT,
            **extra(coordinator),
        },
    )
    assert response.status_code == 302
    made = Statement.objects.get(title="On shutdowns")
    assert made.state == Statement.State.DRAFT
    assert made.created_by == pen_delegate
    assert not made.slug and made.published_at is None
    revision = made.current_revision
    assert revision is not None
    assert revision.author == pen_delegate and revision.delegation == delegation("CA")
    assert revision.content_hash == content_hash(TEXT)


def test_saving_a_revision_ignores_extra_fields(
    make_statement: StatementMaker, pen_delegate: User, coordinator: User
) -> None:
    statement = make_statement("draft")
    text = TEXT + "\n3. *Decide* to remain seized of the matter.\n"
    response = client_for(pen_delegate).post(
        reverse("drafts:edit", args=[statement.pk]),
        {"text": text, "base_revision": 1, **extra(coordinator)},
    )
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.state == Statement.State.DRAFT and not statement.slug
    revision = statement.current_revision
    assert revision is not None and revision.number == 2
    assert revision.author == pen_delegate and revision.delegation == delegation("CA")
    assert revision.content_hash == content_hash(text)


def test_comments_replies_and_amendments_ignore_extra_fields(
    make_statement: StatementMaker, other_signatory: User, pen_delegate: User
) -> None:
    statement = make_statement("consultation")
    client = client_for(other_signatory)
    forged = extra(pen_delegate)
    key = key_of(statement)
    assert (
        client.post(
            reverse("drafts:comment", args=[statement.pk, key]), {"body": "Stronger.", **forged}
        ).status_code
        == 302
    )
    thread = Comment.objects.get(body="Stronger.")
    assert client.post(
        reverse("drafts:reply", args=[statement.pk, thread.pk]), {"body": "Yes.", **forged}
    ).status_code in (302,)
    reply = Comment.objects.get(body="Yes.")
    for written in (thread, reply):
        assert written.author == other_signatory
        assert written.delegation == delegation("KE")
        assert written.resolved_at is None
    assert (
        client.post(
            reverse("drafts:propose_amendment", args=[statement.pk, key]),
            {"kind": "delete", "justification": "Say it once.", **forged},
        ).status_code
        == 302
    )
    amendment = Amendment.objects.get(justification="Say it once.")
    assert amendment.status == Amendment.Status.OPEN
    assert amendment.author == other_signatory and amendment.delegation == delegation("KE")
    statement.refresh_from_db()
    assert statement.state == Statement.State.CONSULTATION


def test_transitions_and_signing_ignore_extra_fields(
    make_statement: StatementMaker,
    chair: User,
    other_signatory: User,
    pen_signatory: User,
) -> None:
    draft = make_statement("draft")
    opened = client_for(chair).post(
        reverse("workflow:open_consultation", args=[draft.pk]),
        {"deadline": later(10).strftime("%Y-%m-%dT%H:%M"), **extra(pen_signatory)},
    )
    assert opened.status_code == 302
    draft.refresh_from_db()
    assert draft.state == Statement.State.CONSULTATION and draft.published_at is None

    sign_on = make_statement("sign_on")
    france_before = Signature.objects.get(statement=sign_on, delegation=delegation("FR"))
    signed = client_for(other_signatory).post(
        reverse("workflow:sign_on", args=[sign_on.pk]),
        {**extra(pen_signatory), "status": "declined"},
    )
    assert signed.status_code == 302
    kenya = Signature.objects.get(statement=sign_on, delegation=delegation("KE"))
    assert kenya.status == Signature.Status.SIGNED and kenya.given_by == other_signatory
    france_after = Signature.objects.get(statement=sign_on, delegation=delegation("FR"))
    assert (france_after.status, france_after.given_by_id) == (
        france_before.status,
        france_before.given_by_id,
    )
    sign_on.refresh_from_db()
    assert sign_on.state == Statement.State.SIGN_ON


# --- the API: extra fields are refused --------------------------------------------------------


def api_writes(world: World) -> dict[str, tuple[str, str, str, dict[str, Any]]]:
    """Each API write, by whom it is allowed, with a valid body: (role, method, url, body)."""
    pk, ids = world.pk, world.ids
    base = world.statement.current_revision.number if world.statement.current_revision else 1
    return {
        "create": (
            "pen_delegate",
            "post",
            "/api/statements/",
            {"title": "Forged", "kind": "joint_statement", "body": 0, "text": TEXT},
        ),
        "details": ("coordinator", "patch", f"/api/statements/{pk}/", {"min_signatures": 2}),
        "save": (
            "pen_delegate",
            "post",
            f"/api/statements/{pk}/revisions/",
            {"text": TEXT + "\nMore.\n", "base": base},
        ),
        "comment": (
            "other_signatory",
            "post",
            f"/api/statements/{pk}/comments/",
            {"paragraph": ids["paragraph"], "body": "Agreed."},
        ),
        "reply": (
            "other_signatory",
            "post",
            f"/api/statements/{pk}/comments/{ids['thread']}/replies/",
            {"body": "Agreed."},
        ),
        "resolve": (
            "pen_delegate",
            "post",
            f"/api/statements/{pk}/comments/{ids['thread']}/resolve/",
            {},
        ),
        "propose": (
            "other_signatory",
            "post",
            f"/api/statements/{pk}/amendments/",
            {"paragraph": ids["paragraph"], "kind": "delete", "justification": "Once."},
        ),
        "accept": (
            "pen_delegate",
            "post",
            f"/api/statements/{pk}/amendments/{ids['amendment']}/accept/",
            {},
        ),
        "reject": (
            "pen_delegate",
            "post",
            f"/api/statements/{pk}/amendments/{ids['amendment']}/reject/",
            {"reason": "We keep it."},
        ),
        "open_sign_on": (
            "chair",
            "post",
            f"/api/statements/{pk}/transitions/open_sign_on/",
            {"deadline": later(7).isoformat()},
        ),
        "withdraw": (
            "chair",
            "post",
            f"/api/statements/{pk}/transitions/withdraw/",
            {"reason": "Overtaken."},
        ),
        "return_to_drafting": (
            "chair",
            "post",
            f"/api/statements/{pk}/transitions/return_to_drafting/",
            {},
        ),
    }


def test_the_api_refuses_extra_fields_and_saves_nothing(
    world: Callable[[str], World],
    cast: dict[str, Any],
    plenary: Any,
) -> None:
    here = world("consultation")
    forged = extra(cast["pen_signatory"])
    problems = []
    for name, (role, method, url, written) in api_writes(here).items():
        body = {**written, "body": plenary.pk} if name == "create" else written
        client = api_client_for(cast[role])
        with transaction.atomic():
            valid = getattr(client, method)(url, body, format="json")
            transaction.set_rollback(True)
        if valid.status_code not in (200, 201):
            problems.append(f"{name}: the valid body itself got {valid.status_code}")
            continue
        before = snapshot(here.statement)
        response = getattr(client, method)(url, {**body, **forged}, format="json")
        if response.status_code != 400 or response.json().get("code") != "invalid":
            problems.append(f"{name}: extra fields got {response.status_code}")
        elif not set(forged) <= set(response.json()["errors"]):
            problems.append(f"{name}: not every extra field named: {response.json()['errors']}")
        if snapshot(here.statement) != before:
            problems.append(f"{name}: something changed")
    assert not problems, "\n".join(problems)


def test_the_api_refuses_extra_fields_when_signing(
    make_statement: StatementMaker, other_signatory: User, pen_signatory: User
) -> None:
    statement = make_statement("sign_on")
    client = api_client_for(other_signatory)
    response = client.post(
        f"/api/statements/{statement.pk}/signatures/",
        {"action": "sign_on", **extra(pen_signatory)},
        format="json",
    )
    assert response.status_code == 400
    assert {"delegation", "given_by", "status"} <= set(response.json()["errors"])
    assert not Signature.objects.filter(statement=statement, delegation=delegation("KE")).exists()


# --- CSRF -------------------------------------------------------------------------------------

PAGE_WRITES = [
    (name, probe)
    for name, route in ROUTES.items()
    for probe in route.probes
    if probe.method == "post" and not probe.api
]
API_WRITES = [
    (name, probe)
    for name, route in ROUTES.items()
    for probe in route.probes
    if probe.method in ("post", "patch") and probe.api
]
SIGNED_IN = [
    "pen_delegate",
    "pen_signatory",
    "other_signatory",
    "adviser",
    "chair",
    "coordinator",
]


@pytest.mark.parametrize("state", ["consultation", "sign_on"])
def test_every_page_write_needs_the_csrf_token(
    state: str,
    world: Callable[[str], World],
    cast: dict[str, Any],
) -> None:
    here = world(state)
    problems = []
    for role in [*SIGNED_IN, "anonymous"]:
        client = client_for(cast[role])
        client.handler.enforce_csrf_checks = True
        for name, probe in PAGE_WRITES:
            before = snapshot(here.statement)
            response = ask(probe, client, here)
            if response.status_code != 403 or b"CSRF" not in response.content:
                problems.append(f"{name} by {role}: {response.status_code} without the token")
            if snapshot(here.statement) != before:
                problems.append(f"{name} by {role}: something changed without the token")
    assert len(PAGE_WRITES) > 25
    assert not problems, "\n".join(problems)


def test_a_page_write_with_the_csrf_token_goes_through(
    make_statement: StatementMaker, other_signatory: User
) -> None:
    """The refusals above are the token's doing: with it, the same write works."""
    statement = make_statement("consultation")
    client = client_for(other_signatory)
    client.handler.enforce_csrf_checks = True
    page = client.get(reverse("workflow:statement", args=[statement.pk]))
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else None
    token = token or client.cookies["csrftoken"].value
    response = client.post(
        reverse("drafts:comment", args=[statement.pk, key_of(statement)]),
        {"body": "Agreed.", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert Comment.objects.filter(body="Agreed.").exists()


@pytest.mark.parametrize("state", ["consultation", "sign_on"])
def test_every_api_write_by_session_needs_the_csrf_token(
    state: str,
    world: Callable[[str], World],
    cast: dict[str, Any],
) -> None:
    here = world(state)
    problems = []
    for role in SIGNED_IN:
        client = api_client_for(cast[role])
        client.handler.enforce_csrf_checks = True
        for name, probe in API_WRITES:
            before = snapshot(here.statement)
            response = ask(probe, client, here)
            if response.status_code != 403 or "CSRF" not in response.json().get("detail", ""):
                problems.append(f"{name} by {role}: {response.status_code} without the token")
            if snapshot(here.statement) != before:
                problems.append(f"{name} by {role}: something changed without the token")
    assert len(API_WRITES) > 15
    assert not problems, "\n".join(problems)


def test_a_personal_token_needs_no_csrf_token(
    make_statement: StatementMaker, other_signatory: User
) -> None:
    statement = make_statement("consultation")
    client = token_client_for(other_signatory)
    client.handler.enforce_csrf_checks = True
    response = client.post(
        f"/api/statements/{statement.pk}/comments/",
        {"paragraph": key_of(statement), "body": "By script."},
        format="json",
    )
    assert response.status_code == 201
    assert Comment.objects.filter(body="By script.", author=other_signatory).exists()
    assert Revision.objects.filter(statement=statement).count() == 1
