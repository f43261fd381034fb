"""The API's permission matrix: every role by every state by every endpoint of a statement,
mirroring the pages' matrices (the same tables, the same answers), and nothing changed by a
refusal.

The API answers as the pages do, with these differences: an anonymous caller gets 401 (the
pages send them to log in), and what the pages answer with a redirect after success the API
answers with 200 or 201.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from drafts.models import Statement
from tests.api.conftest import api_client_for
from tests.conftest import TEXT, StatementMaker, later
from tests.drafts import test_discussion_matrix as discussion_pages
from tests.drafts.test_discussion_matrix import discussed  # noqa: F401 (a fixture)
from tests.workflow import test_permission_matrix as pages
from tests.workflow.test_permission_matrix import ROLES, STATES

# What each endpoint answers on success.
CREATED = {"save": 201, "comment": 201, "reply": 201, "propose": 201}


def api_expected(expected_by_page: int, endpoint: str, role: str) -> int:
    """The page's documented answer, as the API gives it."""
    if role == "anonymous":
        return 401
    if expected_by_page in (200, 302):
        return CREATED.get(endpoint, 200)
    return expected_by_page


def statement_url(statement: Statement, rest: str = "") -> str:
    return f"/api/statements/{statement.pk}/{rest}"


# --- reads: whoever may see the statement's page may read all of it -------------------------

READS = {
    "detail": "",
    "revisions": "revisions/",
    "revision": "revisions/1/",
    "diff": "diff/?from=1&to=1",
    "comments": "comments/",
    "amendments": "amendments/",
    "transitions": "transitions/",
    "signatures": "signatures/",
}


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
def test_reads(state: str, make_statement: StatementMaker, cast: dict[str, Any]) -> None:
    statement = make_statement(state)
    mismatches = []
    for role in ROLES:
        client = api_client_for(cast[role])
        want = api_expected(pages.expected("view", role, state), "view", role)
        if role != "anonymous" and role not in pages.SEES[state]:
            want = 404  # the page sends them to a published statement's public page
        for endpoint, rest in READS.items():
            response = client.get(statement_url(statement, rest))
            if response.status_code != want:
                mismatches.append(f"{endpoint} by {role}: got {response.status_code}, want {want}")
            elif want != 200:
                assert set(response.json()) == {"code", "detail"}, (endpoint, role)
    assert not mismatches, f"in {state}:\n" + "\n".join(mismatches)


# --- writes on the statement's life: the workflow pages' matrix -----------------------------

LIFE = [
    "save",
    "open_consultation",
    "open_sign_on",
    "return_to_drafting",
    "withdraw",
    "publish",
    "sign_on",
    "decline",
    "withdraw_signature",
]


def write(client: Any, endpoint: str, statement: Statement) -> Any:
    if endpoint == "save":
        base = statement.current_revision.number if statement.current_revision else 1
        return client.post(
            statement_url(statement, "revisions/"),
            {"text": TEXT + "\n3. *Decide* to remain seized of the matter.\n", "base": base},
            format="json",
        )
    if endpoint in ("sign_on", "decline", "withdraw_signature"):
        return client.post(
            statement_url(statement, "signatures/"), {"action": endpoint}, format="json"
        )
    data: dict[str, Any] = {
        "open_consultation": {"deadline": later(10).isoformat()},
        "open_sign_on": {"deadline": later(7).isoformat()},
        "withdraw": {"reason": "Overtaken by events."},
    }.get(endpoint, {})
    return client.post(statement_url(statement, f"transitions/{endpoint}/"), data, format="json")


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("endpoint", LIFE)
def test_life(
    endpoint: str, state: str, make_statement: StatementMaker, cast: dict[str, Any]
) -> None:
    statement = make_statement(state)
    mismatches = []
    for role in ROLES:
        before = pages.snapshot(statement)
        with transaction.atomic():  # each role starts from the same point
            response = write(api_client_for(cast[role]), endpoint, statement)
            after = pages.snapshot(statement)
            transaction.set_rollback(True)
        want = api_expected(pages.expected(endpoint, role, state), endpoint, role)
        if response.status_code != want:
            mismatches.append(f"{role}: got {response.status_code}, expected {want}")
            continue
        if want >= 400:
            body = response.json()
            assert body["code"] and body["detail"], (role, body)
            if after != before:
                mismatches.append(f"{role}: refused ({want}) but something changed")
        elif after == before:
            mismatches.append(f"{role}: allowed ({want}) but nothing changed")
    assert not mismatches, f"{endpoint} in {state}:\n" + "\n".join(mismatches)


