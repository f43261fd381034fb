"""The steps that cannot be undone ask once more, saying what they will do, and happen only
when confirmed; the person's input (a reason) is carried to the confirmation and kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from drafts.models import Statement
from tests.conftest import StatementMaker, client_for, proof_for
from workflow import actions
from workflow.models import Signature

pytestmark = pytest.mark.django_db
State = Statement.State


def post(person: Any, statement: Statement, step: str, data: dict[str, str]) -> Any:
    return client_for(person).post(reverse(f"workflow:{step}", args=[statement.pk]), data)


def test_publishing_early_says_who_has_not_answered_and_waits_for_the_yes(
    make_statement: StatementMaker, coordinator: Any
) -> None:
    statement = make_statement(State.SIGN_ON)  # France has signed; the deadline is ahead
    asked = post(coordinator, statement, "publish", {})
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "Are you sure?" in html
    assert "its 1 signatory and its hash become public for good" in html
    assert "member delegations have not answered the sign-on yet" in html
    assert 'name="confirmed" value="yes"' in html and ">Publish now</button>" in html
    statement.refresh_from_db()
    assert statement.state == State.SIGN_ON  # nothing happened yet
    done = post(coordinator, statement, "publish", {"confirmed": "yes"})
    assert done.status_code == 302
    statement.refresh_from_db()
    assert statement.state == State.PUBLISHED


def test_returning_to_drafting_says_how_many_signatures_become_void(
    make_statement: StatementMaker, chair: Any, other_signatory: Any
) -> None:
    statement = make_statement(State.SIGN_ON)
    actions.sign_on(other_signatory, statement, proof=proof_for(other_signatory))
    asked = post(chair, statement, "return_to_drafting", {})
    assert "The 2 signatures given become void" in asked.content.decode()
    assert Signature.objects.filter(statement=statement, status="signed").count() == 2
    post(chair, statement, "return_to_drafting", {"confirmed": "yes"})
    assert not Signature.objects.filter(statement=statement, status="signed").exists()


def test_withdrawing_carries_the_reason_to_the_confirmation(
    make_statement: StatementMaker, chair: Any
) -> None:
    statement = make_statement(State.CONSULTATION)
    reason = "Overtaken by events <b>elsewhere</b>."
    asked = post(chair, statement, "withdraw", {"reason": reason})
    html = asked.content.decode()
    assert "withdrawn for good" in html
    assert 'name="reason" value="Overtaken by events &lt;b&gt;elsewhere&lt;/b&gt;."' in html
    assert ">Withdraw for good</button>" in html
    post(chair, statement, "withdraw", {"reason": reason, "confirmed": "yes"})
    statement.refresh_from_db()
    assert (statement.state, statement.withdrawal_reason) == (State.WITHDRAWN, reason)


def test_removing_a_signature_names_the_delegation_and_what_follows(
    make_statement: StatementMaker, coordinator: Any
) -> None:
    statement = make_statement(State.PUBLISHED)
    asked = post(coordinator, statement, "remove_signature", {"delegation": "FR", "reason": "x"})
    assert "The signature of France is taken off" in asked.content.decode()
    assert Signature.objects.get(statement=statement).status == Signature.Status.SIGNED
    post(
        coordinator,
        statement,
        "remove_signature",
        {"delegation": "FR", "reason": "x", "confirmed": "yes"},
    )
    assert Signature.objects.get(statement=statement).status == Signature.Status.REMOVED


def test_steps_that_can_be_undone_do_not_ask(make_statement: StatementMaker, chair: Any) -> None:
    statement = make_statement(State.DRAFT)
    done = post(chair, statement, "open_consultation", {})
    assert done.status_code == 302
