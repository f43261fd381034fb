"""A statement's full record: every audit entry about it and its parts, for whoever may see it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from audit.actions import record
from delegations.models import User
from drafts import actions as drafts_actions
from drafts.models import RevisionParagraph, Statement
from tests.conftest import StatementMaker, client_for

pytestmark = pytest.mark.django_db

State = Statement.State


def url(statement: Statement) -> str:
    return reverse("workflow:record", args=[statement.pk])


def actions_shown(response: Any) -> list[str]:
    return [entry.action for entry in response.context["entries"]]


def test_the_record_shows_the_statements_life_oldest_first_with_who_and_what_changed(
    make_statement: StatementMaker, pen_signatory: User, chair: User
) -> None:
    statement = make_statement(State.CONSULTATION)
    paragraph = RevisionParagraph.objects.get(
        revision=statement.current_revision, position=3
    ).paragraph
    drafts_actions.comment_on_paragraph(pen_signatory, statement, paragraph=paragraph, body="Yes.")

    response = client_for(pen_signatory).get(url(statement))
    assert response.status_code == 200
    shown = actions_shown(response)
    assert shown[0] == "drafts.start_statement"
    assert "workflow.open_consultation" in shown
    assert shown[-1] == "drafts.comment"  # the threads' entries too, unlike the page's history
    sequences = [entry.sequence for entry in response.context["entries"]]
    assert sequences == sorted(sequences)
    page = response.content.decode()
    assert "Opened consultation" in page
    assert chair.full_name in page
    assert "consultation</code>" in page  # the state after the transition


def test_entries_about_the_statements_parts_are_included_and_others_are_not(
    make_statement: StatementMaker, pen_delegate: User
) -> None:
    statement = make_statement(State.CONSULTATION)
    other = make_statement(title="Another statement")
    revision = statement.current_revision
    assert revision is not None
    about_revision = record(pen_delegate, "drafts.save_revision", revision)
    assert other.current_revision is not None
    about_other = record(pen_delegate, "drafts.save_revision", other.current_revision)

    shown = client_for(pen_delegate).get(url(statement)).context["entries"]
    sequences = {entry.sequence for entry in shown}
    assert about_revision.sequence in sequences
    assert about_other.sequence not in sequences


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("pen_delegate", 200),
        ("chair", 200),
        ("coordinator", 200),
        ("other_signatory", 404),  # a draft is the drafting group's
        ("adviser", 404),
        ("non_member_delegate", 404),
    ],
)
def test_only_those_who_may_see_the_statement_see_its_record(
    make_statement: StatementMaker, request: pytest.FixtureRequest, who: str, status: int
) -> None:
    statement = make_statement()
    assert client_for(request.getfixturevalue(who)).get(url(statement)).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(make_statement: StatementMaker) -> None:
    response = client_for(None).get(url(make_statement(State.PUBLISHED)))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_missing_statement_is_404(pen_delegate: User) -> None:
    assert client_for(pen_delegate).get(reverse("workflow:record", args=[9999])).status_code == 404


def test_the_statement_page_links_to_its_record(
    make_statement: StatementMaker, pen_delegate: User
) -> None:
    statement = make_statement()
    page = client_for(pen_delegate).get(reverse("workflow:statement", args=[statement.pk]))
    assert f'href="{url(statement)}"' in page.content.decode()


def test_the_record_comes_fifty_entries_a_page_at_a_constant_cost(
    make_statement: StatementMaker, pen_delegate: User, django_assert_num_queries: Any
) -> None:
    statement = make_statement()
    client = client_for(pen_delegate)
    client.get(url(statement))  # warm the caches a first request fills

    # session, the person with their delegation, the statement and its pen-holders, guardian's
    # permissions of the person and of their groups, the count, the bell, the page
    for extra in (0, 120):
        for n in range(extra):
            record(pen_delegate, "drafts.change_details", statement, note=str(n))
        with django_assert_num_queries(9):
            response = client.get(url(statement), {"page": 2 if extra else 1})
        assert response.status_code == 200
    assert len(response.context["entries"]) == 50
    assert response.context["page"].paginator.count > 120
