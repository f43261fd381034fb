"""Every role by every state by every way of taking part in a statement's discussion: comment,
reply, resolve, reopen, propose an amendment, accept it, reject it. Allowed (302), or refused
with the documented answer and nothing changed.

404: may not see the statement. 403: may see it, but may not do this. 409: commenting is closed
(sign-on has opened), or amendments are not in consultation. Anonymous visitors are sent to the
login page (302).

Each statement has, before it leaves consultation (advisers invited): an open thread started by
Kenya, a thread a pen-holder resolved, and an open amendment by Kenya. A draft is one sent back
to drafting; a withdrawn one, withdrawn from consultation.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from audit.models import AuditEntry
from drafts import actions
from drafts.models import Amendment, Comment, RevisionParagraph, Statement
from tests.conftest import StatementMaker, client_for, later, proof_for
from tests.workflow.test_permission_matrix import MEMBERS, PEN, ROLES, STATES, STEERING
from workflow import actions as workflow_actions

SEES = {
    "draft": PEN | STEERING,
    "consultation": MEMBERS | STEERING | {"adviser"},
    "sign_on": MEMBERS | STEERING,
    "published": MEMBERS | STEERING,  # the negotiation stays confidential after publication
    "withdrawn": PEN | STEERING,
}
THREAD_AUTHOR = "other_signatory"

# Who may, when the state allows it.
MAY = {
    "comment": {"draft": PEN, "consultation": MEMBERS | {"adviser"}},
    "reply": {"draft": PEN, "consultation": MEMBERS | {"adviser"}},
    "resolve": PEN | {"chair", THREAD_AUTHOR},
    "reopen": PEN | {"chair", THREAD_AUTHOR},
    "propose": MEMBERS,
    "accept": PEN,
    "reject": PEN,
}
OPEN_IN = {
    "comment": {"draft", "consultation"},
    "reply": {"draft", "consultation"},
    "resolve": set(STATES),  # a thread can be closed in any state, even after publication
    "reopen": {"draft", "consultation"},
    "propose": {"consultation"},
    "accept": {"consultation"},
    "reject": {"consultation"},
}
ACTS = list(MAY)


def expected(act: str, role: str, state: str) -> int:
    if role == "anonymous":
        return 302  # to the login page
    if role not in SEES[state]:
        return 404
    if act in ("comment", "reply"):
        # The comment grant follows the state: once sign-on opens, nobody comments (409).
        if state not in OPEN_IN[act]:
            return 409
        may = MAY[act][state]  # type: ignore[index]
        return 302 if role in may else 403
    if role not in MAY[act]:
        return 403
    return 302 if state in OPEN_IN[act] else 409


@pytest.fixture
def discussed(
    make_statement: StatementMaker, cast: dict[str, Any], chair: Any, coordinator: Any
) -> Any:
    def make(state: str) -> tuple[Statement, dict[str, Any]]:
        statement = make_statement("consultation", advisers_invited=True)
        rows = RevisionParagraph.objects.filter(revision=statement.current_revision)
        third, fourth = (rows.get(position=n).paragraph for n in (3, 4))
        kenya = cast[THREAD_AUTHOR]
        open_thread = actions.comment_on_paragraph(
            kenya, statement, paragraph=third, body="Stronger, please."
        )
        resolved = actions.comment_on_paragraph(kenya, statement, paragraph=fourth, body="Typo?")
        actions.resolve_comment(cast["pen_delegate"], resolved)
        amendment = actions.propose_amendment(
            kenya,
            statement,
            paragraph=fourth,
            kind=Amendment.Kind.DELETE,
            text="",
            justification="Redundant.",
        )
        if state == "draft":
            workflow_actions.return_to_drafting(chair, statement)
        elif state in ("sign_on", "published"):
            workflow_actions.open_sign_on(chair, statement, deadline=later())
            workflow_actions.sign_on(
                cast["pen_signatory"], statement, proof=proof_for(cast["pen_signatory"])
            )
            if state == "published":
                workflow_actions.publish(coordinator, statement)
        elif state == "withdrawn":
            workflow_actions.withdraw(chair, statement, reason="Overtaken by events.")
        statement.refresh_from_db()
        return statement, {
            "paragraph": third.key,
            "thread": open_thread.pk,
            "resolved": resolved.pk,
            "amendment": amendment.pk,
        }

    return make


def request(client: Any, act: str, statement: Statement, ids: dict[str, Any]) -> Any:
    pk = statement.pk
    url, data = {
        "comment": (reverse("drafts:comment", args=[pk, ids["paragraph"]]), {"body": "Agreed."}),
        "reply": (reverse("drafts:reply", args=[pk, ids["thread"]]), {"body": "Agreed."}),
        "resolve": (reverse("drafts:resolve_comment", args=[pk, ids["thread"]]), {}),
        "reopen": (reverse("drafts:reopen_comment", args=[pk, ids["resolved"]]), {}),
        "propose": (
            reverse("drafts:propose_amendment", args=[pk, ids["paragraph"]]),
            {"kind": "delete", "justification": "Say it once."},
        ),
        "accept": (reverse("drafts:accept_amendment", args=[pk, ids["amendment"]]), {}),
        "reject": (
            reverse("drafts:reject_amendment", args=[pk, ids["amendment"]]),
            {"reason": "We keep it."},
        ),
    }[act]
    return client.post(url, data)


def snapshot(statement: Statement) -> tuple[Any, ...]:
    fresh = Statement.objects.get(pk=statement.pk)
    return (
        fresh.current_revision_id,
        sorted(
            Comment.objects.filter(statement=statement).values_list("pk", "resolved_at", "body")
        ),
        sorted(Amendment.objects.filter(statement=statement).values_list("pk", "status", "text")),
        AuditEntry.objects.count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
def test_discussion_matrix(state: str, discussed: Any, cast: dict[str, Any]) -> None:
    statement, ids = discussed(state)
    mismatches = []
    for act in ACTS:
        for role in ROLES:
            before = snapshot(statement)
            # Each role acts on the same starting point: what one does is rolled back.
            with transaction.atomic():
                response = request(client_for(cast[role]), act, statement, ids)
                after = snapshot(statement)
                transaction.set_rollback(True)
            want = expected(act, role, state)
            if response.status_code != want:
                mismatches.append(f"{act} by {role}: got {response.status_code}, expected {want}")
                continue
            if want == 302 and role != "anonymous":
                if after == before:
                    mismatches.append(f"{act} by {role}: allowed but nothing changed")
            elif after != before:
                mismatches.append(f"{act} by {role}: refused ({want}) but something changed")
            if want in (403, 409):
                assert response.content, "a refusal says why"
            if role == "anonymous":
                assert "/accounts/login/" in response["Location"]
    assert not mismatches, f"in {state}:\n" + "\n".join(mismatches)


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
def test_threads_and_amendments_stay_readable_to_everyone_who_sees_the_statement(
    state: str, discussed: Any, cast: dict[str, Any]
) -> None:
    statement, _ = discussed(state)
    for role in SEES[state] - {"anonymous"}:
        html = client_for(cast[role]).get(f"/statements/{statement.pk}/").content.decode()
        assert "Stronger, please." in html, role
        assert "Redundant." in html, role
