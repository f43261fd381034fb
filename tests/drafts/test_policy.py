"""The discussion's rules are answered once (``drafts.policy``): the actions refuse with the
policy's decision, and the page and the API offer what it allows, for every role and state."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from delegations.models import User
from drafts import actions, policy
from drafts.errors import AmendmentsClosed, CommentsClosed
from drafts.models import Statement
from tests.api.conftest import api_client_for
from tests.conftest import StatementMaker, client_for

pytestmark = pytest.mark.django_db

STATES = ["draft", "consultation", "sign_on", "published"]
ROLES = ["pen_delegate", "other_signatory", "adviser", "chair", "coordinator"]


@pytest.mark.parametrize("state", STATES)
def test_the_page_and_the_api_offer_what_the_policy_allows(
    state: str, make_statement: StatementMaker, cast: dict[str, User]
) -> None:
    statement = make_statement(state, advisers_invited=True)
    for role in ROLES:
        person = cast[role]
        assert person is not None
        allowed = policy.offers(person, statement)
        detail = api_client_for(person).get(f"/api/statements/{statement.pk}/")
        if detail.status_code == 404:
            assert not allowed, (state, role)
            continue
        offered = set(detail.json()["available_actions"]) & set(policy.DISCUSSION)
        assert offered == allowed, (state, role)
        page = client_for(person).get(reverse("workflow:statement", args=[statement.pk]))
        context = page.context
        assert context["may_comment"] == ("comment" in allowed), (state, role)
        assert context["may_propose"] == ("propose_amendment" in allowed), (state, role)
        assert context["may_decide"] == ("decide_amendments" in allowed), (state, role)


def test_a_refusal_is_the_policys_decision(
    make_statement: StatementMaker, adviser: User, pen_delegate: User
) -> None:
    draft = make_statement()
    decision = policy.may_comment(adviser, draft)
    assert (decision.allowed, decision.code) == (False, "forbidden")
    with pytest.raises(PermissionDenied, match="only the pen-holding delegations"):
        actions.require_commenting(adviser, draft)
    signing = make_statement(Statement.State.SIGN_ON)
    assert policy.may_comment(pen_delegate, signing).code == "comments_closed"
    with pytest.raises(CommentsClosed):
        actions.require_commenting(pen_delegate, signing)
    assert policy.may_decide(pen_delegate, signing).code == "amendments_closed"
    with pytest.raises(AmendmentsClosed):
        actions.require_deciding(pen_delegate, signing)
