"""Every role by every state by every page and action of a statement: allowed, or refused with
the documented answer and nothing changed.

404: may not see the statement (as if it did not exist). 403: may see it but not do this.
409: may do this in principle, but not in the statement's current state. 302 after a POST:
done. Anonymous visitors are sent to the login page (302) for everything but the public site.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from audit.models import AuditEntry
from drafts.models import Revision, Statement
from tests.conftest import TEXT, StatementMaker, client_for, later
from workflow.models import Signature

ROLES = [
    "pen_delegate",
    "pen_signatory",
    "other_signatory",
    "non_member_delegate",
    "adviser",
    "chair",
    "other_chair",
    "coordinator",
    "anonymous",
]
STATES = ["draft", "consultation", "sign_on", "published", "withdrawn"]

# Who can see a statement in each state (everyone else: 404; anonymous: login).
PEN = {"pen_delegate", "pen_signatory"}
STEERING = {"chair", "coordinator"}
MEMBERS = PEN | {"other_signatory", "chair", "other_chair"}
SEES = {
    "draft": PEN | STEERING,
    "consultation": MEMBERS | STEERING,
    "sign_on": MEMBERS | STEERING,
    # Publication makes public the signed text on the public site, not the negotiation: the
    # internal page stays with those who saw it in sign-on, for ever.
    "published": MEMBERS | STEERING,
    "withdrawn": PEN | STEERING,
}


def expected(page: str, role: str, state: str) -> int:
    """The answer the matrix documents for ``role`` doing ``page`` in ``state``."""
    if role == "anonymous":
        return 302  # to the login page (or, for a published statement, the public page)
    if role not in SEES[state]:
        # A published statement's internal address sends them to its public page.
        return 302 if page == "view" and state == "published" else 404
    if page == "view":
        return 200
    may = {
        "edit": PEN,
        "save": PEN,
        "open_consultation": {"chair"},
        "open_sign_on": {"chair"},
        "return_to_drafting": {"chair"},
        "withdraw": {"chair", "coordinator"},
        "publish": {"coordinator"},
        "sign_on": {"pen_signatory", "other_signatory"},
        "decline": {"pen_signatory", "other_signatory"},
        "withdraw_signature": {"pen_signatory", "other_signatory"},
        "open_late_signatures": {"chair"},
        "close_late_signatures": {"chair"},
        "remove_signature": {"coordinator"},
    }[page]
    if role not in may:
        return 403
    state_allows = {
        "edit": {"draft", "consultation"},
        "save": {"draft", "consultation"},
        "open_consultation": {"draft"},
        "open_sign_on": {"consultation"},  # a joint statement goes through consultation
        "return_to_drafting": {"consultation", "sign_on"},
        "withdraw": {"draft", "consultation", "sign_on"},
        "publish": {"sign_on"},  # France has signed, so the minimum of 1 is met
        "sign_on": {"sign_on"},
        "decline": {"sign_on"},
        "withdraw_signature": set(),  # nobody in the cast has signed yet: nothing to withdraw
        "open_late_signatures": {"published"},
        "close_late_signatures": set(),  # no statement takes late signatures until opened
        "remove_signature": {"published"},  # France's signature, once published
    }[page]
    if state not in state_allows:
        return 409
    return 200 if page == "edit" else 302


def request(client: Any, page: str, statement: Statement) -> Any:
    pk = statement.pk
    if page == "view":
        return client.get(reverse("workflow:statement", args=[pk]))
    if page == "edit":
        return client.get(reverse("drafts:edit", args=[pk]))
    if page == "save":
        base = statement.current_revision.number if statement.current_revision else 1
        return client.post(
            reverse("drafts:edit", args=[pk]),
            {
                "text": TEXT + "\n3. *Decide* to remain seized of the matter.\n",
                "base_revision": base,
            },
        )
    data: dict[str, Any] = {
        "open_consultation": {"deadline": later(10).strftime("%Y-%m-%dT%H:%M")},
        "open_sign_on": {"deadline": later(7).strftime("%Y-%m-%dT%H:%M")},
        "withdraw": {"reason": "Overtaken by events."},
        "remove_signature": {"delegation": "FR", "reason": "Signed in error."},
    }.get(page, {})
    if page in CONFIRMED:
        data = {**data, "confirmed": "yes"}  # past the page that asks "Are you sure?"
    return client.post(reverse(f"workflow:{page}", args=[pk]), data)


# The steps the statement page asks to confirm (tests/workflow/test_confirmations.py).
CONFIRMED = {"publish", "withdraw", "return_to_drafting", "remove_signature"}


def snapshot(statement: Statement) -> tuple[Any, ...]:
    fresh = Statement.objects.get(pk=statement.pk)
    return (
        fresh.state,
        fresh.current_revision_id,
        fresh.instrument_id,
        Revision.objects.filter(statement=statement).count(),
        sorted(
            Signature.objects.filter(statement=statement).values_list("delegation__code", "status")
        ),
        fresh.accepts_late_signatures,
        AuditEntry.objects.count(),
    )


PAGES = [
    "view",
    "edit",
    "save",
    "open_consultation",
    "open_sign_on",
    "return_to_drafting",
    "withdraw",
    "publish",
    "sign_on",
    "decline",
    "withdraw_signature",
    "open_late_signatures",
    "close_late_signatures",
    "remove_signature",
]


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("page", PAGES)
def test_matrix(
    page: str, state: str, make_statement: StatementMaker, cast: dict[str, Any]
) -> None:
    statement = make_statement(state)
    mismatches = []
    for role in ROLES:
        before = snapshot(statement)
        # Each role acts on the same starting point: what one does is rolled back.
        with transaction.atomic():
            response = request(client_for(cast[role]), page, statement)
            after = snapshot(statement)
            transaction.set_rollback(True)
        want = expected(page, role, state)
        if response.status_code != want:
            mismatches.append(f"{role}: got {response.status_code}, expected {want}")
            continue
        if want in (403, 404, 409) or page in ("view", "edit") or role == "anonymous":
            if after != before:
                mismatches.append(f"{role}: refused ({want}) but something changed")
        elif after == before:
            mismatches.append(f"{role}: allowed ({want}) but nothing changed")
        if want == 403:
            assert response.content, "a 403 says why"
        if role == "anonymous":
            location = response["Location"]
            assert "/accounts/login/" in location or "/published/" in location
        elif want == 302 and page == "view":
            assert response["Location"] == f"/published/{statement.slug}/", role
    assert not mismatches, f"{page} in {state}:\n" + "\n".join(mismatches)


@pytest.mark.django_db
def test_refusals_say_why(make_statement: StatementMaker, cast: dict[str, Any]) -> None:
    statement = make_statement("sign_on")
    denied = client_for(cast["pen_delegate"]).post(reverse("workflow:sign_on", args=[statement.pk]))
    assert denied.status_code == 403
    assert b"Only a signatory of a member delegation" in denied.content
    closed = client_for(cast["pen_signatory"]).get(reverse("drafts:edit", args=[statement.pk]))
    assert closed.status_code == 409
    assert b"can no longer be edited" in closed.content


@pytest.mark.django_db
def test_invited_advisers_read_the_consultation_only(
    make_statement: StatementMaker, cast: dict[str, Any], chair: Any
) -> None:
    adviser = client_for(cast["adviser"])
    statement = make_statement("consultation", advisers_invited=True)
    assert adviser.get(reverse("workflow:statement", args=[statement.pk])).status_code == 200
    assert adviser.get(reverse("drafts:edit", args=[statement.pk])).status_code == 403
    assert adviser.post(reverse("workflow:sign_on", args=[statement.pk])).status_code == 403
    from workflow import actions

    actions.open_sign_on(chair, statement, deadline=later())
    assert adviser.get(reverse("workflow:statement", args=[statement.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_dashboard_and_create_pages(role: str, cast: dict[str, Any], plenary: Any) -> None:
    client = client_for(cast[role])
    dashboard = client.get(reverse("workflow:dashboard"))
    create = client.get(reverse("workflow:create"))
    public = client.get(reverse("workflow:public_list"))
    assert public.status_code == 200
    if role == "anonymous":
        assert dashboard.status_code == 302
        assert create.status_code == 302
        return
    assert dashboard.status_code == 200
    may_create = role not in ("adviser", "non_member_delegate")
    assert create.status_code == (200 if may_create else 403)
