"""A form refused because the statement changed underneath it gives back what the person
typed and says what happened, without a word of a statement they may no longer see."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from drafts.models import Comment, RevisionParagraph, Statement
from tests.conftest import StatementMaker, client_for
from workflow import actions as workflow_actions

pytestmark = pytest.mark.django_db
State = Statement.State
WORDS = "Paragraph 2 should say <em>must</em>, not should — and cite the 2016 resolution."


def test_a_comment_sent_after_the_chair_returned_the_text_to_drafting_is_given_back(
    make_statement: StatementMaker, other_signatory: Any, chair: Any
) -> None:
    statement = make_statement(State.CONSULTATION, title="Secret shutdown wording")
    key = RevisionParagraph.objects.filter(revision=statement.current_revision).first()
    assert key is not None
    member = client_for(other_signatory)  # Kenya: consulted, not a pen-holder
    assert member.get(f"/statements/{statement.pk}/").status_code == 200
    workflow_actions.return_to_drafting(chair, statement)  # while Kenya was typing

    refused = member.post(
        reverse("drafts:comment", args=[statement.pk, key.paragraph.key]), {"body": WORDS}
    )
    assert refused.status_code == 404
    html = refused.content.decode()
    assert "no longer shared with you" in html
    assert "Paragraph 2 should say &lt;em&gt;must&lt;/em&gt;" in html  # their words, as text
    assert "readonly" in html
    assert "Secret shutdown wording" not in html  # nothing of what they may not see
    assert not Comment.objects.exists()


def test_a_withdrawal_refused_by_the_state_gives_the_reason_back(
    make_statement: StatementMaker, chair: Any
) -> None:
    statement = make_statement(State.PUBLISHED)
    refused = client_for(chair).post(
        reverse("workflow:withdraw", args=[statement.pk]),
        {"reason": "A long reason typed with care.", "confirmed": "yes"},
    )
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "cannot be withdrawn" in html
    assert "A long reason typed with care." in html


def test_the_api_answers_as_always() -> None:
    """Programs keep their request: the API's refusals stay {"code", "detail"}."""
    response = client_for(None).post("/api/statements/1/comments/", {"body": WORDS})
    assert response.status_code == 401
    assert WORDS not in response.content.decode()
