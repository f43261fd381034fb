"""workflow.policy is the one answer: what it offers a person is exactly what the actions then
carry out for them, in every state, and each refusal is the kind its decision names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from core.errors import Conflict
from core.policy import Refusal
from delegations.models import Delegation
from drafts.models import Statement
from tests.conftest import StatementMaker, later, proof_for
from tests.workflow.test_permission_matrix import ROLES, STATES
from workflow import actions, policy
from workflow.models import Signature

pytestmark = pytest.mark.django_db

State = Statement.State

# Every action the policy offers, as the action is called.
RUN: dict[str, Callable[[Any, Statement], Any]] = {
    "open_consultation": lambda u, s: actions.open_consultation(u, s, deadline=later(10)),
    "open_sign_on": lambda u, s: actions.open_sign_on(u, s, deadline=later(7)),
    "return_to_drafting": actions.return_to_drafting,
    "withdraw": lambda u, s: actions.withdraw(u, s, reason="Overtaken by events."),
    "publish": actions.publish,
    "sign_on": lambda u, s: actions.sign_on(u, s, proof=proof_for(u)),
    "decline": actions.decline,
    "withdraw_signature": actions.withdraw_signature,
    "open_late_signatures": actions.open_late_signatures,
    "close_late_signatures": actions.close_late_signatures,
    "remove_signature": lambda u, s: actions.remove_signature(
        u, s, Delegation.objects.get(code="FR"), reason="Signed in error."
    ),
}


def outcome(name: str, user: Any, statement: Statement) -> Refusal | None:
    """Run the action in a savepoint that is rolled back: None if it went through."""
    try:
        with transaction.atomic():
            RUN[name](user, Statement.objects.get(pk=statement.pk))
            transaction.set_rollback(True)
    except Http404:
        return Refusal.NOT_VISIBLE
    except PermissionDenied:
        return Refusal.FORBIDDEN
    except Conflict:
        return Refusal.STATE
    return None


def response_of(user: Any, statement: Statement) -> Signature | None:
    return (
        Signature.objects.filter(statement=statement, delegation_id=user.delegation_id)
        .exclude(status=Signature.Status.VOID)
        .first()
    )


@pytest.mark.parametrize("state", [*STATES, "published_open_to_late_signatures"])
def test_what_is_offered_is_what_the_actions_do(
    state: str, make_statement: StatementMaker, cast: dict[str, Any], chair: Any
) -> None:
    late = state == "published_open_to_late_signatures"
    statement = make_statement(State.PUBLISHED if late else state)
    if late:
        actions.open_late_signatures(chair, statement)
    mismatches = []
    for role in ROLES:
        user = cast[role]
        if user is None:
            continue
        fresh = Statement.objects.get(pk=statement.pk)
        offered = policy.offers(user, fresh, response_of(user, fresh))
        for name in RUN:
            done = outcome(name, user, fresh) is None
            if done != (name in offered):
                mismatches.append(f"{role} {name}: offered={name in offered}, done={done}")
    assert not mismatches, f"in {state}:\n" + "\n".join(mismatches)


def test_each_refusal_is_the_kind_its_decision_names(
    make_statement: StatementMaker, cast: dict[str, Any]
) -> None:
    draft = make_statement()
    refused = policy.may_take("publish", cast["pen_delegate"], draft)
    assert (refused.allowed, refused.refusal) == (False, Refusal.FORBIDDEN)
    assert outcome("publish", cast["pen_delegate"], draft) is Refusal.FORBIDDEN
    too_early = policy.may_take("publish", cast["coordinator"], draft)
    assert (too_early.refusal, too_early.code) == (Refusal.STATE, "transition_not_allowed")
    assert outcome("publish", cast["coordinator"], draft) is Refusal.STATE


def test_publishing_is_offered_before_the_minimum_and_refused_with_the_count(
    make_statement: StatementMaker, cast: dict[str, Any]
) -> None:
    statement = make_statement(State.SIGN_ON, min_signatures=3)
    coordinator = cast["coordinator"]
    assert "publish" in policy.offers(coordinator, statement, None)
    decision = policy.may_publish(coordinator, statement)
    assert decision.code == "quorum_not_met"
    assert "at least 3 signature(s); 1 so far" in decision.message
    with pytest.raises(Conflict) as refused:
        actions.publish(coordinator, statement)
    assert refused.value.code == "quorum_not_met"