# --- the discussion: the discussion pages' matrix -------------------------------------------


def discuss(client: Any, act: str, statement: Statement, ids: dict[str, Any]) -> Any:
    url, data = {
        "comment": ("comments/", {"paragraph": ids["paragraph"], "body": "Agreed."}),
        "reply": (f"comments/{ids['thread']}/replies/", {"body": "Agreed."}),
        "resolve": (f"comments/{ids['thread']}/resolve/", {}),
        "reopen": (f"comments/{ids['resolved']}/reopen/", {}),
        "propose": (
            "amendments/",
            {"paragraph": ids["paragraph"], "kind": "delete", "justification": "Say it once."},
        ),
        "accept": (f"amendments/{ids['amendment']}/accept/", {}),
        "reject": (f"amendments/{ids['amendment']}/reject/", {"reason": "We keep it."}),
    }[act]
    return client.post(statement_url(statement, url), data, format="json")


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
def test_discussion(state: str, discussed: Any, cast: dict[str, Any]) -> None:  # noqa: F811
    statement, ids = discussed(state)
    mismatches = []
    for act in discussion_pages.ACTS:
        for role in ROLES:
            before = discussion_pages.snapshot(statement)
            with transaction.atomic():
                response = discuss(api_client_for(cast[role]), act, statement, ids)
                after = discussion_pages.snapshot(statement)
                transaction.set_rollback(True)
            want = api_expected(discussion_pages.expected(act, role, state), act, role)
            if response.status_code != want:
                mismatches.append(f"{act} by {role}: got {response.status_code}, expected {want}")
                continue
            if want < 400:
                if after == before:
                    mismatches.append(f"{act} by {role}: allowed but nothing changed")
            elif after != before:
                mismatches.append(f"{act} by {role}: refused ({want}) but something changed")
    assert not mismatches, f"in {state}:\n" + "\n".join(mismatches)


# --- the statement's details: coordinators, while the state allows it -----------------------

DETAILS_OPEN_IN = {"draft", "consultation", "sign_on"}  # the minimum signatures, until published


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
def test_details(state: str, make_statement: StatementMaker, cast: dict[str, Any]) -> None:
    statement = make_statement(state)
    mismatches = []
    for role in ROLES:
        with transaction.atomic():
            response = api_client_for(cast[role]).patch(
                statement_url(statement), {"min_signatures": 2}, format="json"
            )
            changed = Statement.objects.get(pk=statement.pk).min_signatures == 2
            transaction.set_rollback(True)
        if role == "anonymous":
            want = 401
        elif role not in pages.SEES[state]:
            want = 404
        elif role != "coordinator":
            want = 403
        else:
            want = 200 if state in DETAILS_OPEN_IN else 409
        if response.status_code != want:
            mismatches.append(f"{role}: got {response.status_code}, expected {want}")
        elif changed != (want == 200):
            mismatches.append(f"{role}: answered {want} but changed={changed}")
    assert not mismatches, f"in {state}:\n" + "\n".join(mismatches)


# --- the list: what each role sees ------------------------------------------------------------


@pytest.mark.django_db
def test_each_role_lists_what_it_may_see(
    make_statement: StatementMaker, cast: dict[str, Any]
) -> None:
    made = {state: make_statement(state, title=f"A statement in {state}") for state in STATES}
    for role in ROLES:
        response = api_client_for(cast[role]).get("/api/statements/", {"page_size": 200})
        if role == "anonymous":
            assert response.status_code == 401
            continue
        listed = {item["id"] for item in response.json()["results"]}
        # Published statements are listed to those who saw them in sign-on; everyone reads
        # their signed text on the public site and at /api/public/statements/.
        assert listed == {made[state].pk for state in STATES if role in pages.SEES[state]}, role
